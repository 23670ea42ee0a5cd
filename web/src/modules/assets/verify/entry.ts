/**
 * The signed transaction a log entry holds: `{"payload": {...}, "sig": base64url}` in RFC 8785
 * canonical JSON, signed with Ed25519 by the payload's actor (a did:key) over
 * `cityverse-tx-v1\n` followed by the payload's exact bytes within the entry.
 */

import { concat, ed25519Verify, equal, fromBase64Url, utf8 } from './bytes'

export interface WorkRegistration {
  type: string
  actor: string
  issuedAt: string
  workId: string
  contentSha256: string
  title: string
  signatureValid: boolean
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const ED25519_PUB = Uint8Array.of(0xed, 0x01)
const DOMAIN = utf8('cityverse-tx-v1\n')
const HEAD = utf8('{"payload":')
const SIG = utf8(',"sig":')

export function base58Decode(text: string): Uint8Array {
  let number = 0n
  for (const char of text) {
    const value = ALPHABET.indexOf(char)
    if (value < 0) throw new Error('not base58btc')
    number = number * 58n + BigInt(value)
  }
  const bytes: number[] = []
  while (number > 0n) {
    bytes.unshift(Number(number % 256n))
    number /= 256n
  }
  const zeros = text.length - text.replace(/^1+/, '').length
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes])
}

/** The raw Ed25519 public key a `did:key:z6Mk…` names. */
export function publicKeyFromDid(did: string): Uint8Array {
  if (!did.startsWith('did:key:z')) throw new Error('not a did:key')
  const decoded = base58Decode(did.slice('did:key:z'.length))
  if (decoded.length !== 34 || !equal(decoded.slice(0, 2), ED25519_PUB)) throw new Error('not an Ed25519 did:key')
  return decoded.slice(2)
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let at = haystack.length - needle.length; at >= 0; at--) {
    if (needle.every((byte, i) => haystack[at + i] === byte)) return at
  }
  return -1
}

/** Read a `work.register` entry and check its signature by its actor. */
export async function openWorkRegistration(entry: Uint8Array): Promise<WorkRegistration> {
  const envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entry)) as {
    payload: { type: string; actor: string; issued_at: string; body: Record<string, string> }
    sig: string
  }
  const { payload } = envelope
  if (payload.type !== 'work.register') throw new Error('not a work registration')
  const sigAt = lastIndexOf(entry, SIG)
  if (!equal(entry.slice(0, HEAD.length), HEAD) || sigAt < 0) throw new Error('not a canonical entry')
  const payloadBytes = entry.slice(HEAD.length, sigAt)
  let signatureValid = false
  try {
    signatureValid = await ed25519Verify(publicKeyFromDid(payload.actor), fromBase64Url(envelope.sig), concat(DOMAIN, payloadBytes))
  } catch {
    signatureValid = false
  }
  return {
    type: payload.type,
    actor: payload.actor,
    issuedAt: payload.issued_at,
    workId: String(payload.body.work_id ?? ''),
    contentSha256: String(payload.body.content_sha256 ?? ''),
    title: String(payload.body.title ?? ''),
    signatureValid,
  }
}

export function base58Encode(data: Uint8Array): string {
  let number = 0n
  for (const byte of data) number = number * 256n + BigInt(byte)
  let out = ''
  while (number > 0n) {
    out = ALPHABET[Number(number % 58n)] + out
    number /= 58n
  }
  let zeros = 0
  while (zeros < data.length && data[zeros] === 0) zeros++
  return '1'.repeat(zeros) + out
}

/** The did:key of a raw Ed25519 public key. */
export function didFromPublicKey(publicKey: Uint8Array): string {
  return 'did:key:z' + base58Encode(concat(ED25519_PUB, publicKey))
}
