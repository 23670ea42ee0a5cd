"""Verification of RFC 9162 inclusion and consistency proofs (§2.1.3.2 and §2.1.4.2).

Both verifiers follow the RFC's bit-walking algorithms step by step: they raise ``ProofError``
on any malformed input or mismatch and return ``None`` on success, so a caller cannot forget
to check a boolean.
"""

from __future__ import annotations

from collections.abc import Sequence

from cityverse.modules.assets.ledger.hashing import HASH_SIZE, node_hash


class ProofError(ValueError):
    """A Merkle proof is malformed or does not prove what it claims."""


def verify_inclusion(
    leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf number ``leaf_index`` of the tree with head ``root``."""
    if leaf_index < 0 or tree_size < 0:
        raise ProofError(f"negative leaf index {leaf_index} or tree size {tree_size}")
    if leaf_index >= tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of {tree_size} leaves")
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root", root)
    _check_proof_hashes(proof)

    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof is longer than a tree of {tree_size} needs")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Skip the levels where this node is a lone right-edge child (nothing to hash with).
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof is too short for a tree of {tree_size} leaves")
    if r != root:
        raise ProofError(
            f"inclusion proof for leaf {leaf_index} of {tree_size} leads to root "
            f"{r.hex()[:16]}…, not the expected {root.hex()[:16]}…"
        )


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree with head ``root2`` at ``size2`` extends the one of ``root1``.

    Rules beyond the RFC's algorithm, as the transparency-dev reference vectors require:
    equal sizes need an empty proof and equal roots (compared as opaque bytes, no hashing
    involved); ``size1 == 0`` is always rejected, since nothing can be proved about the empty
    tree — a client whose last checkpoint was empty simply has nothing to check.
    """
    if size1 < 0 or size2 < 0:
        raise ProofError(f"negative tree size {size1} or {size2}")
    if size2 < size1:
        raise ProofError(f"tree size went backwards from {size1} to {size2}")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof")
        if root1 != root2:
            raise ProofError(f"two trees of size {size1} have different roots")
        return
    if not proof:
        raise ProofError(f"empty consistency proof between sizes {size1} and {size2}")
    _check_hash("root1", root1)
    _check_hash("root2", root2)
    _check_proof_hashes(proof)

    path = list(proof)
    if size1 & (size1 - 1) == 0:
        # The old tree is a perfect subtree of the new one: the proof omits its root.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof is longer than sizes {size1}→{size2} need")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof is too short for sizes {size1}→{size2}")
    if fr != root1:
        raise ProofError(f"consistency proof does not lead to the root of size {size1}")
    if sr != root2:
        raise ProofError(f"consistency proof does not lead to the root of size {size2}")


def _check_hash(what: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise ProofError(f"proof hash {i} must be {HASH_SIZE} bytes, got {len(h)}")
