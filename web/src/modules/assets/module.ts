import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

/** Works and their rights confirmation: my works, a work's registration, the public verifier. */
const assets: WebModule = {
  routes: [
    { path: '/works', name: 'my-works', component: () => import('./MyWorksPage.vue'), meta: { requiresAuth: true } },
    { path: '/works/:id', name: 'work', component: () => import('./WorkPage.vue') },
    { path: '/verify', name: 'verify', component: () => import('./VerifyPage.vue') },
  ],
  nav: [
    { to: '/works', labelKey: 'works.navMine', testid: 'nav-works', order: 50, group: 'assets', requiresAuth: true },
    { to: '/verify', labelKey: 'works.navVerify', testid: 'nav-verify', order: 55, group: 'assets' },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default assets
