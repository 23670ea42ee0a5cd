/** The in-browser verifier of work registrations (see verifier.ts). */

export { sha256Hex, fromBase64, toBase64 } from './bytes'
export { leafHash, rootFromInclusionProof, verifyInclusion } from './merkle'
export { openCheckpoint, openNote, parseCheckpoint, parseVerifierKey } from './note'
export { openWorkRegistration, publicKeyFromDid, base58Decode } from './entry'
export { verify, isCertificate } from './verifier'
export type { Certificate, LogSource, Verdict, VerifyResult, Check, CheckName } from './verifier'
