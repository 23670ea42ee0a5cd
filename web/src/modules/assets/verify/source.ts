/** The log's public endpoints as the verifier's LogSource; plain fetch, no session needed. */

import type { Certificate, LogSource } from './verifier'

async function json<T>(url: string): Promise<T | null> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } })
  if (response.status === 404) return null
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return (await response.json()) as T
}

export function httpLogSource(base = ''): LogSource {
  return {
    async verifierKey() {
      const key = await json<{ origin: string; vkey: string }>(`${base}/api/ledger/vkey`)
      if (!key) throw new Error('the log has no verifier key')
      return key
    },
    async latestCheckpoint() {
      const response = await fetch(`${base}/.well-known/cityverse/ledger/checkpoint`)
      if (!response.ok) throw new Error(`checkpoint: HTTP ${response.status}`)
      return response.text()
    },
    async inclusionProof(index, treeSize) {
      const proof = await json<{ hashes: string[] }>(`${base}/api/ledger/proofs/inclusion?index=${index}&tree_size=${treeSize}`)
      if (!proof) throw new Error('no inclusion proof')
      return proof
    },
    async entry(index) {
      return (await json<{ data: string }>(`${base}/api/ledger/entries/${index}`))?.data ?? null
    },
    async registrationOf(sha256Hex) {
      return (await json<{ log_index: number | null }>(`${base}/api/works/by-hash/${sha256Hex}`))?.log_index ?? null
    },
  }
}

export async function fetchCertificate(id: string, base = ''): Promise<Certificate | null> {
  if (!/^[A-Za-z0-9]{1,24}$/.test(id)) return null
  return json<Certificate>(`${base}/api/works/${id}/certificate`)
}
