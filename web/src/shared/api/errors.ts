import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { i18n } from '@/i18n'

export interface FieldProblem {
  field: string
  code: string
  message: string
}

/** The common error body `{"error": {code, message, fields[]}}` as a thrown value. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: FieldProblem[]
  readonly retryAfter: number | null

  constructor(status: number, code: string, message: string, fields: FieldProblem[] = [], retryAfter: number | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.retryAfter = retryAfter
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function parseFields(raw: unknown): FieldProblem[] {
  if (!Array.isArray(raw)) return []
  return raw.filter(isRecord).map((f) => ({
    field: String(f.field ?? ''),
    code: String(f.code ?? ''),
    message: String(f.message ?? ''),
  }))
}

/** Turns whatever the server sent into an ApiError, even when the body is not ours (a proxy page). */
export function toApiError(status: number, body: unknown): ApiError {
  const t = i18n.global.t
  const error = isRecord(body) && isRecord(body.error) ? body.error : null
  if (!error) return new ApiError(status, 'http_' + status, t('common.unknownError'))
  const retry = typeof error.retry_after === 'number' ? error.retry_after : null
  return new ApiError(
    status,
    String(error.code ?? 'unknown'),
    String(error.message ?? t('common.unknownError')),
    parseFields(error.fields),
    retry,
  )
}

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError. */
export async function unwrap<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await pending
  } catch {
    throw new ApiError(0, 'network_error', i18n.global.t('common.networkError'))
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error)
  return result.data as T
}

/** Shows an error to the user as a toast; field errors are shown by the form instead. */
export function showError(err: unknown): void {
  const message = err instanceof ApiError ? err.message : i18n.global.t('common.unknownError')
  ElMessage({ type: 'error', message, grouping: true })
  if (!(err instanceof ApiError)) console.error(err)
}
