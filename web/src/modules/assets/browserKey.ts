/**
 * The user's own Ed25519 key, made and kept in this browser (WebCrypto + IndexedDB). The
 * private key is created non-extractable: script can sign with it but never read it out.
 */

import { fromBase64Url, toBase64Url, utf8 } from './verify/bytes'

const DB = 'cityverse-keys'
const STORE = 'keys'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

async function store<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open()
  return new Promise((resolve, reject) => {
    const request = run(db.transaction(STORE, mode).objectStore(STORE))
    request.onsuccess = () => resolve(request.result as T)
    request.onerror = () => reject(request.error)
  })
}

export async function supportsEd25519(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    return true
  } catch {
    return false
  }
}

/** A new key pair for `username`, kept in this browser; returns the raw public key. */
export async function createBrowserKey(username: string): Promise<Uint8Array> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair
  await store('readwrite', (s) => s.put(pair, username))
  return new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
}

export async function browserKey(username: string): Promise<CryptoKeyPair | null> {
  return (await store<CryptoKeyPair | undefined>('readonly', (s) => s.get(username))) ?? null
}

export async function signWith(pair: CryptoKeyPair, message: Uint8Array): Promise<string> {
  const data = message.slice().buffer as ArrayBuffer
  return toBase64Url(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, data)))
}

/** The text a key signs to prove it is held by the user registering it. */
export function keyProofText(prefix: string, username: string, did: string): Uint8Array {
  return utf8(`${prefix}${username}\n${did}`)
}

export { fromBase64Url, toBase64Url }
