import type { components } from '@/shared/api/schema'

export type LayerFeature = components['schemas']['LayerFeature']
export type CityLayer = components['schemas']['CityLayer']
export type Replay = components['schemas']['Replay']
export type Kind = 'building' | 'road' | 'water' | 'sensor' | 'other'
export type LayerName = 'buildings' | 'roads' | 'water' | 'sensors' | 'labels'

/** A sensor as the map draws it: where, and the colour its current (or replayed) value gives. */
export interface SensorState {
  id: string
  type: string
  name: string
  position: [number, number]
  values: Record<string, unknown>
  colour: [number, number, number]
  value: number | null
}
