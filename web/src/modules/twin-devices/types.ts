import type { paths } from '@/shared/api/schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

export type Device = Json<paths['/api/twin/devices/{device_id}']['get']['responses'][200]>
export type DeviceWithKey = Json<paths['/api/twin/devices']['post']['responses'][201]>
export type IngestStatus = Json<paths['/api/twin/ingest/status']['get']['responses'][200]>

/** The entity types the city view draws as sensors, offered in the type filter. */
export const SENSOR_TYPES = ['AirQualityObserved', 'WaterObserved', 'FloodMonitoring', 'TrafficFlowObserved', 'CrowdFlowObserved'] as const

export function entityTypeOf(entityId: string): string {
  return entityId.split(':')[2] ?? ''
}
