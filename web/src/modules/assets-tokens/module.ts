import type { WebModule } from '@/shared/modules/registry'
import { messages } from './messages'

// Digital collectibles: public collection pages, my collection, issuing and officer review.
const module: WebModule = {
  routes: [
    { path: '/collections', name: 'collections', component: () => import('./CollectionsPage.vue') },
    {
      path: '/collections/propose',
      name: 'collection-propose',
      component: () => import('./ProposePage.vue'),
      meta: { requiresAuth: true, roles: ['creator'] },
    },
    { path: '/collections/:id(\\d+)', name: 'collection', component: () => import('./CollectionPage.vue') },
    {
      path: '/collections/:id(\\d+)/tokens/:serial(\\d+)',
      name: 'token',
      component: () => import('./TokenPage.vue'),
    },
    {
      path: '/my/collectibles',
      name: 'my-collectibles',
      component: () => import('./MyCollectiblesPage.vue'),
      meta: { requiresAuth: true },
    },
    {
      path: '/review/collections',
      name: 'collection-review',
      component: () => import('./ReviewPage.vue'),
      meta: { requiresAuth: true, roles: ['officer', 'admin'] },
    },
  ],
  // Two header links only; issuing and review open from the collections page's toolbar.
  nav: [
    { to: '/collections', labelKey: 'collectibles.nav.collections', testid: 'nav-collections', order: 40, group: 'assets' },
    { to: '/my/collectibles', labelKey: 'collectibles.nav.mine', testid: 'nav-my-collectibles', order: 41, group: 'assets', requiresAuth: true },
  ],
  messages,
}

export default module
