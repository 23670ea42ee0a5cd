import { computed, ref, shallowRef } from 'vue'
import { api, unwrap } from '@/shared/api'
import type { Replay } from './types'

/**
 * The time slider's state: while the slider is held the sensors show the bucket it points at
 * (from /api/twin/view/replay, read once when first held); released, the page is live again.
 */
export function useReplay() {
  const mode = ref<'live' | 'replay'>('live')
  const data = shallowRef<Replay | null>(null)
  const table = shallowRef(new Map<string, Map<string, (number | null)[]>>())
  const index = ref(95)
  const loading = ref(false)
  const last = computed(() => (data.value ? data.value.buckets - 1 : 95))

  const moment = computed(() => {
    if (!data.value) return null
    const start = Date.parse(data.value.start)
    return new Date(start + (index.value + 1) * data.value.bucketSeconds * 1000)
  })

  async function load(): Promise<void> {
    if (data.value || loading.value) return
    loading.value = true
    try {
      const found = await unwrap(api.GET('/api/twin/view/replay', { params: { query: { hours: 24, buckets: 96 } } }))
      const byEntity = new Map<string, Map<string, (number | null)[]>>()
      for (const series of found.series) {
        if (!byEntity.has(series.id)) byEntity.set(series.id, new Map())
        byEntity.get(series.id)!.set(series.attr, series.values)
      }
      table.value = byEntity
      data.value = found
    } finally {
      loading.value = false
    }
  }

  function hold(): void {
    mode.value = 'replay'
    void load()
  }
  function seek(position: number): void {
    mode.value = 'replay'
    index.value = position
  }
  function release(): void {
    mode.value = 'live'
    index.value = last.value
  }

  /** The values a sensor shows now: live, or those of the replayed moment over the live ones. */
  function valuesAt(id: string, live: Record<string, unknown>): Record<string, unknown> {
    if (mode.value === 'live' || !data.value) return live
    const series = table.value.get(id)
    if (!series) return live
    const at = index.value
    const replayed: Record<string, unknown> = { ...live }
    for (const [attr, values] of series) replayed[attr] = values[at] ?? null
    return replayed
  }

  return { mode, index, last, loading, moment, hold, seek, release, valuesAt }
}
