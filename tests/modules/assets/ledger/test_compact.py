"""Compact ranges: roots, completed nodes, and rebuilding from the store."""

from __future__ import annotations

import random

import pytest

from cityverse.modules.assets.ledger import (
    EMPTY_ROOT,
    CompactRange,
    MemoryNodeStore,
    leaf_hash,
    node_hash,
    root_from_leaves,
)


def leaves(count: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    return [leaf_hash(rng.randbytes(16)) for _ in range(count)]


def test_root_matches_the_rfc_definition_at_every_size() -> None:
    hashes = leaves(300)
    compact = CompactRange()
    assert compact.root() == EMPTY_ROOT
    for size, h in enumerate(hashes, start=1):
        compact.append(h)
        assert compact.size == size
        assert len(compact.hashes) == size.bit_count()
        assert compact.root() == root_from_leaves(hashes[:size])


def test_append_returns_every_completed_perfect_subtree() -> None:
    hashes = leaves(64)
    compact = CompactRange()
    stored: dict[tuple[int, int], bytes] = {}
    for index, h in enumerate(hashes):
        completed = compact.append(h)
        assert completed[0] == (0, index, h)
        # A leaf completes one subtree per trailing 1-bit of its index, plus itself.
        assert len(completed) == 1 + (~index & (index + 1)).bit_length() - 1
        for level, node_index, node in completed:
            assert (level, node_index) not in stored, "a node completes only once"
            start = node_index << level
            assert node == root_from_leaves(hashes[start : start + (1 << level)])
            stored[level, node_index] = node
    # Every perfect subtree of a 64-leaf tree, and nothing else: 64 + 32 + ... + 1.
    assert len(stored) == 127


def test_known_small_trees() -> None:
    a, b, c = leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")
    compact = CompactRange()
    compact.append(a)
    assert compact.root() == a
    assert compact.append(b) == [(0, 1, b), (1, 0, node_hash(a, b))]
    assert compact.append(c) == [(0, 2, c)]
    assert compact.hashes == (node_hash(a, b), c)
    assert compact.root() == node_hash(node_hash(a, b), c)
    assert compact.nodes() == [(1, 0, node_hash(a, b)), (0, 2, c)]


def test_rebuild_from_the_store_at_every_size() -> None:
    store = MemoryNodeStore()
    history = [CompactRange()]
    for h in leaves(200):
        store.append_leaf_hash(h)
        history.append(history[-1].copy())
        history[-1].append(h)
    for size, expected in enumerate(history):
        rebuilt = CompactRange.from_reader(store, size)
        assert rebuilt == expected
        assert rebuilt.root() == expected.root()
        assert CompactRange(size, [node for _, _, node in rebuilt.nodes()]) == expected
    with pytest.raises(ValueError, match="outside"):
        CompactRange.from_reader(store, 201)


def test_a_rebuilt_range_keeps_appending() -> None:
    hashes = leaves(50)
    store = MemoryNodeStore()
    for h in hashes[:37]:
        store.append_leaf_hash(h)
    compact = CompactRange.from_reader(store, 37)
    for h in hashes[37:]:
        compact.append(h)
    assert compact.root() == root_from_leaves(hashes)


def test_memory_store() -> None:
    store = MemoryNodeStore()
    assert store.append(b"first") == 0
    assert store.append(b"second") == 1
    assert store.tree_size == 2
    assert store.node_count == 3
    assert store.root() == node_hash(leaf_hash(b"first"), leaf_hash(b"second"))
    with pytest.raises(KeyError, match="level 1, index 1"):
        store.get_node(1, 1)


def test_invalid_ranges() -> None:
    h = leaf_hash(b"x")
    with pytest.raises(ValueError, match="frontier hashes"):
        CompactRange(3, [h])
    with pytest.raises(ValueError, match="32 bytes"):
        CompactRange(1, [h[:10]])
    with pytest.raises(ValueError, match="negative"):
        CompactRange(-1, [])
    with pytest.raises(ValueError, match="32 bytes"):
        CompactRange().append(b"short")
    assert "size=0" in repr(CompactRange())
