"""Verifiable-log figures through the persistent store: signed transactions appended per second
(durable, each one's Ed25519 signature verified by the identity library on a process pool
across the cores), raw durable appends per second through the service (many concurrent
submitters, batched), checkpoint latency, then proof latency and a whole-log audit at
1,000,000 entries. Prints one JSON object.

    .venv/bin/python bench/ledger.py [--entries 1000000] [--submitters 1000] [--seconds 5]
                                     [--signed 40000] [--verify-workers N]
                                     [--samples 5000] [--database-url URL] [--no-audit]

SQLite in a temporary folder unless --database-url names an empty, migratable database. The
log is grown to --entries with a bulk loader (the store's own append path in large
transactions, without the appender's fsync per batch): appends at that rate would take minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from cityverse.app import create_app
from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker, utcnow
from cityverse.core.migrate import upgrade
from cityverse.modules.assets.identity import SigningKey, build_payload, sign_transaction
from cityverse.modules.assets.ledger import (
    CompactRange,
    open_checkpoint,
    store,
    verify_inclusion,
)
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import Appender, install
from cityverse.modules.assets.ledger.engines import create_snapshot_engine
from cityverse.modules.assets.ledger.keys import log_verifier
from cityverse.modules.assets.ledger.models import LedgerEntry
from cityverse.modules.assets.ledger.verifier import (
    BatchVerifier,
    EntryRejectedError,
    check_chunk,
    check_signed_transaction,
)
from cityverse.modules.assets.ledger.verify import audit_log

BULK_CHUNK = 50_000
ACTORS = 256
SIGN_CHUNK = 2000


def ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3)}


def payload(worker: int, count: int) -> bytes:
    # About the size of a signed transfer: a JSON body plus an Ed25519 signature.
    return (b'{"op":"transfer","token":%d,"seq":%d,"to":"did:key:z6Mk%040d"}' % (
        worker, count, worker) + bytes(64))


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of this process and of the running processes ``pids`` (Linux /proc)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def actor(number: int) -> SigningKey:
    return SigningKey(hashlib.sha256(b"bench actor %d" % number).digest())


def sign_chunk(first: int, count: int) -> list[bytes]:
    """Signed gifts between the bench's actors (in a pool process: signing is not measured)."""
    keys = [actor(n) for n in range(ACTORS)]
    entries = []
    for n in range(first, first + count):
        sender, receiver = keys[n % ACTORS], keys[(n * 7 + 1) % ACTORS]
        body = {"token_id": f"token-{n:07d}", "to": receiver.did}
        entries.append(sign_transaction(build_payload("token.transfer", sender.did, body), sender))
    return entries


def signed_transactions(total: int, workers: int) -> list[bytes]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        chunks = pool.map(sign_chunk, range(0, total, SIGN_CHUNK),
                          [min(SIGN_CHUNK, total - first) for first in range(0, total, SIGN_CHUNK)])
        return [entry for chunk in chunks for entry in chunk]


