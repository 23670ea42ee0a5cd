// Types of this module's API answers, taken from the generated schema by path.
import type { paths } from '@/shared/api/schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Ok<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } } ? Json<R> : never

export type Collection = Ok<'/api/assets/collections/{collection_id}'>
export type Token = Ok<'/api/assets/collections/{collection_id}/tokens/{serial}'>
export type Provenance = Ok<'/api/assets/collections/{collection_id}/tokens/{serial}/provenance'>
export type TokenEvent = Provenance['events'][number]
