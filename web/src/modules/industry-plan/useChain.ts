import { computed, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { api, unwrap } from '@/shared/api'
import type { ChainSegment } from './types'

// The taxonomy never changes while the app runs: load it once for every page.
const chain = shallowRef<ChainSegment[]>([])
let pending: Promise<void> | null = null

/** The industry chain taxonomy (segments → positions) and its names in the UI language. */
export function useChain() {
  const { locale } = useI18n()
  function load(): Promise<void> {
    pending ??= unwrap(api.GET('/api/industry/chain'))
      .then((segments) => {
        chain.value = segments
      })
      .catch(() => {
        pending = null // try again on the next page that asks
      })
    return pending
  }
  const names = computed(() => {
    const en = locale.value === 'en'
    const map = new Map<string, string>()
    for (const segment of chain.value) {
      map.set(segment.key, en ? segment.en : segment.zh)
      for (const position of segment.positions) map.set(position.key, en ? position.en : position.zh)
    }
    return map
  })
  return {
    chain,
    load,
    /** Name of a segment or position key; the key itself until the taxonomy is loaded. */
    nameOf: (key: string): string => names.value.get(key) ?? key,
    positionsOf: (segment: string) => chain.value.find((s) => s.key === segment)?.positions ?? [],
  }
}
