// Chart options of the data screen's panels: pure functions of the dashboard data.
import type { ChartOption } from './chartTypes'
import { TOWN_MAP, towns } from './chartTypes'
import type { SegmentCount, TargetGauge, TargetTrend, TaskForce, TownCount } from './types'

export const COLORS = ['#00e4ff', '#3dffa8', '#ffc53d', '#b37feb', '#ff7a45', '#36cfc9', '#597ef7', '#f759ab']
const AXIS = { lineStyle: { color: 'rgba(120, 190, 255, 0.35)' } }
const SPLIT = { lineStyle: { color: 'rgba(120, 190, 255, 0.12)' } }
const LABEL = { color: '#a9c7ee', fontSize: 13 }
const TOOLTIP = {
  backgroundColor: 'rgba(4, 22, 54, 0.92)',
  borderColor: '#1b6fd8',
  textStyle: { color: '#e6f4ff' },
}

export type Translate = (key: string, values?: Record<string, unknown>) => string
export type Localise = (zh: string, en: string) => string

function gaugePosition(index: number, count: number): { center: [string, string]; radius: string } {
  const columns = count <= 2 ? count : count <= 4 ? 2 : 3
  const rows = Math.ceil(count / columns)
  const column = index % columns
  const row = Math.floor(index / columns)
  // A short last row is centred under the full rows.
  const inRow = row === rows - 1 ? count - row * columns : columns
  const offset = (columns - inRow) / 2
  return {
    center: [`${((column + offset + 0.5) / columns) * 100}%`, `${((row + 0.4) / rows) * 100}%`],
    radius: `${Math.min(40, 100 / columns, 60 / rows)}%`,
  }
}

export function gaugeOption(targets: TargetGauge[], localise: Localise): ChartOption {
  return {
    tooltip: { ...TOOLTIP, formatter: '{b}: {c}%' },
    series: targets.map((target, index) => ({
      type: 'gauge',
      ...gaugePosition(index, targets.length),
      min: 0,
      max: 100,
      startAngle: 220,
      endAngle: -40,
      progress: { show: true, width: 10, itemStyle: { color: COLORS[index % COLORS.length] } },
      axisLine: { lineStyle: { width: 10, color: [[1, 'rgba(120, 190, 255, 0.15)']] } },
      axisTick: { show: false },
      splitLine: { show: false },
      axisLabel: { show: false },
      pointer: { show: false },
      anchor: { show: false },
      title: {
        offsetCenter: [0, '96%'],
        color: '#a9c7ee',
        fontSize: 14,
        rich: { sub: { fontSize: 12, color: '#7fa7d6', padding: [4, 0, 0, 0] } },
      },
      detail: { offsetCenter: [0, '0%'], fontSize: 24, fontWeight: 'bold', color: '#ffffff', formatter: '{value}%' },
      data: [
        {
          value: Math.round(target.ratio * 100),
          name: `${localise(target.name, target.name_en)}\n{sub|${target.current} / ${target.target} ${localise(target.unit, target.unit_en)}}`,
        },
      ],
    })),
  }
}

export function trendOption(trends: TargetTrend[], targets: TargetGauge[], localise: Localise): ChartOption {
  const quarters = [...new Set(trends.flatMap((trend) => trend.points.map((p) => p.quarter)))].sort()
  const targetOf = new Map(targets.map((t) => [t.key, t.target]))
  return {
    color: COLORS,
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => `${v}%` },
    legend: { top: 0, textStyle: LABEL, itemWidth: 14 },
    grid: { left: 48, right: 20, top: 44, bottom: 30 },
    xAxis: { type: 'category', data: quarters, axisLine: AXIS, axisLabel: LABEL },
    yAxis: { type: 'value', axisLabel: { ...LABEL, formatter: '{value}%' }, splitLine: SPLIT },
    // Targets have different units; the trend shows each as a share of its own target.
    series: trends.map((trend) => {
      const byQuarter = new Map(trend.points.map((p) => [p.quarter, p.value]))
      const target = targetOf.get(trend.key) || 0
      return {
        type: 'line',
        name: localise(trend.name, trend.name_en),
        smooth: true,
        symbolSize: 7,
        data: quarters.map((q) => {
          const value = byQuarter.get(q)
          return value === undefined || !target ? null : Math.round((value / target) * 1000) / 10
        }),
      }
    }),
  }
}

