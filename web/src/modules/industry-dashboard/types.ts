// Types of this module's API answers, read from the generated schema.
import type { paths } from '@/shared/api/schema'

export type Dashboard =
  paths['/api/industry/dashboard']['get']['responses'][200]['content']['application/json']
export type TargetGauge = Dashboard['targets'][number]
export type TargetTrend = Dashboard['trends'][number]
export type SegmentCount = Dashboard['by_segment'][number]
export type TownCount = Dashboard['by_town'][number]
export type TaskForce = Dashboard['task_forces'][number]
export type Report =
  paths['/api/industry/reports']['get']['responses'][200]['content']['application/json']['items'][number]
