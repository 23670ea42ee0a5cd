"""An in-memory log: the reference for the storage model that the SQL store will follow."""

from __future__ import annotations

from cityverse.modules.assets.ledger.compact import CompactRange, Node
from cityverse.modules.assets.ledger.hashing import leaf_hash


class MemoryNodeStore:
    """A dict of perfect-subtree nodes fed by a ``CompactRange``; satisfies ``HashReader``."""

    __slots__ = ("_nodes", "_range")

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, int], bytes] = {}
        self._range = CompactRange()

    @property
    def tree_size(self) -> int:
        return self._range.size

    def get_node(self, level: int, index: int) -> bytes:
        try:
            return self._nodes[level, index]
        except KeyError:
            raise KeyError(f"no stored node at level {level}, index {index}") from None

    def append_leaf_hash(self, hashed: bytes) -> list[Node]:
        """Append a leaf by its hash; return (and keep) the nodes it completes."""
        completed = self._range.append(hashed)
        for level, index, hashed_node in completed:
            self._nodes[level, index] = hashed_node
        return completed

    def append(self, data: bytes) -> int:
        """Append a leaf by its content; return its leaf index."""
        self.append_leaf_hash(leaf_hash(data))
        return self._range.size - 1

    def root(self) -> bytes:
        return self._range.root()

    @property
    def node_count(self) -> int:
        """Stored nodes: just under two per leaf."""
        return len(self._nodes)