export function mapOption(byTown: TownCount[], localise: Localise, label: string): ChartOption {
  const counts = new Map(byTown.map((t) => [t.town_key, t.enterprises]))
  const most = Math.max(1, ...counts.values())
  return {
    tooltip: { ...TOOLTIP, trigger: 'item' },
    visualMap: {
      min: 0,
      max: most,
      left: 16,
      bottom: 16,
      calculable: false,
      text: [String(most), '0'],
      textStyle: LABEL,
      inRange: { color: ['#0b2a5b', '#0f5fb8', '#00b4ff'] },
      seriesIndex: 0,
    },
    geo: {
      map: TOWN_MAP,
      roam: false,
      layoutCenter: ['50%', '50%'],
      layoutSize: '96%',
      itemStyle: { areaColor: '#0b2a5b', borderColor: '#39c6ff', borderWidth: 1.2 },
      emphasis: { itemStyle: { areaColor: '#1580e0' }, label: { color: '#fff' } },
      label: { show: false },
    },
    series: [
      {
        type: 'map',
        geoIndex: 0,
        name: label,
        data: towns.map((town) => ({ name: town.key, value: counts.get(town.key) ?? 0 })),
        tooltip: {
          formatter: (p) => {
            const town = towns.find((t) => t.key === (p as { name: string }).name)
            return `${town ? localise(town.name_zh, town.name_en) : ''}<br/>${label}: ${(p as { value: number }).value || 0}`
          },
        },
      },
      {
        type: 'effectScatter',
        coordinateSystem: 'geo',
        rippleEffect: { scale: 3, brushType: 'stroke' },
        itemStyle: { color: '#ffc53d' },
        label: {
          show: true,
          position: 'right',
          color: '#e6f4ff',
          fontSize: 14,
          formatter: (p) => {
            const data = (p as unknown as { data: { town: string; count: number } }).data
            return `${data.town} ${data.count}`
          },
        },
        symbolSize: (value: number[]) => 8 + ((value[2] ?? 0) / most) * 18,
        data: towns.map((town) => ({
          name: town.key,
          town: localise(town.name_zh, town.name_en),
          count: counts.get(town.key) ?? 0,
          value: [...town.center, counts.get(town.key) ?? 0],
        })),
        tooltip: { show: false },
      },
    ],
  }
}

export function segmentOption(bySegment: SegmentCount[], t: Translate): ChartOption {
  const segments = [...new Set(bySegment.map((s) => s.segment))]
  return {
    color: COLORS,
    tooltip: { ...TOOLTIP, trigger: 'item', formatter: '{b}: {c}' },
    series: [
      {
        type: 'sunburst',
        radius: ['14%', '92%'],
        sort: undefined,
        itemStyle: { borderColor: '#041636', borderWidth: 2 },
        label: { color: '#e6f4ff', fontSize: 12, minAngle: 12 },
        // Sub-segments are too many to label legibly; their names show on hover.
        levels: [{}, { label: { rotate: 0, fontSize: 15 } }, { label: { show: false } }],
        data: segments.map((segment, index) => {
          const children = bySegment.filter((s) => s.segment === segment)
          return {
            name: t(`industryDashboard.segment.${segment}`),
            itemStyle: { color: COLORS[index % COLORS.length] },
            children: children.map((s) => ({
              name: t(`industryDashboard.subSegment.${s.sub_segment}`),
              value: s.enterprises,
            })),
          }
        }),
      },
    ],
  }
}

export function throughputOption(
  byMonth: { period: string; submitted: number; resolved: number }[],
  t: Translate,
): ChartOption {
  return {
    color: [COLORS[0], COLORS[1]],
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    legend: { top: 0, textStyle: LABEL },
    grid: { left: 40, right: 16, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: byMonth.map((p) => p.period.slice(2)), axisLine: AXIS, axisLabel: LABEL },
    yAxis: { type: 'value', minInterval: 1, axisLabel: LABEL, splitLine: SPLIT },
    series: [
      {
        type: 'bar',
        name: t('industryDashboard.series.submitted'),
        barMaxWidth: 18,
        itemStyle: { borderRadius: [4, 4, 0, 0] },
        data: byMonth.map((p) => p.submitted),
      },
      {
        type: 'line',
        name: t('industryDashboard.series.resolved'),
        smooth: true,
        data: byMonth.map((p) => p.resolved),
      },
    ],
  }
}

export function taskForceOption(taskForces: TaskForce[], localise: Localise): ChartOption {
  const rows = [...taskForces].reverse() // ECharts draws categories bottom-up
  return {
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 150, right: 70, top: 8, bottom: 8 },
    xAxis: { type: 'value', max: 100, show: false },
    yAxis: {
      type: 'category',
      data: rows.map((f) => localise(f.name, f.name_en)),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { ...LABEL, width: 140, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        barWidth: 12,
        showBackground: true,
        backgroundStyle: { color: 'rgba(120, 190, 255, 0.12)', borderRadius: 6 },
        itemStyle: { borderRadius: 6, color: COLORS[1] },
        label: {
          show: true,
          position: 'right',
          color: '#e6f4ff',
          formatter: (p) => {
            const force = rows[(p as { dataIndex: number }).dataIndex]
            return force ? `${Math.round(force.progress * 100)}% (${force.tasks_done}/${force.tasks_total})` : ''
          },
        },
        data: rows.map((f) => Math.round(f.progress * 1000) / 10),
      },
    ],
  }
}
