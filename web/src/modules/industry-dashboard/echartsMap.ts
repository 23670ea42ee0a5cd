// The map's part of ECharts, in its own chunk, with the schematic town map registered.
import * as echarts from 'echarts/core'
import { EffectScatterChart, MapChart } from 'echarts/charts'
import { GeoComponent, VisualMapComponent } from 'echarts/components'
import { TOWN_MAP } from './chartTypes'
import townMap from './maps/kunshan-towns.json'

echarts.use([EffectScatterChart, MapChart, GeoComponent, VisualMapComponent])
echarts.registerMap(TOWN_MAP, townMap as Parameters<typeof echarts.registerMap>[1])
