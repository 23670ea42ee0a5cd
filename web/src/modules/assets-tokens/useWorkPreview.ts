import { ref, type Ref } from 'vue'
import { api, unwrap } from '@/shared/api'

export interface WorkPreview {
  src: Ref<string | null>
  mediaType: Ref<string | null>
  title: Ref<string>
  load: (workId: string, holder?: boolean) => Promise<void>
}

const GLB = 'model/gltf-binary'

/**
 * What to show of a registered work: its public, watermarked preview picture; for the holder
 * of a token of a glTF work, the original model itself (only holders may download originals).
 */
export function useWorkPreview(): WorkPreview {
  const src = ref<string | null>(null)
  const mediaType = ref<string | null>(null)
  const title = ref('')
  async function load(workId: string, holder = false): Promise<void> {
    try {
      const work = await unwrap(api.GET('/api/works/{work_id}', { params: { path: { work_id: workId } } }))
      title.value = work.title
      if (holder && work.media_type === GLB) {
        src.value = `/api/works/${encodeURIComponent(work.id)}/original`
        mediaType.value = GLB
      } else {
        src.value = work.preview_url
        mediaType.value = 'image/jpeg'
      }
    } catch {
      src.value = null
      mediaType.value = null
    }
  }
  return { src, mediaType, title, load }
}
