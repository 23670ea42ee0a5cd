import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ApiError } from '@/shared/api'

export interface Loader<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  run: () => Promise<void>
}

/**
 * Loading / loaded / failed state for one API read. Only the latest call's answer is kept,
 * so quickly changing a filter cannot show an older page.
 */
export function useLoader<T>(load: () => Promise<T>): Loader<T> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  let generation = 0

  async function run(): Promise<void> {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const result = await load()
      if (mine === generation) data.value = result
    } catch (err) {
      if (mine !== generation) return
      error.value = err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err))
      if (!(err instanceof ApiError)) console.error(err)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  return { data, loading, error, run }
}
