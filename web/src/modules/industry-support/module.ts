import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

const OFFICERS = ['officer', 'admin']

// The innovation center's services (catalog, requests, officer workbench) and the leading
// group's task forces.
const module: WebModule = {
  routes: [
    { path: '/support', name: 'support-catalog', component: () => import('./ServiceCatalogPage.vue') },
    {
      path: '/support/requests',
      name: 'support-mine',
      component: () => import('./MyRequestsPage.vue'),
      meta: { requiresAuth: true },
    },
    {
      path: '/support/requests/:id(\\d+)',
      name: 'support-request',
      component: () => import('./RequestDetailPage.vue'),
      meta: { requiresAuth: true },
    },
    {
      path: '/support/workbench',
      name: 'support-workbench',
      component: () => import('./WorkbenchPage.vue'),
      meta: { requiresAuth: true, roles: OFFICERS },
    },
    {
      path: '/taskforces',
      name: 'taskforces',
      component: () => import('./TaskForcesPage.vue'),
      meta: { requiresAuth: true },
    },
    {
      path: '/taskforces/:id(\\d+)',
      name: 'taskforce',
      component: () => import('./TaskForcePage.vue'),
      meta: { requiresAuth: true },
    },
  ],
  nav: [
    { to: '/support', labelKey: 'support.nav.catalog', testid: 'nav-support', order: 40, group: 'industry' },
    { to: '/support/requests', labelKey: 'support.nav.mine', testid: 'nav-support-mine', order: 41, group: 'industry', roles: ['enterprise'] },
    { to: '/support/workbench', labelKey: 'support.nav.workbench', testid: 'nav-support-workbench', order: 42, group: 'industry', roles: OFFICERS },
    { to: '/taskforces', labelKey: 'support.nav.taskforces', testid: 'nav-taskforces', order: 43, group: 'industry', requiresAuth: true },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default module
