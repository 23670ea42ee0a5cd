import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export const STAGE_WIDTH = 1920
export const STAGE_HEIGHT = 1080
/** Below this width the panels stack instead of shrinking the 1920×1080 screen. */
const STACK_BELOW = 760

/**
 * The screen is laid out once at 1920×1080 and scaled to whatever holds it: the page width in
 * the portal, or the whole display in full screen (letterboxed, centred).
 */
export function useStageScale(viewport: Ref<HTMLElement | null>) {
  const width = ref(STAGE_WIDTH)
  const height = ref(STAGE_HEIGHT)
  const fitHeight = ref(false)
  let observer: ResizeObserver | null = null

  onMounted(() => {
    if (!viewport.value) return
    observer = new ResizeObserver(([entry]) => {
      if (!entry) return
      width.value = entry.contentRect.width
      height.value = entry.contentRect.height
    })
    observer.observe(viewport.value)
  })
  onBeforeUnmount(() => observer?.disconnect())

  const stacked = computed(() => !fitHeight.value && width.value < STACK_BELOW)
  const scale = computed(() => {
    const byWidth = width.value / STAGE_WIDTH
    return fitHeight.value ? Math.min(byWidth, height.value / STAGE_HEIGHT) : byWidth
  })
  const stageStyle = computed(() => {
    if (stacked.value) return {}
    const left = fitHeight.value ? (width.value - STAGE_WIDTH * scale.value) / 2 : 0
    const top = fitHeight.value ? (height.value - STAGE_HEIGHT * scale.value) / 2 : 0
    return { transform: `translate(${left}px, ${top}px) scale(${scale.value})` }
  })
  const viewportStyle = computed(() =>
    stacked.value || fitHeight.value ? {} : { height: `${STAGE_HEIGHT * scale.value}px` },
  )
  return { stacked, fitHeight, stageStyle, viewportStyle }
}

/** The browser's Fullscreen API on one element, with its state kept in step. */
export function useFullscreen(element: Ref<HTMLElement | null>) {
  const active = ref(false)
  const supported = typeof document !== 'undefined' && document.fullscreenEnabled

  function sync(): void {
    active.value = document.fullscreenElement !== null && document.fullscreenElement === element.value
  }
  async function toggle(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen()
    else await element.value?.requestFullscreen()
  }
  onMounted(() => document.addEventListener('fullscreenchange', sync))
  onBeforeUnmount(() => document.removeEventListener('fullscreenchange', sync))
  return { active, supported, toggle }
}

/** Calls `load` now and every `seconds` while the page is visible; `stop` on unmount. */
export function usePolling(load: () => Promise<void>, seconds: number) {
  let timer: number | undefined
  let stopped = false

  async function tick(): Promise<void> {
    if (!document.hidden) await load()
    if (!stopped) timer = window.setTimeout(tick, seconds * 1000)
  }
  function onVisible(): void {
    if (!document.hidden) {
      window.clearTimeout(timer)
      void tick()
    }
  }
  onMounted(() => {
    document.addEventListener('visibilitychange', onVisible)
    void tick()
  })
  onBeforeUnmount(() => {
    stopped = true
    window.clearTimeout(timer)
    document.removeEventListener('visibilitychange', onVisible)
  })
}
