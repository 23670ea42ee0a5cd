import { currentLocale } from '@/i18n'
import { ApiError, toApiError } from '@/shared/api'
import { i18n } from '@/i18n'
import type { paths } from '@/shared/api/schema'

export type Uploaded = paths['/api/works']['post']['responses'][201]['content']['application/json']

/**
 * Uploads a work with progress (fetch cannot report upload progress, XMLHttpRequest can).
 * Same cookie session and error body as the typed client.
 */
export function uploadWork(
  form: { file: File; title: string; description: string },
  onProgress: (percent: number) => void,
): Promise<Uploaded> {
  const body = new FormData()
  body.append('file', form.file)
  body.append('title', form.title)
  body.append('description', form.description)
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/works')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Accept-Language', currentLocale())
    xhr.responseType = 'json'
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100))
    }
    xhr.onload = () => {
      if (xhr.status === 201) resolve(xhr.response as Uploaded)
      else reject(toApiError(xhr.status, xhr.response))
    }
    xhr.onerror = () => reject(new ApiError(0, 'network_error', i18n.global.t('common.networkError')))
    xhr.send(body)
  })
}
