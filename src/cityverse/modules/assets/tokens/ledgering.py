"""Signing token transactions and appending them to the verifiable log.

Why entries go to the log before the database records the event: on SQLite the log's appender
needs the database write lock, which a request holds from its first write until it commits. So
every rule is checked first (reads only), then the transaction is signed and appended, and only
then are the rows written. An appended entry survives a later failure of the request: it stays
in the log as an orphan that no event row references. A replay of the log applies a transaction
only if it is valid at its place (the actor owns the token, it is not frozen or burned), and
per-token locks plus version checks keep the rows in the log's order within a process, so an
orphan is always one a replay ignores or one the database never acknowledged to anyone.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from cityverse.core.errors import AppError
from cityverse.modules.assets.identity import Body, TransactionSigner, build_payload
from cityverse.modules.assets.identity import sign_transaction as sign
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import LedgerUnavailableError


@dataclass(frozen=True, slots=True)
class Appended:
    leaf_index: int
    tx_sha256: str


def signed_entry(kind: str, signer: TransactionSigner, body: Body) -> bytes:
    return sign(build_payload(kind, signer.did, body), signer)


async def append_all(entries: Sequence[bytes]) -> list[Appended]:
    """Append in order; the appender batches concurrent calls into few transactions."""
    try:
        indexes = await asyncio.gather(*(ledger.append(entry) for entry in entries))
    except LedgerUnavailableError:
        raise AppError(503, "ledger_unavailable") from None
    return [Appended(index, hashlib.sha256(entry).hexdigest())
            for index, entry in zip(indexes, entries, strict=True)]


_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def lock_for(key: str) -> asyncio.Lock:
    """One lock per token or collection in this process: checks, append and rows in order."""
    found = _locks.get(key)
    if found is None:
        found = asyncio.Lock()
        _locks[key] = found
    return found
