/**
 * C2SP signed notes with Ed25519 keys, and the tlog-checkpoint they carry.
 *
 * vkey: `<name>+<hex key ID>+<base64(0x01 || public key)>`; key ID = SHA-256(name || 0x0A ||
 * 0x01 || key)[:4]. A note is its text (ending in a newline), a blank line, then lines
 * `— <name> <base64(key ID || signature)>`; the signature is over the text's bytes.
 */

import { concat, ed25519Verify, equal, fromBase64, sha256, utf8 } from './bytes'

export interface VerifierKey {
  name: string
  keyId: Uint8Array
  publicKey: Uint8Array
}

export interface Checkpoint {
  origin: string
  treeSize: number
  rootHash: Uint8Array
}

const SIGNATURE_PREFIX = '\u2014 '

export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const [name, hexId, encoded] = splitOnce(vkey)
  if (!name || !/^[0-9a-f]{8}$/.test(hexId) || !encoded) throw new Error('malformed verifier key')
  const raw = fromBase64(encoded)
  if (raw.length !== 33 || raw[0] !== 1) throw new Error('not an Ed25519 verifier key')
  const publicKey = raw.slice(1)
  const keyId = (await sha256(concat(utf8(name + '\n'), Uint8Array.of(1), publicKey))).slice(0, 4)
  if (hexId !== Array.from(keyId, (b) => b.toString(16).padStart(2, '0')).join('')) {
    throw new Error('key ID does not match the key')
  }
  return { name, keyId, publicKey }
}

function splitOnce(vkey: string): [string, string, string] {
  const first = vkey.indexOf('+')
  const second = vkey.indexOf('+', first + 1)
  if (first < 0 || second < 0) return ['', '', '']
  return [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)]
}

/** The note's text if `key` signed it; throws when it did not or the note is malformed. */
export async function openNote(note: string, key: VerifierKey): Promise<string> {
  const split = note.lastIndexOf('\n\n')
  if (split < 0 || !note.endsWith('\n')) throw new Error('malformed note')
  const text = note.slice(0, split + 1)
  const lines = note.slice(split + 2, -1).split('\n')
  let verified = false
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new Error('malformed signature line')
    const [name, encoded] = line.slice(SIGNATURE_PREFIX.length).split(' ')
    if (name !== key.name || !encoded) continue
    const raw = fromBase64(encoded)
    if (!equal(raw.slice(0, 4), key.keyId)) continue
    if (!(await ed25519Verify(key.publicKey, raw.slice(4), utf8(text)))) {
      throw new Error('the log signature does not verify')
    }
    verified = true
  }
  if (!verified) throw new Error('no signature by the log key')
  return text
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.slice(0, -1).split('\n')
  if (!text.endsWith('\n') || lines.length < 3) throw new Error('malformed checkpoint')
  const [origin, size, root] = lines as [string, string, string]
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new Error('bad tree size')
  const rootHash = fromBase64(root)
  if (rootHash.length !== 32) throw new Error('bad root hash')
  return { origin, treeSize: Number(size), rootHash }
}

/** Verify a signed checkpoint with the log's key and require the log's origin. */
export async function openCheckpoint(note: string, vkey: string): Promise<Checkpoint> {
  const key = await parseVerifierKey(vkey)
  const checkpoint = parseCheckpoint(await openNote(note, key))
  if (checkpoint.origin !== key.name) throw new Error('checkpoint of another log')
  return checkpoint
}
