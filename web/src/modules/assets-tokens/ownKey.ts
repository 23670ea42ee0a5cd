/**
 * Token actions of an owner who holds their own Ed25519 key: the plain route answers
 * `asset_sign_in_browser`, so the page asks the server to prepare the exact bytes, signs them
 * here with the key kept in this browser (WebCrypto) and submits payload + signature. The
 * server only verifies: the private key never leaves the browser.
 */
import { api, ApiError, unwrap } from '@/shared/api'
import { browserKey, fromBase64Url, signWith } from '@/modules/assets/browserKey'

export const SIGN_IN_BROWSER = 'asset_sign_in_browser'

export class NoBrowserKeyError extends Error {}

type Prepared = { payload: Record<string, unknown>; message: string }
type Path = { collection_id: number; serial: number }

export function needsBrowserSignature(err: unknown): boolean {
  return err instanceof ApiError && err.code === SIGN_IN_BROWSER
}

async function signAndSubmit(username: string, prepared: Prepared): Promise<void> {
  const pair = await browserKey(username)
  if (!pair) throw new NoBrowserKeyError()
  const signature = await signWith(pair, fromBase64Url(prepared.message))
  await unwrap(api.POST('/api/identity/transactions/submit', { body: { payload: prepared.payload, signature } }))
}

export async function giftSignedHere(username: string, path: Path, toUsername: string): Promise<void> {
  const prepared = await unwrap(
    api.POST('/api/assets/collections/{collection_id}/tokens/{serial}/gift/prepare', { params: { path }, body: { to_username: toUsername } }),
  )
  await signAndSubmit(username, prepared)
}

export async function burnSignedHere(username: string, path: Path, reason: string): Promise<void> {
  const prepared = await unwrap(
    api.POST('/api/assets/collections/{collection_id}/tokens/{serial}/burn/prepare', { params: { path }, body: { reason } }),
  )
  await signAndSubmit(username, prepared)
}
