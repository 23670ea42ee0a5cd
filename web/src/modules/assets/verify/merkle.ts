/** RFC 9162 Merkle tree hashing and inclusion proof verification (§2.1.1, §2.1.3.2). */

import { concat, equal, sha256 } from './bytes'

export async function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(0), entry))
}

export async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(1), left, right))
}

/** The root an inclusion proof leads to, or an Error naming why the proof is malformed. */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
    throw new Error('index outside the tree')
  }
  if (leaf.length !== 32 || proof.some((h) => h.length !== 32)) throw new Error('hashes are 32 bytes')
  // Numbers, not bitwise operators: those truncate to 32 bits and trees may be larger.
  let fn = index
  let sn = treeSize - 1
  let hash = leaf
  for (const sibling of proof) {
    if (sn === 0) throw new Error('proof too long')
    if (fn % 2 === 1 || fn === sn) {
      hash = await nodeHash(sibling, hash)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      hash = await nodeHash(hash, sibling)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  if (sn !== 0) throw new Error('proof too short')
  return hash
}

export async function verifyInclusion(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  try {
    return equal(await rootFromInclusionProof(index, treeSize, leaf, proof), root)
  } catch {
    return false
  }
}
