import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { currentLocale } from '@/i18n'

/**
 * The one typed client for the Cityverse API. The session cookie travels with every call,
 * and messages (including error messages) come back in the UI language.
 */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'include',
  headers: { Accept: 'application/json' },
})

api.use({
  onRequest({ request }) {
    request.headers.set('Accept-Language', currentLocale())
    return request
  },
})