async def verified_appends(
    settings: Settings, entries: list[bytes], submitters: int, seconds: float, workers: int
) -> dict[str, object]:
    """Signed transactions through an appender that verifies every one before it is queued."""
    verifier = BatchVerifier(check_signed_transaction, workers)
    appender = Appender(settings, verifier)
    await appender.start()
    await verifier.ready()
    forged = bytearray(entries[0])
    # Another base64url character inside the signature: still canonical, no longer valid.
    forged[-10] = ord("A") if forged[-10] != ord("A") else ord("B")
    try:
        await appender.append(bytes(forged))
        raise AssertionError("a forged signature was appended")
    except EntryRejectedError as refused:
        assert "does not verify" in refused.reason, refused.reason
    queue = iter(entries[1:])
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def submit() -> None:
        for entry in queue:
            began = time.perf_counter()
            await appender.append(entry)
            latencies.append(time.perf_counter() - began)
            if time.perf_counter() > deadline:
                return

    workers_pids = verifier.worker_pids()
    cpu_before = cpu_seconds(workers_pids)
    began = time.perf_counter()
    await asyncio.gather(*(submit() for _ in range(submitters)))
    elapsed = time.perf_counter() - began
    cpu_per_tx = (cpu_seconds(workers_pids) - cpu_before) / len(latencies)
    await appender.stop()
    sample = entries[1:2001]
    began_cpu = time.process_time()
    check_chunk(check_signed_transaction, sample)
    check_cpu = (time.process_time() - began_cpu) / len(sample)
    return {
        "signed_tx_appended_per_s": round(len(latencies) / elapsed),
        "check_cpu_us_per_tx": round(check_cpu * 1e6, 1),  # open_transaction alone, one core
        # What the machine's load does not change: CPU time one transaction costs (verifying
        # in the pool + appending), and so the rate its cores could carry if nothing else ran.
        "cpu_us_per_tx": round(cpu_per_tx * 1e6, 1),
        "cpu_bound_tx_per_s": round((os.cpu_count() or 1) / cpu_per_tx),
        "appended": len(latencies),
        "seconds": round(elapsed, 2),
        "verify_workers": workers,
        "submitters": submitters,
        "forged_signature_refused": True,
        "ack_latency": ms(latencies),
    }


async def durable_appends(settings: Settings, submitters: int, seconds: float) -> dict[str, object]:
    appender = Appender(settings)
    await appender.start()
    install(appender)
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def submit(worker: int) -> None:
        count = 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            await ledger.append(payload(worker, count))
            latencies.append(time.perf_counter() - began)
            count += 1

    began = time.perf_counter()
    await asyncio.gather(*(submit(w) for w in range(submitters)))
    elapsed = time.perf_counter() - began
    install(None)
    await appender.stop()
    engine = create_engine(settings)
    async with create_sessionmaker(engine)() as session:
        batches = await session.scalar(select(func.count(func.distinct(LedgerEntry.created_at))))
    await engine.dispose()
    return {
        "durable_appends_per_s": round(len(latencies) / elapsed),
        "appended": len(latencies),
        "submitters": submitters,
        "mean_batch": round(len(latencies) / (batches or 1), 1),
        "ack_latency": ms(latencies),
    }


async def bulk_load(settings: Settings, target: int) -> dict[str, object]:
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    began = time.perf_counter()
    async with sessions() as session:
        size, _ = await store.log_heads(session)
        tree: CompactRange = await store.load_tree(session, size)
    while tree.size < target:
        count = min(BULK_CHUNK, target - tree.size)
        async with sessions() as session, session.begin():
            await store.append_entries(
                session, tree, [payload(-1, tree.size + i) for i in range(count)], utcnow())
    await engine.dispose()
    return {"bulk_load_s": round(time.perf_counter() - began, 1), "tree_size": tree.size}


async def checkpoints(settings: Settings, rounds: int = 50) -> dict[str, object]:
    """A fresh appender (it rebuilds its state from the database at its first write), then
    checkpoints signed on demand: one entry, then one checkpoint, so each is a lone commit."""
    appender = Appender(settings)
    await appender.start()
    began = time.perf_counter()
    await appender.append(b"first after restart")
    restart = time.perf_counter() - began
    latencies: list[float] = []
    signed = None
    for i in range(rounds):
        await appender.append(b"checkpoint round %d" % i)
        began = time.perf_counter()
        signed = await appender.checkpoint()
        latencies.append(time.perf_counter() - began)
    await appender.stop()
    assert signed is not None
    open_checkpoint(signed.note, [log_verifier(settings)], settings.ledger_origin)
    return {"first_append_after_restart_ms": round(restart * 1000, 1),
            "checkpoint_sign_and_commit": ms(latencies), "tree_size": signed.checkpoint.tree_size}


