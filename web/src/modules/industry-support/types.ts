// Types of the innovation-center and task-force API, taken from the generated schema by path.
import type { paths } from '@/shared/api/schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer B }
      ? Json<B>
      : never
  : never

export type SupportService = Ok<'/api/industry/support/services', 'get'>['items'][number]
export type Category = SupportService['category']
export type ServiceRequest = Ok<'/api/industry/support/requests', 'get'>['items'][number]
export type RequestStatus = ServiceRequest['status']
export type RequestComment = Ok<'/api/industry/support/requests/{request_id}/comments', 'get'>[number]
export type RequestAttachment = Ok<'/api/industry/support/requests/{request_id}/attachments', 'get'>[number]
export type Person = Ok<'/api/industry/support/officers', 'get'>[number]
export type TaskForce = Ok<'/api/industry/taskforces', 'get'>['items'][number]
export type Task = Ok<'/api/industry/taskforces/{taskforce_id}/tasks', 'get'>['items'][number]
export type TaskStatus = Task['status']
export type Evidence = Ok<'/api/industry/taskforces/tasks/{task_id}/evidence', 'get'>[number]
export type AppNotification = Ok<'/api/notifications', 'get'>['items'][number]

export const CATEGORIES: Category[] = ['technology', 'finance', 'legal', 'ip', 'talent', 'space']
export const REQUEST_STATUSES: RequestStatus[] = ['submitted', 'accepted', 'in_progress', 'resolved', 'rejected']
export const TASK_STATUSES: TaskStatus[] = ['todo', 'in_progress', 'done', 'blocked']

/** A multipart body for the typed client (openapi-fetch sends FormData as it is). */
export function fileForm(file: File, extra: Record<string, string> = {}): { file: string; note: string } {
  const form = new FormData()
  form.append('file', file)
  for (const [name, value] of Object.entries(extra)) form.append(name, value)
  return form as unknown as { file: string; note: string }
}
