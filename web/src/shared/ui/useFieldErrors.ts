import { reactive } from 'vue'
import { ApiError, showError } from '@/shared/api'

/**
 * Server-side field errors for one form, keyed by field name, bound to `el-form-item :error`.
 * The API names nested fields with dots; a form may rename them with `aliases`.
 */
export function useFieldErrors(aliases: Record<string, string> = {}) {
  const errors = reactive<Record<string, string>>({})

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  /** Shows the error's message as a toast and its field problems under the fields. */
  function report(err: unknown): void {
    clear()
    if (err instanceof ApiError) {
      for (const problem of err.fields) {
        const key = aliases[problem.field] ?? problem.field
        errors[key] = errors[key] ? `${errors[key]}；${problem.message}` : problem.message
      }
    }
    showError(err)
  }

  return { errors, clear, report }
}
