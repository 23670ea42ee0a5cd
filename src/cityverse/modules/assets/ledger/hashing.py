"""RFC 9162 §2.1.1 Merkle tree hashing with SHA-256.

Leaves and interior nodes get different one-byte prefixes so that a leaf can never be passed off
as an interior node (second-preimage resistance of the tree).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
"""Bytes in every node hash (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}): the root hash of the empty tree."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the parent of two subtree roots."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (``size`` >= 2).

    RFC 9162 splits every tree of n > 1 leaves into a perfect left subtree of this many leaves
    and a right subtree holding the rest.
    """
    if size < 2:
        raise ValueError(f"a tree of {size} leaves has no split point")
    return 1 << ((size - 1).bit_length() - 1)


def root_from_leaves(hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) from the leaf hashes, by the RFC's recursive definition.

    A reference for tests and small trees: it touches every leaf. Logs use ``CompactRange``.
    """
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = split_point(len(hashes))
    return node_hash(root_from_leaves(hashes[:k]), root_from_leaves(hashes[k:]))
