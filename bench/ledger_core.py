"""Ledger core figures, all in memory: leaf hashing + compact-range appends, proof generation
and verification at a million leaves from a dict of stored nodes, checkpoint signing.
Prints one JSON object.

    .venv/bin/python bench/ledger_core.py [--leaves 1000000] [--samples 10000]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from collections.abc import Callable

from cityverse.modules.assets.ledger import (
    Checkpoint,
    CompactRange,
    MemoryNodeStore,
    Signer,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    open_checkpoint,
    sign_checkpoint,
    tree_root,
    verify_consistency,
    verify_inclusion,
)


class CountingReader:
    def __init__(self, inner: MemoryNodeStore) -> None:
        self.inner = inner
        self.reads = 0

    @property
    def tree_size(self) -> int:
        return self.inner.tree_size

    def get_node(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.inner.get_node(level, index)


def percentiles_us(samples: list[float]) -> dict[str, float]:
    samples.sort()
    return {"p50_us": round(statistics.median(samples) * 1e6, 1),
            "p99_us": round(samples[int(len(samples) * 0.99) - 1] * 1e6, 1)}


def timed(action: Callable[..., object], *args: object) -> float:
    """Seconds one call takes (arguments passed through, so loops need no closures)."""
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def appends(leaves: int) -> dict[str, float]:
    payloads = [i.to_bytes(8, "big") * 4 for i in range(leaves)]
    compact = CompactRange()
    started = time.perf_counter()
    for payload in payloads:
        compact.append(leaf_hash(payload))
    elapsed = time.perf_counter() - started
    return {"leaves": leaves, "hash_and_append_per_s": round(leaves / elapsed),
            "hash_and_append_s": round(elapsed, 2)}


def build_store(leaves: int) -> tuple[MemoryNodeStore, dict[str, float]]:
    store = MemoryNodeStore()
    started = time.perf_counter()
    for i in range(leaves):
        store.append(i.to_bytes(8, "big") * 4)
    elapsed = time.perf_counter() - started
    return store, {"store_append_per_s": round(leaves / elapsed),
                   "stored_nodes": store.node_count}


def proofs(store: MemoryNodeStore, samples: int) -> dict[str, object]:
    rng = random.Random(9162)
    size = store.tree_size
    root = store.root()
    generate: list[float] = []
    verify: list[float] = []
    reads: list[int] = []
    for _ in range(samples):
        index = rng.randrange(size)
        generate.append(timed(inclusion_proof, store, index, size))
        reader = CountingReader(store)
        proof = inclusion_proof(reader, index, size)
        reads.append(reader.reads)
        hashed = store.get_node(0, index)
        verify.append(timed(verify_inclusion, index, size, hashed, proof, root))
    consistency_generate: list[float] = []
    consistency_verify: list[float] = []
    for _ in range(samples // 10):
        size1 = rng.randrange(1, size)
        old_root = tree_root(store, size1)
        consistency_generate.append(timed(consistency_proof, store, size1, size))
        proof = consistency_proof(store, size1, size)
        consistency_verify.append(timed(verify_consistency, size1, size, old_root, root, proof))
    return {
        "tree_size": size,
        "inclusion_generate": percentiles_us(generate),
        "inclusion_verify": percentiles_us(verify),
        "inclusion_node_reads_max": max(reads),
        "consistency_generate": percentiles_us(consistency_generate),
        "consistency_verify": percentiles_us(consistency_verify),
    }


def checkpoints(store: MemoryNodeStore, rounds: int = 1000) -> dict[str, object]:
    signer = Signer("cityverse.example/assets", bytes(32))
    verifiers = [signer.verifier()]
    checkpoint = Checkpoint(signer.name, store.tree_size, store.root())
    sign: list[float] = []
    verify: list[float] = []
    note = sign_checkpoint(checkpoint, [signer])
    for _ in range(rounds):
        sign.append(timed(sign_checkpoint, checkpoint, [signer]))
        verify.append(timed(open_checkpoint, note, verifiers, signer.name))
    return {"checkpoint_sign": percentiles_us(sign), "checkpoint_open": percentiles_us(verify),
            "checkpoint_note_bytes": len(note.encode())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    began = time.perf_counter()
    figures: dict[str, object] = {"bench": "ledger_core", "python": platform.python_version()}
    figures |= appends(args.leaves)
    store, stored = build_store(args.leaves)
    figures |= stored
    figures |= proofs(store, args.samples)
    figures |= checkpoints(store)
    figures["total_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
