import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

// The cloud living room in 3D (云上客厅): walk the hall, meet people, enter booths.
// The page and three.js load only when the route opens.
const expoHall: WebModule = {
  routes: [
    { path: '/expo/hall/:space([a-z0-9-]+)?', name: 'expo-hall', component: () => import('./HallPage.vue') },
  ],
  nav: [
    { to: '/expo/hall', labelKey: 'expoHall.nav.hall', testid: 'nav-expo-hall', order: 39, group: 'expo', requiresAuth: false },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default expoHall
