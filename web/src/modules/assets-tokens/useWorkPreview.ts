import { ref, type Ref } from 'vue'

export interface WorkPreview {
  src: Ref<string | null>
  mediaType: Ref<string | null>
  load: (workId: string) => Promise<void>
}

/** Where the preview of a registered work can be seen, and what kind of file it is. */
export function useWorkPreview(): WorkPreview {
  const src = ref<string | null>(null)
  const mediaType = ref<string | null>(null)
  async function load(_workId: string): Promise<void> {
    src.value = null
    mediaType.value = null
  }
  return { src, mediaType, load }
}
