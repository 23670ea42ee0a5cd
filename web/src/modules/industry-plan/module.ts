import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

const OFFICERS = ['officer', 'admin']

/** Industry plan: targets, scenario projects, the member's enterprise page and officer tools. */
const module: WebModule = {
  routes: [
    { path: '/industry/targets', name: 'industry-targets', component: () => import('./TargetsPage.vue') },
    { path: '/industry/scenarios', name: 'industry-scenarios', component: () => import('./ScenariosPage.vue') },
    { path: '/industry/scenarios/:id(\\d+)', name: 'industry-scenario', component: () => import('./ScenarioDetailPage.vue') },
    {
      path: '/industry/mine',
      name: 'industry-mine',
      component: () => import('./MyEnterprisePage.vue'),
      meta: { requiresAuth: true, roles: ['enterprise'] },
    },
    {
      path: '/industry/manage',
      name: 'industry-manage',
      component: () => import('./ManagePage.vue'),
      meta: { requiresAuth: true, roles: OFFICERS },
    },
  ],
  nav: [
    { to: '/industry/targets', labelKey: 'industryPlan.nav.targets', testid: 'nav-industry-targets', order: 40, group: 'industry' },
    { to: '/industry/scenarios', labelKey: 'industryPlan.nav.scenarios', testid: 'nav-industry-scenarios', order: 41, group: 'industry' },
    { to: '/industry/mine', labelKey: 'industryPlan.nav.mine', testid: 'nav-industry-mine', order: 42, group: 'industry', requiresAuth: true, roles: ['enterprise'] },
    { to: '/industry/manage', labelKey: 'industryPlan.nav.manage', testid: 'nav-industry-manage', order: 43, group: 'industry', requiresAuth: true, roles: OFFICERS },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default module
