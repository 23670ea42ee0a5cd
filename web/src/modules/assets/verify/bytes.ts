/** Byte helpers for the verifier: base64 (standard and url-safe), hex, UTF-8, SHA-256. */

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** Standard base64 (RFC 4648 §4), strictly: what re-encodes to itself. */
export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error('not base64')
  const binary = atob(text)
  const out = Uint8Array.from(binary, (c) => c.charCodeAt(0))
  if (toBase64(out) !== text) throw new Error('not canonical base64')
  return out
}

export function toBase64(data: Uint8Array): string {
  let binary = ''
  for (const byte of data) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** Unpadded base64url (RFC 4648 §5). */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url')
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  return fromBase64(padded)
}

export function toBase64Url(data: Uint8Array): string {
  return toBase64(data).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function toHex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A fresh ArrayBuffer holding exactly these bytes (WebCrypto wants a BufferSource). */
function buffer(data: Uint8Array): ArrayBuffer {
  return data.slice().buffer as ArrayBuffer
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer(data)))
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  return toHex(await sha256(data))
}

/** Ed25519 verification with WebCrypto (Chromium, Firefox and Safari ship it). */
export async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  const key = await crypto.subtle.importKey('raw', buffer(publicKey), { name: 'Ed25519' }, false, ['verify'])
  return crypto.subtle.verify({ name: 'Ed25519' }, key, buffer(signature), buffer(message))
}
