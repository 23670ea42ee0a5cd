import type { RouteRecordRaw } from 'vue-router'

/** A header link a module adds; shown only to the roles it names (any signed-in user if empty). */
export interface NavLink {
  to: string
  /** i18n key of the label, in the module's own message namespace. */
  labelKey: string
  testid: string
  /** Position in the bar; lower comes first (the shell's own links use 10, 20, 30). */
  order: number
  requiresAuth?: boolean
  roles?: string[]
  /** Links of one system share a menu in the header (a key of `nav.groups`). */
  group?: NavGroup
}

/** The header's menus, one per system with several pages. */
export type NavGroup = 'industry' | 'assets' | 'expo'

/** What a front-end module contributes to the shell: pages, header links and messages. */
export interface WebModule {
  routes?: RouteRecordRaw[]
  nav?: NavLink[]
  /** Messages under the module's own top-level key, e.g. { commerce: { … } }. */
  messages?: { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> }
}

// Each module folder may hold a module.ts; the shell picks them all up, so adding a module
// touches no shared file.
const found = import.meta.glob<WebModule>('../../modules/*/module.ts', { eager: true, import: 'default' })

export const webModules: WebModule[] = Object.keys(found)
  .sort()
  .map((path) => found[path] as WebModule)

export function moduleRoutes(): RouteRecordRaw[] {
  return webModules.flatMap((module) => module.routes ?? [])
}

export function moduleNav(): NavLink[] {
  return webModules.flatMap((module) => module.nav ?? [])
}

export function moduleMessages(locale: 'zh-CN' | 'en'): Record<string, unknown> {
  return Object.assign({}, ...webModules.map((module) => module.messages?.[locale] ?? {}))
}
