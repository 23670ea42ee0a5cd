import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { safeRedirect } from '@/shared/ui/safeRedirect'
import { moduleRoutes } from '@/shared/modules/registry'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only signed-in users; others go to /login?redirect=… */
    requiresAuth?: boolean
    /** Any one of these roles is needed. */
    roles?: string[]
    /** Signed-in users are sent on (the login and register pages). */
    guestOnly?: boolean
  }
}

// Every page is its own chunk so the portal loads only what it shows.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/modules/portal/HomePage.vue') },
  { path: '/login', name: 'login', component: () => import('@/modules/auth/LoginPage.vue'), meta: { guestOnly: true } },
  { path: '/register', name: 'register', component: () => import('@/modules/auth/RegisterPage.vue'), meta: { guestOnly: true } },
  { path: '/account', name: 'account', component: () => import('@/modules/auth/AccountPage.vue'), meta: { requiresAuth: true } },
  {
    path: '/admin',
    name: 'admin',
    component: () => import('@/modules/admin/AdminPage.vue'),
    meta: { requiresAuth: true, roles: ['admin', 'officer'] },
  },
  { path: '/enterprises', name: 'enterprises', component: () => import('@/modules/industry/EnterprisesPage.vue') },
  { path: '/places', name: 'places', component: () => import('@/modules/city/PlacesPage.vue') },
  ...moduleRoutes(),
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/modules/portal/NotFoundPage.vue') },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  await session.ensureLoaded()
  if (to.meta.requiresAuth && !session.isLoggedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.roles && !to.meta.roles.some((role) => session.roles.includes(role))) {
    return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } }
  }
  if (to.meta.guestOnly && session.isLoggedIn) {
    return safeRedirect(to.query.redirect)
  }
  return true
})
