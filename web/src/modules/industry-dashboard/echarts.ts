// ECharts with only the charts this screen draws; loaded on demand so the page shows at once.
import * as echarts from 'echarts/core'
import { BarChart, GaugeChart, LineChart, SunburstChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, GaugeChart, LineChart, SunburstChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }
