import { currentLocale } from '@/i18n'
import { ApiError, toApiError } from '@/shared/api'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Fetches a file of the API and hands it to the browser as a download. A certificate asked
 * for in the second after registering waits for the ledger's next checkpoint: retry briefly.
 */
export async function download(url: string, filename: string): Promise<void> {
  let response: Response | null = null
  for (let attempt = 0; attempt < 8; attempt++) {
    response = await fetch(url, { credentials: 'include', headers: { 'Accept-Language': currentLocale() } })
    if (response.status !== 409) break
    const body = await response.clone().json().catch(() => null)
    if (body?.error?.code !== 'certificate_not_ready') break
    await sleep(750)
  }
  if (!response) throw new ApiError(0, 'network_error', '')
  if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null))
  const blob = await response.blob()
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = filename
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
