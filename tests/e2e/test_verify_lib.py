"""The TypeScript verifier (web/src/modules/assets/verify/) run in Chromium against vectors made
by the Python ledger: RFC 9162 inclusion proofs for every leaf of trees of 1 to 17 leaves,
signed-note checkpoints, signed work registrations, and whole verdicts."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from cityverse.modules.assets.identity import (
    SigningKey,
    WorkRegister,
    build_payload,
    sign_transaction,
)
from cityverse.modules.assets.ledger import (
    Checkpoint,
    MemoryNodeStore,
    Signer,
    inclusion_proof,
    leaf_hash,
    sign_checkpoint,
)

ROOT = Path(__file__).parents[2]
ESBUILD = ROOT / "web/node_modules/.bin/esbuild"
ENTRY = ROOT / "web/src/modules/assets/verify/index.ts"
ORIGIN = "test.cityverse/ledger"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="module")
def verifier_js() -> str:
    if not ESBUILD.exists():
        pytest.fail("web/node_modules is missing: run `make web`")
    built = subprocess.run([str(ESBUILD), str(ENTRY), "--bundle", "--format=esm"],
                           check=True, capture_output=True, text=True)
    return built.stdout


def run(page: Page, verifier_js: str, body: str, arg: Any) -> Any:
    """Import the bundled verifier as a module in the page and run ``body`` with it."""
    page.goto("/api/health")  # any page of the server: WebCrypto needs a secure context
    return page.evaluate(
        """async ([source, body, arg]) => {
            const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
            const v = await import(url);
            const b = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
            const run = new Function('v', 'b', 'arg', `return (async () => {${body}})()`);
            return await run(v, b, arg);
        }""",
        [verifier_js, body, arg],
    )


def registrations(count: int) -> tuple[list[bytes], SigningKey]:
    key = SigningKey(hashlib.sha256(b"creator").digest())
    entries = []
    for i in range(count):
        body = WorkRegister(work_id=f"w{i:04d}", media_type="image/png", title=f"周庄 {i}",
                            content_sha256=hashlib.sha256(bytes([i])).hexdigest())
        payload = build_payload("work.register", key.did, body,
                                issued_at=datetime(2026, 11, 23, 8, i, tzinfo=UTC))
        entries.append(sign_transaction(payload, key))
    return entries, key


def test_inclusion_proofs_agree_with_the_python_ledger(page: Page, verifier_js: str) -> None:
    cases = []
    for size in range(1, 18):
        store = MemoryNodeStore()
        for i in range(size):
            store.append(f"entry {i}".encode())
        root = store.root()
        for index in range(size):
            proof = inclusion_proof(store, index, size)
            leaf = b64(leaf_hash(f"entry {index}".encode()))
            cases.append({"index": index, "size": size, "leaf": leaf,
                          "proof": [b64(h) for h in proof], "root": b64(root)})
    results = run(page, verifier_js, """
        const out = [];
        for (const c of arg) {
            const proof = c.proof.map(b);
            const check = (index) => v.verifyInclusion(index, c.size, b(c.leaf), proof, b(c.root));
            const good = await check(c.index);
            const wrongIndex = await check((c.index + 1) % (c.size + 1));
            let flipped = false;
            if (proof.length) { proof[0][0] ^= 1; flipped = await check(c.index); }
            out.push([good, wrongIndex || flipped]);
        }
        return out;
    """, cases)
    assert len(results) == sum(range(1, 18))
    assert all(good for good, _ in results)
    assert not any(forged for _, forged in results[1:])  # a 1-leaf tree has no proof to flip


def test_checkpoints_and_registrations_are_checked_with_webcrypto(
    page: Page, verifier_js: str
) -> None:
    entries, key = registrations(3)
    signer = Signer(ORIGIN, hashlib.sha256(b"log key").digest())
    other = Signer(ORIGIN, hashlib.sha256(b"someone else").digest())
    store = MemoryNodeStore()
    for entry in entries:
        store.append(entry)
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, store.root()), [signer])
    forged = sign_checkpoint(Checkpoint(ORIGIN, 3, store.root()), [other])
    tampered_entry = entries[1].replace("周庄 1".encode(), "周庄 9".encode())
    result = run(page, verifier_js, """
        const cp = await v.openCheckpoint(arg.note, arg.vkey);
        const fails = async (f) => { try { await f(); return false } catch { return true } };
        const reg = await v.openWorkRegistration(b(arg.entry));
        const bad = await v.openWorkRegistration(b(arg.tampered));
        return {
            size: cp.treeSize, root: v.toBase64(cp.rootHash), origin: cp.origin,
            forgedRefused: await fails(() => v.openCheckpoint(arg.forged, arg.vkey)),
            editedRefused: await fails(
                () => v.openCheckpoint(arg.note.replace('\\n3\\n', '\\n4\\n'), arg.vkey)),
            actor: reg.actor, valid: reg.signatureValid, hash: reg.contentSha256,
            tamperedValid: bad.signatureValid,
            didKey: v.toBase64(v.publicKeyFromDid(arg.did)),
        };
    """, {"note": note, "forged": forged, "vkey": signer.vkey, "entry": b64(entries[1]),
          "tampered": b64(tampered_entry), "did": key.did})
    assert result["size"] == 3 and result["root"] == b64(store.root())
    assert result["origin"] == ORIGIN
    assert result["forgedRefused"] and result["editedRefused"]
    assert result["actor"] == key.did and result["valid"] is True
    assert result["hash"] == hashlib.sha256(bytes([1])).hexdigest()
    assert result["tamperedValid"] is False
    assert result["didKey"] == b64(key.public_key)


def test_verdicts_of_the_whole_verifier(page: Page, verifier_js: str) -> None:
    entries, _ = registrations(5)
    signer = Signer(ORIGIN, hashlib.sha256(b"log key").digest())
    store = MemoryNodeStore()
    for entry in entries:
        store.append(entry)
    log = {
        "vkey": signer.vkey, "origin": ORIGIN,
        "note": sign_checkpoint(Checkpoint(ORIGIN, 5, store.root()), [signer]),
        "entries": [b64(e) for e in entries],
        "proofs": [[b64(h) for h in inclusion_proof(store, i, 5)] for i in range(5)],
        "hashes": {hashlib.sha256(bytes([i])).hexdigest(): i for i in range(5)},
    }
    verdicts = run(page, verifier_js, """
        const log = arg;
        const source = {
            verifierKey: async () => ({origin: log.origin, vkey: log.vkey}),
            latestCheckpoint: async () => log.note,
            inclusionProof: async (i) => ({hashes: log.proofs[i]}),
            entry: async (i) => log.entries[i] ?? null,
            registrationOf: async (h) => log.hashes[h] ?? null,
        };
        const file = (i) => Object.keys(log.hashes).find((h) => log.hashes[h] === i);
        const cert = {format: 'cityverse-work-certificate/v1', certificate_id: 'w0002',
            work: {content_sha256: file(2)}, creator: {did: ''},
            log: {origin: log.origin, verifier_key: log.vkey, index: 2, entry: log.entries[2],
                  tree_size: 5, inclusion_proof: log.proofs[2], checkpoint: log.note}};
        const reg = await v.openWorkRegistration(b(log.entries[2]));
        cert.creator.did = reg.actor;
        const lying = {...cert, log: {...cert.log, inclusion_proof: log.proofs[3]}};
        const other = {...cert, log: {...cert.log, verifier_key: 'x+00000000+AQ=='}};
        return [
            (await v.verify({fileSha256: file(2)}, source)).verdict,
            (await v.verify({fileSha256: '00'.repeat(32)}, source)).verdict,
            (await v.verify({certificate: cert}, source)).verdict,
            (await v.verify({certificate: cert, fileSha256: file(2)}, source)).verdict,
            (await v.verify({certificate: cert, fileSha256: file(3)}, source)).verdict,
            (await v.verify({certificate: lying, fileSha256: file(2)}, source)).verdict,
            (await v.verify({certificate: other}, source)).verdict,
            v.isCertificate(cert), v.isCertificate({format: 'x'}),
        ];
    """, log)
    assert verdicts == ["match", "not_registered", "valid", "match", "tampered", "tampered",
                        "tampered", True, False]
    assert json.dumps(verdicts)
