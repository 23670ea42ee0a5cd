"""The log's rules for the API and for other modules: append, entries, proofs, checkpoints.

Other modules append through ``append`` (it waits until the entry is durably committed). Reads
never commit and cost O(log n): each proof is one query for exactly the nodes it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.assets.ledger import store
from cityverse.modules.assets.ledger.appender import running_appender
from cityverse.modules.assets.ledger.checkpoint import Checkpoint, sign_checkpoint
from cityverse.modules.assets.ledger.hashing import EMPTY_ROOT
from cityverse.modules.assets.ledger.keys import log_signer
from cityverse.modules.assets.ledger.models import LedgerCheckpoint, LedgerEntry
from cityverse.modules.assets.ledger.prover import consistency_proof as prove_consistency
from cityverse.modules.assets.ledger.prover import inclusion_proof as prove_inclusion
from cityverse.modules.assets.ledger.verifier import EntryRejectedError


@dataclass(frozen=True, slots=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    hashes: list[bytes]


async def append(data: bytes) -> int:
    """Append one entry to the log; return its index once it is durably committed.

    The entry is committed by the appender's own transaction, whatever becomes of the caller's.
    On SQLite call it before the caller's transaction writes (or after its commit): the
    appender needs the database's write lock, and a transaction that has written holds it.
    An entry the app's verifier refuses (not a validly signed transaction) is never written:
    422 ``ledger_entry_rejected``.
    """
    try:
        return await running_appender().append(data)
    except EntryRejectedError as refused:
        raise AppError(422, "ledger_entry_rejected", reason=refused.reason) from None


async def get_entry(session: AsyncSession, leaf_index: int) -> LedgerEntry:
    found = await session.get(LedgerEntry, leaf_index)
    if found is None:
        raise AppError(404, "ledger_entry_not_found", index=leaf_index)
    return found


async def log_size(session: AsyncSession) -> int:
    found = await session.scalar(select(func.max(LedgerEntry.leaf_index)))
    return 0 if found is None else found + 1


async def inclusion_proof(session: AsyncSession, leaf_index: int, tree_size: int) -> InclusionProof:
    """The audit path of entry ``leaf_index`` in the tree of the first ``tree_size`` entries."""
    if not 0 <= leaf_index < tree_size:
        raise AppError(422, "ledger_index_outside_tree", index=leaf_index, tree_size=tree_size,
                       fields=[FieldError("index", "invalid")])
    keys = store.nodes_needed(tree_size, lambda r: prove_inclusion(r, leaf_index, tree_size))
    nodes = await store.read_nodes(session, [(0, leaf_index), *keys])
    _check_tree_size("tree_size", tree_size, nodes.tree_size)
    return InclusionProof(leaf_index, tree_size, nodes.get_node(0, leaf_index),
                          prove_inclusion(nodes, leaf_index, tree_size))


async def consistency_proof(session: AsyncSession, first: int, second: int) -> list[bytes]:
    """Proof that the tree of ``second`` entries extends the tree of ``first`` entries."""
    if not 0 < first <= second:
        raise AppError(422, "ledger_bad_consistency_range", first=first, second=second,
                       fields=[FieldError("first", "invalid")])
    keys = store.nodes_needed(second, lambda r: prove_consistency(r, first, second))
    nodes = await store.read_nodes(session, keys)
    _check_tree_size("second", second, nodes.tree_size)
    return prove_consistency(nodes, first, second)


def _check_tree_size(field: str, tree_size: int, log_size: int) -> None:
    if tree_size > log_size:
        raise AppError(422, "ledger_tree_too_large", tree_size=tree_size, size=log_size,
                       fields=[FieldError(field, "invalid")])


async def latest_checkpoint(session: AsyncSession, settings: Settings) -> str:
    """The newest signed checkpoint; for a log with none yet, the signed empty tree."""
    note = await session.scalar(
        select(LedgerCheckpoint.note).order_by(LedgerCheckpoint.tree_size.desc()).limit(1)
    )
    if note is not None:
        return note
    signer = log_signer(settings)
    # Ed25519 is deterministic, so this note is the same at every request.
    return sign_checkpoint(Checkpoint(signer.name, 0, EMPTY_ROOT), [signer])


async def get_checkpoint(session: AsyncSession, tree_size: int) -> LedgerCheckpoint:
    found = await session.get(LedgerCheckpoint, tree_size)
    if found is None:
        raise AppError(404, "ledger_checkpoint_not_found", tree_size=tree_size)
    return found


CHECKPOINT_SORTS = {"tree_size", "-tree_size"}


async def list_checkpoints(session: AsyncSession, params: PageParams) -> Page[LedgerCheckpoint]:
    """Every checkpoint ever signed, newest first unless ``sort=tree_size``."""
    sort = params.sort or "-tree_size"
    if sort not in CHECKPOINT_SORTS:
        raise AppError(422, "validation_error", fields=[
            FieldError("sort", "invalid_choice", {"choices": ", ".join(sorted(CHECKPOINT_SORTS))})
        ])
    column = LedgerCheckpoint.tree_size
    rows = await session.scalars(
        select(LedgerCheckpoint)
        .order_by(column.desc() if sort.startswith("-") else column.asc())
        .offset(params.offset)
        .limit(params.size)
    )
    total = await session.scalar(select(func.count()).select_from(LedgerCheckpoint))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


def verifier_key(settings: Settings) -> tuple[str, str]:
    """(origin, vkey): what a client needs to check the log's checkpoints."""
    signer = log_signer(settings)
    return signer.name, signer.vkey
