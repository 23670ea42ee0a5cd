import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

// The exhibition shop (会展销售 · 厂家直通车): public shop pages, the buyer's cart and orders,
// and order/product management for enterprise members.
const commerce: WebModule = {
  routes: [
    { path: '/shop', name: 'shop', component: () => import('./ShopPage.vue') },
    { path: '/shop/products/:id(\\d+)', name: 'shop-product', component: () => import('./ProductPage.vue') },
    { path: '/cart', name: 'cart', component: () => import('./CartPage.vue'), meta: { requiresAuth: true } },
    { path: '/orders', name: 'my-orders', component: () => import('./MyOrdersPage.vue'), meta: { requiresAuth: true } },
    {
      path: '/seller/orders',
      name: 'seller-orders',
      component: () => import('./SellerOrdersPage.vue'),
      meta: { requiresAuth: true, roles: ['enterprise'] },
    },
    {
      path: '/seller/products',
      name: 'seller-products',
      component: () => import('./SellerProductsPage.vue'),
      meta: { requiresAuth: true, roles: ['enterprise'] },
    },
  ],
  nav: [
    { to: '/shop', labelKey: 'commerce.nav.shop', testid: 'nav-shop', order: 40, group: 'expo' },
    { to: '/cart', labelKey: 'commerce.nav.cart', testid: 'nav-cart', order: 41, group: 'expo', requiresAuth: true },
    { to: '/orders', labelKey: 'commerce.nav.orders', testid: 'nav-orders', order: 42, group: 'expo', requiresAuth: true },
    { to: '/seller/orders', labelKey: 'commerce.nav.sellerOrders', testid: 'nav-seller-orders', order: 43, group: 'expo', roles: ['enterprise'] },
    { to: '/seller/products', labelKey: 'commerce.nav.sellerProducts', testid: 'nav-seller-products', order: 44, group: 'expo', roles: ['enterprise'] },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default commerce
