import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { api, unwrap } from '@/shared/api'
import { useLoader } from './useLoader'

/**
 * Names of city places by key, for lists that only carry a key (an enterprise's `town_key`).
 * A failed load just leaves the keys unnamed.
 */
export function usePlaceNames() {
  const { locale } = useI18n()
  const places = useLoader(() => unwrap(api.GET('/api/city/places')))
  const names = computed(() => {
    const byKey = new Map<string, string>()
    for (const p of places.data.value ?? []) byKey.set(p.key, locale.value === 'en' ? p.name_en || p.name_zh : p.name_zh)
    return byKey
  })
  return {
    load: places.run,
    nameOf: (key: string | null | undefined): string => (key ? (names.value.get(key) ?? key) : ''),
  }
}
