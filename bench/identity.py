"""Identity figures, all in memory, single thread: did:key encode/decode, custodial signing
(unwrapping the key each time, as a request would) against a key already unlocked, and signed
transaction creation and opening (strict parse, canonical check, body schema, Ed25519 verify).
Prints one JSON object.

    .venv/bin/python bench/identity.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable

from cityverse.modules.assets.identity import (
    CustodialKey,
    build_payload,
    did_from_public_key,
    open_transaction,
    public_key_from_did,
    sign_transaction,
)


def per_second(action: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``action`` over about ``seconds``, in batches to keep timing cheap."""
    calls = 0
    batch = 16
    began = time.perf_counter()
    while (elapsed := time.perf_counter() - began) < seconds:
        for _ in range(batch):
            action()
        calls += batch
    return round(calls / elapsed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    seconds: float = args.seconds

    kek = os.urandom(32)
    custodial = CustodialKey.generate("bench-user", kek)
    unlocked = custodial.unlock(kek)
    public_key = unlocked.public_key
    did = unlocked.did
    message = os.urandom(200)  # about the size of a canonical payload
    receiver = CustodialKey.generate("bench-receiver", kek).did
    body = {"token_id": "token-000001", "to": receiver}
    payload = build_payload("token.transfer", did, body)
    entry = sign_transaction(payload, unlocked)

    figures: dict[str, object] = {"bench": "identity", "python": platform.python_version()}
    figures["did_encode_per_s"] = per_second(lambda: did_from_public_key(public_key), seconds)
    uncached_decode = public_key_from_did.__wrapped__
    figures["did_decode_per_s"] = per_second(lambda: uncached_decode(did), seconds)
    figures["did_decode_cached_per_s"] = per_second(lambda: public_key_from_did(did), seconds)
    figures["custodial_sign_unwrap_per_s"] = per_second(
        lambda: custodial.sign(message, kek), seconds
    )
    figures["cached_key_sign_per_s"] = per_second(lambda: unlocked.sign(message), seconds)
    figures["tx_build_and_sign_per_s"] = per_second(
        lambda: sign_transaction(build_payload("token.transfer", did, body), unlocked), seconds
    )
    figures["tx_sign_per_s"] = per_second(lambda: sign_transaction(payload, unlocked), seconds)
    figures["tx_open_per_s"] = per_second(lambda: open_transaction(entry), seconds)
    figures["tx_entry_bytes"] = len(entry)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