async def proofs(settings: Settings, samples: int) -> dict[str, object]:
    """Each proof as a request makes it: a session from the pool, one query, the prover."""
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    rng = random.Random(9162)
    async with sessions() as session:
        size = await ledger.log_size(session)
        root = (await store.load_tree(session, size)).root()
    inclusion: list[float] = []
    for _ in range(samples):
        index = rng.randrange(size)
        began = time.perf_counter()
        async with sessions() as session:
            proof = await ledger.inclusion_proof(session, index, size)
        inclusion.append(time.perf_counter() - began)
        verify_inclusion(index, size, proof.leaf_hash, proof.hashes, root)
    consistency: list[float] = []
    for _ in range(samples // 5):
        first = rng.randrange(1, size)
        began = time.perf_counter()
        async with sessions() as session:
            await ledger.consistency_proof(session, first, size)
        consistency.append(time.perf_counter() - began)
    await engine.dispose()
    return {"tree_size": size, "inclusion_proof": ms(inclusion),
            "consistency_proof": ms(consistency)}


async def api_proofs(settings: Settings, samples: int) -> dict[str, object]:
    """The same through the whole ASGI app in-process (routing, auth policy, JSON, httpx)."""
    app = create_app(settings)
    rng = random.Random(7)
    latencies: list[float] = []
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        checkpoint = (await client.get("/.well-known/cityverse/ledger/checkpoint")).text
        size = int(checkpoint.splitlines()[1])
        for _ in range(samples):
            params = {"index": rng.randrange(size), "tree_size": size}
            began = time.perf_counter()
            response = await client.get("/api/ledger/proofs/inclusion", params=params)
            latencies.append(time.perf_counter() - began)
            assert response.status_code == 200, response.text
    return {"api_inclusion_proof": ms(latencies)}


async def audit(settings: Settings) -> dict[str, object]:
    engine = create_snapshot_engine(settings)
    began = time.perf_counter()
    async with create_sessionmaker(engine)() as session, session.begin():
        report = await audit_log(session, log_verifier(settings), settings.ledger_origin)
    await engine.dispose()
    assert report.ok, report.finding
    return {"audit_s": round(time.perf_counter() - began, 1), "audited_entries": report.entries}


async def run(args: argparse.Namespace, settings: Settings) -> dict[str, object]:
    figures: dict[str, object] = {}
    began = time.perf_counter()
    entries = signed_transactions(args.signed, args.verify_workers)
    signing_s = round(time.perf_counter() - began, 1)
    figures["verified_appends"] = {"signing_s": signing_s} | await verified_appends(
        settings, entries, args.submitters, args.seconds, args.verify_workers)
    figures["appends"] = await durable_appends(settings, args.submitters, args.seconds)
    figures["bulk"] = await bulk_load(settings, args.entries)
    figures["checkpoints"] = await checkpoints(settings)
    figures["proofs"] = await proofs(settings, args.samples)
    figures["proofs"] |= await api_proofs(settings, min(args.samples, 2000))  # type: ignore[operator]
    if args.audit:
        figures["audit"] = await audit(settings)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--submitters", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--signed", type=int, default=40_000,
                        help="signed transactions made beforehand for the verified appends")
    parser.add_argument("--verify-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-audit", dest="audit", action="store_false")
    args = parser.parse_args()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cityverse-bench-") as folder:
        settings = Settings(env="test", data_dir=Path(folder), database_url=args.database_url,
                            log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
        upgrade(settings)
        figures: dict[str, object] = {
            "bench": "ledger", "python": platform.python_version(), "cpus": os.cpu_count(),
            "database": "sqlite (WAL, appender synchronous=FULL)" if settings.is_sqlite
            else settings.effective_database_url.split("://")[0],
            "batch_size": settings.ledger_batch_size,
            "batch_wait_ms": settings.ledger_batch_wait_ms,
        }
        figures |= asyncio.run(run(args, settings))
    figures["total_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
