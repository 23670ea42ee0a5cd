import type { Router } from 'vue-router'
import { api } from './client'
import { useSessionStore } from '@/stores/session'

/**
 * When a signed-in user's session ends on the server (expired, password changed elsewhere,
 * account disabled), the next 401 signs them out here and sends them to the login page.
 */
export function watchSessionExpiry(router: Router): void {
  api.use({
    onResponse({ request, response }) {
      if (response.status !== 401) return undefined
      const session = useSessionStore()
      const path = new URL(request.url, window.location.origin).pathname
      if (!session.isLoggedIn || path === '/api/auth/login') return undefined
      session.user = null
      const here = router.currentRoute.value
      if (here.meta.requiresAuth) void router.replace({ name: 'login', query: { redirect: here.fullPath } })
      return undefined
    },
  })
}
