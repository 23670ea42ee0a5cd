import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'
import type { ECharts } from 'echarts/core'
import type { ChartOption } from './chartTypes'

/**
 * One ECharts instance bound to an element: built on mount (ECharts is fetched then, and the
 * map part only for the map), updated when the option changes, resized with its box (the
 * screen scales and goes full screen), disposed on unmount.
 */
export function useChart(element: Ref<HTMLElement | null>, option: Ref<ChartOption>, withMap = false): void {
  let chart: ECharts | null = null
  let observer: ResizeObserver | null = null
  let unmounted = false

  onMounted(async () => {
    const [{ echarts }] = await Promise.all([import('./echarts'), withMap ? import('./echartsMap') : null])
    if (unmounted || !element.value) return
    chart = echarts.init(element.value, undefined, { renderer: 'canvas' })
    chart.setOption(option.value)
    observer = new ResizeObserver(() => chart?.resize())
    observer.observe(element.value)
  })

  // notMerge: panels may lose series (e.g. a task force ends); stale ones must go.
  watch(option, (next) => chart?.setOption(next, { notMerge: true }))

  onBeforeUnmount(() => {
    unmounted = true
    observer?.disconnect()
    chart?.dispose()
  })
}
