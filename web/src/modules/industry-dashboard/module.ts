import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

// The data screen and the reports are for government officers (and administrators).
const OFFICERS = ['admin', 'officer']

const module: WebModule = {
  routes: [
    {
      path: '/dashboard',
      name: 'industry-dashboard',
      component: () => import('./DashboardPage.vue'),
      meta: { requiresAuth: true, roles: OFFICERS },
    },
    {
      path: '/dashboard/reports',
      name: 'industry-reports',
      component: () => import('./ReportsPage.vue'),
      meta: { requiresAuth: true, roles: OFFICERS },
    },
  ],
  nav: [
    { to: '/dashboard', labelKey: 'industryDashboard.nav', testid: 'nav-dashboard', order: 40, group: 'industry', requiresAuth: true, roles: OFFICERS },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default module
