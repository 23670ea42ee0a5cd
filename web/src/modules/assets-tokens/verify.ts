// RFC 9162 inclusion proofs checked in the browser with WebCrypto: the page does not just take
// the server's word that an event is in the ledger.

function fromBase64(text: string): Uint8Array {
  const raw = atob(text)
  const bytes = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const total = parts.reduce((n, p) => n + p.length, 0)
  const joined = new Uint8Array(total)
  let at = 0
  for (const part of parts) {
    joined.set(part, at)
    at += part.length
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined))
}

const LEAF = new Uint8Array([0])
const NODE = new Uint8Array([1])

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

/** True when the entry, at `index` of a tree of `treeSize`, hashes up the path to `root`. */
export async function verifyInclusion(
  entryB64: string,
  index: number,
  treeSize: number,
  pathB64: string[],
  rootB64: string,
): Promise<boolean> {
  if (index < 0 || index >= treeSize) return false
  let fn = index
  let sn = treeSize - 1
  let hash = await sha256(LEAF, fromBase64(entryB64))
  for (const sibling of pathB64.map(fromBase64)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      hash = await sha256(NODE, sibling, hash)
      while (fn !== 0 && fn % 2 === 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      hash = await sha256(NODE, hash, sibling)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equal(hash, fromBase64(rootB64))
}

/** Days (rounded up) until an ISO time; 0 once it has passed. */
export function daysUntil(iso: string, now: Date = new Date()): number {
  const ms = new Date(iso).getTime() - now.getTime()
  return ms <= 0 ? 0 : Math.ceil(ms / 86_400_000)
}
