// Types of the industry registry and plan API, taken from the generated schema.
import type { components } from '@/shared/api/schema'

type S = components['schemas']
export type ChainSegment = S['ChainSegmentOut']
export type Declaration = S['DeclarationOut']
export type DeclarationStatus = Declaration['status']
export type DeclarationPatch = S['DeclarationPatch']
export type Label = S['LabelOut']
export type LabelKind = Label['kind']
export type TargetProgress = S['TargetProgressOut']
export type TargetIn = S['TargetIn']
export type Metric = S['MetricOut']
export type Space = S['SpaceOut']
export type SpaceIn = S['SpaceIn']
export type Scenario = S['ScenarioOut']
export type ScenarioIn = S['ScenarioIn']
export type ScenarioStatus = Scenario['status']
export type ApplicationField = Scenario['field']
export type Milestone = S['MilestoneIn']

export const LABEL_KINDS: LabelKind[] = ['specialized', 'leading', 'chain-leader']
export const DECLARATION_STATUSES: DeclarationStatus[] = ['draft', 'submitted', 'returned', 'confirmed']
export const SCENARIO_STATUSES: ScenarioStatus[] = ['planned', 'in_progress', 'completed', 'suspended']
export const APPLICATION_FIELDS: ApplicationField[] = ['industry', 'culture-tourism', 'smart-city', 'education-health', 'commerce']

export const STATUS_TAGS: Record<string, 'info' | 'warning' | 'success' | 'danger' | 'primary'> = {
  draft: 'info',
  submitted: 'warning',
  returned: 'danger',
  confirmed: 'success',
  planned: 'info',
  in_progress: 'primary',
  completed: 'success',
  suspended: 'danger',
}
