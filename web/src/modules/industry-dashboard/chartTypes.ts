// Option types of the charts the screen uses (types only: no ECharts code is pulled in here).
import type { ComposeOption } from 'echarts/core'
import type {
  BarSeriesOption,
  EffectScatterSeriesOption,
  GaugeSeriesOption,
  LineSeriesOption,
  MapSeriesOption,
  SunburstSeriesOption,
} from 'echarts/charts'
import type {
  GeoComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components'
import townMap from './maps/kunshan-towns.json'

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | EffectScatterSeriesOption
  | GaugeSeriesOption
  | LineSeriesOption
  | MapSeriesOption
  | SunburstSeriesOption
  | GeoComponentOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>

export interface TownFeature {
  properties: { key: string; name_zh: string; name_en: string; center: number[] }
}

/** The schematic town map (scripts/make_town_map.py); ECharts knows it under this name. */
export const TOWN_MAP = 'kunshan-towns'
export const towns = (townMap as { features: TownFeature[] }).features.map((f) => f.properties)
