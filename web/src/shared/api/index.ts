export { api } from './client'
export { ApiError, unwrap, showError, toApiError } from './errors'
export type * from './types'
