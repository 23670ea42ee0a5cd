/**
 * Verifies a work's registration in the browser, trusting nothing but the log's public key:
 * the file's SHA-256, the creator's signature on the registration entry, the entry's RFC 9162
 * inclusion proof, and the Ed25519 signature on the checkpoint the proof ends in.
 */

import { fromBase64 } from './bytes'
import { leafHash, verifyInclusion } from './merkle'
import { openCheckpoint, type Checkpoint } from './note'
import { openWorkRegistration, type WorkRegistration } from './entry'

export interface Certificate {
  format: string
  certificate_id: string
  verify_url: string
  work: { id: string; title: string; kind: string; media_type: string; size_bytes: number; content_sha256: string }
  creator: { did: string; name: string }
  registered_at: string
  log: {
    origin: string
    verifier_key: string
    index: number
    entry: string
    leaf_hash: string
    tree_size: number
    root_hash: string
    inclusion_proof: string[]
    checkpoint: string
  }
  issued_at: string
}

/** What the verifier fetches from the log's public, read-only endpoints. */
export interface LogSource {
  verifierKey(): Promise<{ origin: string; vkey: string }>
  latestCheckpoint(): Promise<string>
  inclusionProof(index: number, treeSize: number): Promise<{ hashes: string[] }>
  entry(index: number): Promise<string | null>
  /** The log index of the registered work with this content hash, if any. */
  registrationOf(sha256Hex: string): Promise<number | null>
}

export type Verdict = 'match' | 'valid' | 'not_registered' | 'tampered'
export type CheckName =
  | 'logKey'
  | 'entry'
  | 'signature'
  | 'checkpoint'
  | 'inclusion'
  | 'certificateProof'
  | 'certificateContent'
  | 'content'

export interface Check {
  name: CheckName
  ok: boolean
}

export interface VerifyResult {
  verdict: Verdict
  fileSha256: string | null
  registration: WorkRegistration | null
  checkpoint: Checkpoint | null
  logIndex: number | null
  proof: string[]
  checks: Check[]
}

export function isCertificate(value: unknown): value is Certificate {
  const cert = value as Certificate | null
  return (
    typeof cert === 'object' &&
    cert !== null &&
    cert.format === 'cityverse-work-certificate/v1' &&
    typeof cert.log?.index === 'number' &&
    typeof cert.work?.content_sha256 === 'string'
  )
}

/** Check the certificate's own proof against its own signed checkpoint (works offline). */
async function certificateProofHolds(cert: Certificate, vkey: string, entry: Uint8Array): Promise<boolean> {
  try {
    const checkpoint = await openCheckpoint(cert.log.checkpoint, vkey)
    const proof = cert.log.inclusion_proof.map(fromBase64)
    return (
      checkpoint.treeSize === cert.log.tree_size &&
      (await verifyInclusion(cert.log.index, checkpoint.treeSize, await leafHash(entry), proof, checkpoint.rootHash))
    )
  } catch {
    return false
  }
}

export async function verify(
  input: { fileSha256?: string | null; certificate?: Certificate | null },
  source: LogSource,
): Promise<VerifyResult> {
  const fileSha256 = input.fileSha256 ?? null
  const cert = input.certificate ?? null
  const result: VerifyResult = {
    verdict: 'tampered', fileSha256, registration: null, checkpoint: null, logIndex: null, proof: [], checks: [],
  }
  const check = (name: CheckName, ok: boolean): boolean => {
    result.checks.push({ name, ok })
    return ok
  }
  const key = await source.verifierKey()
  if (cert && !check('logKey', cert.log.verifier_key === key.vkey && cert.log.origin === key.origin)) return result

  const index = cert ? cert.log.index : fileSha256 ? await source.registrationOf(fileSha256) : null
  if (index === null) {
    result.verdict = 'not_registered'
    return result
  }
  result.logIndex = index
  const published = await source.entry(index)
  if (!check('entry', published !== null && (!cert || published === cert.log.entry)) || published === null) return result
  const entry = fromBase64(published)

  const registration = await openWorkRegistration(entry)
  result.registration = registration
  if (!check('signature', registration.signatureValid && (!cert || registration.actor === cert.creator.did))) return result

  let checkpoint: Checkpoint
  try {
    checkpoint = await openCheckpoint(await source.latestCheckpoint(), key.vkey)
  } catch {
    check('checkpoint', false)
    return result
  }
  result.checkpoint = checkpoint
  if (!check('checkpoint', checkpoint.origin === key.origin && checkpoint.treeSize > index)) return result
  const proof = (await source.inclusionProof(index, checkpoint.treeSize)).hashes
  result.proof = proof
  const included = await verifyInclusion(index, checkpoint.treeSize, await leafHash(entry), proof.map(fromBase64), checkpoint.rootHash)
  if (!check('inclusion', included)) return result
  if (cert && !check('certificateProof', await certificateProofHolds(cert, key.vkey, entry))) return result
  if (cert && !check('certificateContent', cert.work.content_sha256 === registration.contentSha256)) return result

  if (fileSha256 === null) {
    result.verdict = 'valid'
  } else {
    result.verdict = check('content', fileSha256 === registration.contentSha256) ? 'match' : 'tampered'
  }
  return result
}

