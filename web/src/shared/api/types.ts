// Domain types taken from the generated schema by path, so they survive renamed components.
import type { paths } from './schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never
type Ok<P extends keyof paths, M extends keyof paths[P]> =
  Responses<P, M> extends { 200: infer R } ? Json<R> : Responses<P, M> extends { 201: infer R } ? Json<R> : never

type JsonBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type User = Ok<'/api/auth/me', 'get'>
export type Verification = NonNullable<Ok<'/api/auth/realname', 'get'>>
export type RealNameStatus = User['realname_status']
export type ApiToken = Ok<'/api/auth/tokens', 'get'>[number]
export type NewApiToken = Ok<'/api/auth/tokens', 'post'>
export type AuditEntry = Ok<'/api/admin/audit', 'get'>['items'][number]
export type PortalSystem = Ok<'/api/portal/systems', 'get'>[number]
export type PortalSummary = Ok<'/api/portal/summary', 'get'>
export type Place = Ok<'/api/city/places', 'get'>[number]
export type Role = NonNullable<JsonBody<'/api/admin/users/{user_id}', 'patch'>['roles']>[number]
export type Scope = JsonBody<'/api/auth/tokens', 'post'>['scopes'][number]
export type PlaceKind = Place['kind']
export type Segment = Enterprise['segment']
export type Enterprise = Ok<'/api/industry/enterprises', 'get'>['items'][number]

export interface Paged<T> {
  items: T[]
  total: number
  page: number
  size: number
}
