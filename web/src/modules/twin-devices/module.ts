import type { WebModule } from '@/shared/modules/registry'
import { messages } from './messages'

// The twin's device registry for the city's IoT operators: devices, keys and the ingest.
const OPERATORS = ['officer', 'admin']

const module: WebModule = {
  routes: [
    {
      path: '/city/twin/devices',
      name: 'city-twin-devices',
      component: () => import('./DevicesPage.vue'),
      meta: { requiresAuth: true, roles: OPERATORS },
    },
  ],
  nav: [{ to: '/city/twin/devices', labelKey: 'twinDevices.nav.devices', testid: 'nav-twin-devices', order: 36, requiresAuth: true, roles: OPERATORS }],
  messages,
}

export default module
