"""Proof generation from stored nodes against the RFC's recursive definitions, and verification."""

from __future__ import annotations

import hashlib
import math
import random

import pytest

from cityverse.modules.assets.ledger import (
    MemoryNodeStore,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaves,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from cityverse.modules.assets.ledger.hashing import split_point

MAX_SIZE = 70


def rfc_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 9162 §2.1.3.1 writes it."""
    if len(leaves) == 1:
        return []
    k = split_point(len(leaves))
    if m < k:
        return [*rfc_path(m, leaves[:k]), root_from_leaves(leaves[k:])]
    return [*rfc_path(m - k, leaves[k:]), root_from_leaves(leaves[:k])]


def rfc_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) exactly as RFC 9162 §2.1.4.1 writes it."""
    if m == len(leaves):
        return [] if whole else [root_from_leaves(leaves)]
    k = split_point(len(leaves))
    if m <= k:
        return [*rfc_subproof(m, leaves[:k], whole), root_from_leaves(leaves[k:])]
    return [*rfc_subproof(m - k, leaves[k:], False), root_from_leaves(leaves[:k])]


class CountingReader:
    def __init__(self, inner: MemoryNodeStore | FakeReader) -> None:
        self.inner = inner
        self.reads = 0

    @property
    def tree_size(self) -> int:
        return self.inner.tree_size

    def get_node(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.inner.get_node(level, index)


class FakeReader:
    """A huge tree whose node hashes are made up: enough to count reads, not to verify."""

    def __init__(self, tree_size: int) -> None:
        self.tree_size = tree_size

    def get_node(self, level: int, index: int) -> bytes:
        assert (index + 1) << level <= self.tree_size, "read of a node that is not complete"
        return hashlib.sha256(f"{level}/{index}".encode()).digest()


@pytest.fixture(scope="module")
def store() -> tuple[MemoryNodeStore, list[bytes]]:
    rng = random.Random(9162)
    memory = MemoryNodeStore()
    leaves = []
    for _ in range(300):
        leaves.append(leaf_hash(rng.randbytes(rng.randrange(0, 40))))
        memory.append_leaf_hash(leaves[-1])
    return memory, leaves


def read_bound(size: int) -> int:
    return 2 * math.ceil(math.log2(size)) + 2


def test_tree_root_at_every_past_size(store: tuple[MemoryNodeStore, list[bytes]]) -> None:
    memory, leaves = store
    for size in range(len(leaves) + 1):
        assert tree_root(memory, size) == root_from_leaves(leaves[:size])


def test_inclusion_proofs_for_every_leaf(store: tuple[MemoryNodeStore, list[bytes]]) -> None:
    memory, leaves = store
    for size in range(1, MAX_SIZE + 1):
        root = root_from_leaves(leaves[:size])
        for index in range(size):
            proof = inclusion_proof(memory, index, size)
            assert proof == rfc_path(index, leaves[:size])
            verify_inclusion(index, size, leaves[index], proof, root)


def test_consistency_proofs_for_every_pair(store: tuple[MemoryNodeStore, list[bytes]]) -> None:
    memory, leaves = store
    roots = [root_from_leaves(leaves[:size]) for size in range(MAX_SIZE + 1)]
    for size2 in range(1, MAX_SIZE + 1):
        for size1 in range(1, size2 + 1):
            proof = consistency_proof(memory, size1, size2)
            assert proof == rfc_subproof(size1, leaves[:size2], True)
            verify_consistency(size1, size2, roots[size1], roots[size2], proof)


def test_tampered_inclusion_proofs_fail(store: tuple[MemoryNodeStore, list[bytes]]) -> None:
    memory, leaves = store
    rng = random.Random(1)
    for _ in range(500):
        size = rng.randrange(2, len(leaves) + 1)
        index = rng.randrange(size)
        proof = inclusion_proof(memory, index, size)
        root = tree_root(memory, size)
        i = rng.randrange(len(proof))
        flipped = bytearray(proof[i])
        flipped[rng.randrange(32)] ^= 1 << rng.randrange(8)
        other = (index + rng.randrange(1, size)) % size
        for bad in (
            (index, size, leaves[index], [*proof[:i], bytes(flipped), *proof[i + 1 :]], root),
            (index, size, leaves[index], proof[:-1], root),
            (index, size, leaves[index], [*proof, proof[0]], root),
            (other, size, leaves[index], proof, root),
            (index, size, leaves[other], proof, root),
            (index, size, leaves[index], proof, tree_root(memory, size - 1)),
        ):
            with pytest.raises(ProofError):
                verify_inclusion(*bad)


def test_tampered_consistency_proofs_fail(store: tuple[MemoryNodeStore, list[bytes]]) -> None:
    memory, _ = store
    rng = random.Random(2)
    for _ in range(500):
        size2 = rng.randrange(2, memory.tree_size + 1)
        size1 = rng.randrange(1, size2)
        root1, root2 = tree_root(memory, size1), tree_root(memory, size2)
        proof = consistency_proof(memory, size1, size2)
        i = rng.randrange(len(proof))
        flipped = bytearray(proof[i])
        flipped[rng.randrange(32)] ^= 1 << rng.randrange(8)
        for bad in (
            (size1, size2, root1, root2, [*proof[:i], bytes(flipped), *proof[i + 1 :]]),
            (size1, size2, root1, root2, proof[:-1]),
            (size1, size2, root1, root2, [*proof, proof[0]]),
            (size1, size2, root2, root1, proof),
            (size1, size2, root1, tree_root(memory, size2 - 1), proof),
        ):
            with pytest.raises(ProofError):
                verify_consistency(*bad)


def test_proofs_read_logarithmically_many_nodes(
    store: tuple[MemoryNodeStore, list[bytes]],
) -> None:
    memory, _ = store
    for size in range(1, memory.tree_size + 1):
        for index in range(size):
            reader = CountingReader(memory)
            inclusion_proof(reader, index, size)
            assert reader.reads <= read_bound(size), (index, size, reader.reads)
        for size1 in range(1, size + 1):
            reader = CountingReader(memory)
            consistency_proof(reader, size1, size)
            assert reader.reads <= read_bound(size), (size1, size, reader.reads)


def test_huge_trees_read_logarithmically_many_nodes() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        size = rng.randrange(2, 2**48)
        reader = CountingReader(FakeReader(size))
        proof = inclusion_proof(reader, rng.randrange(size), size)
        assert len(proof) <= math.ceil(math.log2(size))
        assert reader.reads <= read_bound(size)
        reader.reads = 0
        consistency_proof(reader, rng.randrange(1, size + 1), size)
        assert reader.reads <= read_bound(size)


def test_generation_rejects_bad_arguments(store: tuple[MemoryNodeStore, list[bytes]]) -> None:
    memory, _ = store
    size = memory.tree_size
    for index, tree_size in ((-1, 5), (5, 5), (0, 0), (0, size + 1)):
        with pytest.raises(ValueError, match=r"leaf index|tree size"):
            inclusion_proof(memory, index, tree_size)
    for size1, size2 in ((0, 5), (6, 5), (1, size + 1), (-1, 3)):
        with pytest.raises(ValueError, match="size"):
            consistency_proof(memory, size1, size2)
    assert consistency_proof(memory, 7, 7) == []
    with pytest.raises(ValueError, match="exceeds"):
        tree_root(memory, size + 1)


def test_verification_rejects_malformed_input() -> None:
    h = leaf_hash(b"a")
    two = node_hash(h, leaf_hash(b"b"))
    verify_inclusion(0, 2, h, [leaf_hash(b"b")], two)
    cases = [
        ((-1, 2, h, [h], two), "negative"),
        ((0, -2, h, [h], two), "negative"),
        ((2, 2, h, [h], two), "outside"),
        ((0, 2, h[:31], [h], two), "leaf hash must be 32 bytes"),
        ((0, 2, h, [h + b"x"], two), "proof hash 0"),
        ((0, 2, h, [h], two[:16]), "root must be 32 bytes"),
    ]
    for args, message in cases:
        with pytest.raises(ProofError, match=message):
            verify_inclusion(*args)
    with pytest.raises(ProofError, match="went backwards"):
        verify_consistency(3, 2, two, two, [h])
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 2, h, two, [])
    with pytest.raises(ProofError, match="empty consistency proof"):
        verify_consistency(1, 2, h, two, [])
    with pytest.raises(ProofError, match="root2 must be 32 bytes"):
        verify_consistency(1, 2, h, two[:5], [h])
    verify_consistency(1, 2, h, two, [leaf_hash(b"b")])
    verify_consistency(2, 2, two, two, [])
    assert issubclass(ProofError, ValueError)
