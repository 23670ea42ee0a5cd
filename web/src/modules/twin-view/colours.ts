// How each sensor type is coloured: one value decides (the first of `attrs` the sensor has),
// graded by thresholds; the legend shows the same grades.
export type Rgb = [number, number, number]
export type Values = Record<string, unknown>

export interface Grade {
  /** Upper bound of the grade (exclusive); the last grade has none. */
  below: number | null
  colour: Rgb
  labelKey: string
}

export interface Scale {
  type: string
  attrs: string[]
  unit: string
  grades: Grade[]
  /** The number the grades apply to, from the sensor's values. */
  measure?: (values: Values) => number | null
}

const GREEN: Rgb = [46, 160, 67]
const YELLOW: Rgb = [230, 190, 30]
const ORANGE: Rgb = [240, 120, 30]
const RED: Rgb = [210, 40, 40]
const PURPLE: Rgb = [130, 40, 150]
export const NO_DATA: Rgb = [150, 150, 150]

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export const SCALES: Scale[] = [
  {
    type: 'AirQualityObserved', attrs: ['pm25', 'airQualityIndex'], unit: 'µg/m³',
    grades: [
      { below: 35, colour: GREEN, labelKey: 'good' },
      { below: 75, colour: YELLOW, labelKey: 'moderate' },
      { below: 115, colour: ORANGE, labelKey: 'unhealthy' },
      { below: 150, colour: RED, labelKey: 'bad' },
      { below: null, colour: PURPLE, labelKey: 'severe' },
    ],
  },
  {
    type: 'WaterObserved', attrs: ['height'], unit: 'm',
    grades: [
      { below: 2.5, colour: [120, 190, 240], labelKey: 'low' },
      { below: 3.2, colour: [30, 110, 210], labelKey: 'normal' },
      { below: 3.8, colour: ORANGE, labelKey: 'high' },
      { below: null, colour: RED, labelKey: 'alarm' },
    ],
  },
  {
    // Flood gauges are graded by how close the level is to its warning level.
    type: 'FloodMonitoring', attrs: ['currentLevel'], unit: '%',
    measure: (values) => {
      const level = num(values.currentLevel)
      const reference = num(values.referenceLevel)
      if (level === null) return null
      return reference ? (level / reference) * 100 : level
    },
    grades: [
      { below: 80, colour: GREEN, labelKey: 'safe' },
      { below: 95, colour: YELLOW, labelKey: 'watch' },
      { below: 100, colour: ORANGE, labelKey: 'warning' },
      { below: null, colour: RED, labelKey: 'alarm' },
    ],
  },
  {
    type: 'TrafficFlowObserved', attrs: ['occupancy', 'intensity'], unit: '',
    grades: [
      { below: 0.3, colour: GREEN, labelKey: 'free' },
      { below: 0.6, colour: YELLOW, labelKey: 'busy' },
      { below: 0.8, colour: ORANGE, labelKey: 'slow' },
      { below: null, colour: RED, labelKey: 'congested' },
    ],
  },
  {
    type: 'CrowdFlowObserved', attrs: ['occupancy', 'peopleCount'], unit: '',
    grades: [
      { below: 0.3, colour: GREEN, labelKey: 'free' },
      { below: 0.6, colour: YELLOW, labelKey: 'busy' },
      { below: 0.8, colour: ORANGE, labelKey: 'crowded' },
      { below: null, colour: RED, labelKey: 'congested' },
    ],
  },
]

const BY_TYPE = new Map(SCALES.map((scale) => [scale.type, scale]))

export function scaleOf(type: string): Scale | undefined {
  return BY_TYPE.get(type)
}

/** The value that decides a sensor's colour, or null when it has none yet. */
export function measure(type: string, values: Values): number | null {
  const scale = BY_TYPE.get(type)
  if (!scale) return null
  if (scale.measure) return scale.measure(values)
  for (const attr of scale.attrs) {
    const found = num(values[attr])
    if (found !== null) return found
  }
  return null
}

export function colourOf(type: string, values: Values): Rgb {
  const scale = BY_TYPE.get(type)
  const value = measure(type, values)
  if (!scale || value === null) return NO_DATA
  // A congestion flag outranks the occupancy figure.
  if (values.congested === true) return RED
  const grade = scale.grades.find((g) => g.below === null || value < g.below)
  return (grade ?? scale.grades[scale.grades.length - 1]!).colour
}

export function hex([r, g, b]: Rgb): string {
  return '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')
}
