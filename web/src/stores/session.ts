import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, ApiError, unwrap, type User } from '@/shared/api'

/** Who is signed in. Loaded once from /api/auth/me at start; 401 means anonymous. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const loaded = ref(false)
  let loading: Promise<void> | null = null

  const isLoggedIn = computed(() => user.value !== null)
  const roles = computed(() => user.value?.roles ?? [])
  const isAdmin = computed(() => roles.value.includes('admin'))
  const canReview = computed(() => isAdmin.value || roles.value.includes('officer'))

  async function refresh(): Promise<void> {
    try {
      user.value = await unwrap(api.GET('/api/auth/me'))
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) user.value = null
      else throw err
    } finally {
      loaded.value = true
    }
  }

  /** Loads the session once; later callers share the same request. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    loading ??= refresh().catch(() => {
      // The server is unreachable: carry on as anonymous, pages show their own errors.
      user.value = null
    })
    return loading
  }

  async function login(username: string, password: string): Promise<User> {
    const body = await unwrap(api.POST('/api/auth/login', { body: { username, password } }))
    user.value = body.user
    loaded.value = true
    return body.user
  }

  async function register(input: {
    username: string
    password: string
    display_name: string
    email?: string | null
    role: 'visitor' | 'creator'
  }): Promise<User> {
    const body = await unwrap(api.POST('/api/auth/register', { body: input }))
    user.value = body.user
    loaded.value = true
    return body.user
  }

  async function logout(): Promise<void> {
    try {
      await unwrap(api.POST('/api/auth/logout'))
    } finally {
      user.value = null
    }
  }

  function setUser(next: User): void {
    user.value = next
  }

  return { user, loaded, isLoggedIn, roles, isAdmin, canReview, ensureLoaded, refresh, login, register, logout, setUser }
})
