"""Generation of RFC 9162 proofs (§2.1.3.1, §2.1.4.1) from stored subtree hashes.

Storage model: every *perfect* subtree — 2**level leaves starting at leaf ``index * 2**level`` —
is stored once, as node ``(level, index)``, at the moment its last leaf is appended
(``CompactRange.append`` returns exactly those nodes). Level 0 holds the leaf hashes. A stored
node never changes, so the same store answers for every past tree size as well as the current
one.

A tree whose size is not a power of two also has "ragged" nodes along its right edge; they
change with every append, so they are never stored. Each one is hashed on demand from the
perfect subtrees it decomposes into (one per set bit of its leaf count). Every proof therefore
reads O(log n) stored nodes: at most one per level, plus one ragged node's decomposition.
"""

from __future__ import annotations

from typing import Protocol

from cityverse.modules.assets.ledger.hashing import EMPTY_ROOT, node_hash, split_point


class HashReader(Protocol):
    """Read access to the stored perfect-subtree hashes of one log."""

    @property
    def tree_size(self) -> int:
        """Leaves appended so far; every perfect subtree inside them is readable."""
        ...

    def get_node(self, level: int, index: int) -> bytes:
        """The root of the perfect subtree of 2**level leaves starting at index * 2**level."""
        ...


def tree_root(reader: HashReader, tree_size: int) -> bytes:
    """MTH of the first ``tree_size`` leaves: the log's root at that (current or past) size."""
    _check_size(reader, tree_size, allow_empty=True)
    return EMPTY_ROOT if tree_size == 0 else _range_root(reader, 0, tree_size)


def inclusion_proof(reader: HashReader, leaf_index: int, tree_size: int) -> list[bytes]:
    """PATH(leaf_index, D[tree_size]): the audit path proving one leaf is in the tree."""
    _check_size(reader, tree_size, allow_empty=False)
    if not 0 <= leaf_index < tree_size:
        raise ValueError(f"leaf index {leaf_index} is outside a tree of {tree_size} leaves")
    # Walk the RFC's recursion from the root down; the proof lists the siblings bottom-up.
    siblings: list[bytes] = []
    lo, hi = 0, tree_size
    while hi - lo > 1:
        mid = lo + split_point(hi - lo)
        if leaf_index < mid:
            siblings.append(_range_root(reader, mid, hi))
            hi = mid
        else:
            siblings.append(_range_root(reader, lo, mid))
            lo = mid
    siblings.reverse()
    return siblings


def consistency_proof(reader: HashReader, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[size2]): proves the tree at ``size2`` extends the tree at ``size1``."""
    _check_size(reader, size2, allow_empty=False)
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof exists from size {size1} to size {size2}")
    # SUBPROOF(m, D[lo:hi], b) unrolled; ``whole_old_tree`` is the RFC's flag b, true while
    # the current subtree is exactly the old tree's left part (its root is known to the client).
    nodes: list[bytes] = []
    lo, hi = 0, size2
    whole_old_tree = True
    while size1 != hi:
        mid = lo + split_point(hi - lo)
        if size1 <= mid:
            nodes.append(_range_root(reader, mid, hi))
            hi = mid
        else:
            nodes.append(_range_root(reader, lo, mid))
            lo = mid
            whole_old_tree = False
    if not whole_old_tree:
        nodes.append(_range_root(reader, lo, hi))
    nodes.reverse()
    return nodes


def _range_root(reader: HashReader, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a subtree of the RFC's tree shape (``start`` is aligned).

    A perfect range is one stored node; a ragged one is split by the set bits of its size into
    perfect pieces of decreasing size, which are then folded from the right, as MTH splits.
    """
    count = end - start
    pieces: list[bytes] = []
    for level in range(count.bit_length() - 1, -1, -1):
        if count >> level & 1:
            pieces.append(reader.get_node(level, start >> level))
            start += 1 << level
    root = pieces.pop()
    while pieces:
        root = node_hash(pieces.pop(), root)
    return root


def _check_size(reader: HashReader, tree_size: int, *, allow_empty: bool) -> None:
    if tree_size < (0 if allow_empty else 1):
        raise ValueError(f"tree size {tree_size} is not valid here")
    if tree_size > reader.tree_size:
        raise ValueError(f"tree size {tree_size} exceeds the {reader.tree_size} leaves stored")
