import type { LocationQueryValue } from 'vue-router'

/** Only same-site paths are followed after sign-in, so a link cannot send users elsewhere. */
export function safeRedirect(value: LocationQueryValue | LocationQueryValue[] | undefined, fallback = '/account'): string {
  const target = Array.isArray(value) ? value[0] : value
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return fallback
  return target
}
