"""Compact ranges: the right-edge frontier that lets a log append in O(log n) and know its root.

A tree of n leaves is the concatenation of perfect subtrees, one per set bit of n, largest
first (e.g. 13 = 8 + 4 + 1). Their roots are all a log needs to keep in memory: a new leaf
merges with the equally sized subtrees at the end of the list, like carrying in binary
addition, and the root is those subtree roots folded from the right.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from cityverse.modules.assets.ledger.hashing import EMPTY_ROOT, HASH_SIZE, node_hash
from cityverse.modules.assets.ledger.prover import HashReader

Node: TypeAlias = tuple[int, int, bytes]
"""(level, index, hash) of a perfect subtree: 2**level leaves from leaf ``index * 2**level``."""


class CompactRange:
    """The perfect-subtree roots covering leaves [0, size), by decreasing subtree size."""

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self._size = size
        self._hashes = list(hashes)
        if size < 0:
            raise ValueError(f"negative tree size {size}")
        if len(self._hashes) != size.bit_count():
            raise ValueError(
                f"a tree of {size} leaves has {size.bit_count()} frontier hashes, "
                f"not {len(self._hashes)}"
            )
        for h in self._hashes:
            if len(h) != HASH_SIZE:
                raise ValueError(f"frontier hashes must be {HASH_SIZE} bytes, got {len(h)}")

    @classmethod
    def from_reader(cls, reader: HashReader, size: int) -> CompactRange:
        """Rebuild the frontier of a stored tree, reading one node per set bit of ``size``."""
        if not 0 <= size <= reader.tree_size:
            raise ValueError(f"tree size {size} is outside the {reader.tree_size} leaves stored")
        return cls(size, (reader.get_node(level, index) for level, index in _frontier(size)))

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """Frontier hashes, largest subtree first."""
        return tuple(self._hashes)

    def nodes(self) -> list[Node]:
        """The frontier as stored nodes, largest subtree first."""
        positions = _frontier(self._size)
        pairs = zip(positions, self._hashes, strict=True)
        return [(level, index, h) for (level, index), h in pairs]

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Add one leaf; return every perfect subtree it completes, leaf first.

        The store persists the returned nodes (in the same transaction as the leaf), which is
        exactly the storage model the proof generators in ``prover`` rely on.
        """
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes, got {len(leaf_hash)}")
        index = self._size
        completed = [(0, index, leaf_hash)]
        merged = leaf_hash
        level = 0
        # Each trailing 1-bit of the old size is a subtree of the same size to merge with.
        while index >> level & 1:
            merged = node_hash(self._hashes.pop(), merged)
            level += 1
            completed.append((level, index >> level, merged))
        self._hashes.append(merged)
        self._size = index + 1
        return completed

    def root(self) -> bytes:
        """MTH of the leaves so far."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            root = node_hash(h, root)
        return root

    def copy(self) -> CompactRange:
        return CompactRange(self._size, self._hashes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}…)"


def _frontier(size: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees covering leaves [0, size), largest first."""
    positions: list[tuple[int, int]] = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            positions.append((level, start >> level))
            start += 1 << level
    return positions
