import type { WebModule } from '@/shared/modules/registry'
import { messages } from './messages'

// The city in the browser: the twin's buildings, roads, water and live sensors on a 3D map.
const module: WebModule = {
  routes: [
    {
      path: '/city/twin',
      name: 'city-twin',
      component: () => import('./TwinViewPage.vue'),
      meta: { requiresAuth: true },
    },
  ],
  nav: [{ to: '/city/twin', labelKey: 'twinView.nav.twin', testid: 'nav-city-twin', order: 35, requiresAuth: true }],
  messages,
}

export default module
