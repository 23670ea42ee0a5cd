"""Whole-log audit: recompute the tree from the stored entries and check every stored row.

Entries are read in order in chunks; each entry's bytes are hashed again and appended to a
fresh compact range, and every node that append completes is compared with the stored one.
Each checkpoint is checked when the recomputed tree reaches its size: its signature, its row
against its note, its root against the recomputed root. The first row that does not fit is
named. Memory stays O(log n + chunk), whatever the size of the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.assets.ledger import store
from cityverse.modules.assets.ledger.checkpoint import CheckpointError, open_checkpoint
from cityverse.modules.assets.ledger.compact import CompactRange
from cityverse.modules.assets.ledger.hashing import leaf_hash
from cityverse.modules.assets.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerNode
from cityverse.modules.assets.ledger.note import NoteError, Verifier

ProgressFn = Callable[[int, int], None]
"""Called with (entries checked, entries in the log)."""

CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Finding:
    """The first row that breaks the log: its table, its key and what is wrong with it."""

    table: str
    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.problem}"


@dataclass(frozen=True, slots=True)
class AuditReport:
    entries: int
    nodes: int
    checkpoints: int
    root_hash: bytes
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


class _Tampered(Exception):
    """Raised at the first bad row, carrying what was found there."""

    def __init__(self, finding: Finding) -> None:
        self.finding = finding


def _entry(index: int, problem: str) -> _Tampered:
    return _Tampered(Finding("ledger_entries", f"leaf_index={index}", problem))


def _node(level: int, index: int, problem: str) -> _Tampered:
    return _Tampered(Finding("ledger_nodes", f"level={level} node_index={index}", problem))


def _checkpoint(size: int, problem: str) -> _Tampered:
    return _Tampered(Finding("ledger_checkpoints", f"tree_size={size}", problem))


async def audit_log(
    session: AsyncSession, verifier: Verifier, origin: str,
    progress: ProgressFn | None = None, chunk: int = CHUNK,
) -> AuditReport:
    """Check the whole log; run it in one snapshot transaction so appends may go on."""
    size, _ = await store.log_heads(session)
    audit = _Audit(session, verifier, origin)
    try:
        for start, end in [(-1, 0), *((s, min(s + chunk, size)) for s in range(0, size, chunk))]:
            await audit.check_chunk(start, end)
            if progress is not None and end:
                progress(end, size)
        await _check_nothing_beyond(session, size)
    except _Tampered as found:
        finding: Finding | None = found.finding
    else:
        finding = None
    tree = audit.tree
    return AuditReport(tree.size, audit.nodes, audit.checkpoints, tree.root(), finding)


class _Audit:
    def __init__(self, session: AsyncSession, verifier: Verifier, origin: str) -> None:
        self.session = session
        self.verifier = verifier
        self.origin = origin
        self.tree = CompactRange()
        self.nodes = 0
        self.checkpoints = 0

    async def check_chunk(self, start: int, end: int) -> None:
        """Entries [start, end), the nodes they complete and the checkpoints of sizes in
        (start, end]; ``start`` -1 checks just a checkpoint of the empty tree."""
        checkpoints = await self._checkpoints(start, end)
        if start < 0:
            if 0 in checkpoints:
                self._check_checkpoint(0, *checkpoints[0])
            return
        rows = (await self.session.execute(
            select(LedgerEntry.leaf_index, LedgerEntry.leaf_hash, LedgerEntry.data)
            .where(LedgerEntry.leaf_index >= start, LedgerEntry.leaf_index < end)
            .order_by(LedgerEntry.leaf_index)
        )).all()
        stored = await _nodes_completed_by(self.session, start, end)
        expected = start
        for index, stored_leaf_hash, data in rows:
            if index != expected:
                raise _entry(expected, "missing: the row was deleted")
            hashed = leaf_hash(data)
            if hashed != stored_leaf_hash:
                raise _entry(index, "edited: its data no longer hash to its leaf hash")
            for level, node_index, node in self.tree.append(hashed):
                found = stored.get((level, node_index))
                if found is None:
                    raise _node(level, node_index, "missing: the row was deleted")
                if found != node:
                    if level == 0:
                        raise await _misplaced_entry(self.session, index, hashed)
                    raise _node(level, node_index, "edited: it differs from the hash of its "
                                                   "leaves")
                self.nodes += 1
            if self.tree.size in checkpoints:
                self._check_checkpoint(self.tree.size, *checkpoints[self.tree.size])
            expected += 1
        if expected != end:
            raise _entry(expected, "missing: the row was deleted")

    async def _checkpoints(self, start: int, end: int) -> dict[int, tuple[bytes, str]]:
        rows = await self.session.execute(
            select(LedgerCheckpoint.tree_size, LedgerCheckpoint.root_hash, LedgerCheckpoint.note)
            .where(LedgerCheckpoint.tree_size > start, LedgerCheckpoint.tree_size <= end)
        )
        return {size: (root_hash, note) for size, root_hash, note in rows}

    def _check_checkpoint(self, size: int, root_hash: bytes, note: str) -> None:
        try:
            checkpoint, _ = open_checkpoint(note, [self.verifier], self.origin)
        except (NoteError, CheckpointError) as exc:
            raise _checkpoint(size, f"its signed note does not verify: {exc}") from None
        if checkpoint.tree_size != size or checkpoint.root_hash != root_hash:
            raise _checkpoint(size, "the row differs from its signed note: the row was edited")
        if self.tree.root() != root_hash:
            raise _checkpoint(size, "its signed root is not the root of the stored entries: "
                                    "entries were changed after it was signed")
        self.checkpoints += 1


async def _nodes_completed_by(
    session: AsyncSession, start: int, end: int
) -> dict[tuple[int, int], bytes]:
    """Stored nodes whose subtree ends at a leaf in [start, end): those these leaves complete."""
    ranges = []
    for level in range(end.bit_length()):
        # Node k of a level is complete once leaf (k + 1) * 2**level - 1 is appended.
        low, high = ((start + (1 << level)) >> level) - 1, (end >> level) - 1
        if low <= high:
            ranges.append(and_(LedgerNode.level == level, LedgerNode.node_index.between(low, high)))
    if not ranges:
        return {}
    rows = await session.execute(
        select(LedgerNode.level, LedgerNode.node_index, LedgerNode.hash).where(or_(*ranges))
    )
    return {(level, index): hashed for level, index, hashed in rows}


async def _misplaced_entry(session: AsyncSession, index: int, hashed: bytes) -> _Tampered:
    """Entry ``index`` is not the tree's leaf ``index``: was it moved here, or edited?"""
    # Only on failure, so a scan of the leaf level is affordable.
    moved_from = await session.scalar(
        select(LedgerNode.node_index)
        .where(LedgerNode.level == 0, LedgerNode.hash == hashed, LedgerNode.node_index != index)
        .limit(1)
    )
    if moved_from is not None:
        return _entry(index, f"holds the content of entry {moved_from}: rows were reordered")
    return _entry(index, f"differs from leaf {index} of the stored tree: the entry (or its "
                         f"leaf node level=0 node_index={index}) was edited")


async def _check_nothing_beyond(session: AsyncSession, size: int) -> None:
    """No checkpoint is larger than the log, and no node lies outside its perfect subtrees."""
    beyond = await session.scalar(
        select(func.min(LedgerCheckpoint.tree_size)).where(LedgerCheckpoint.tree_size > size)
    )
    if beyond is not None:
        raise _checkpoint(beyond, f"it covers more than the {size} entries stored: "
                                  "entries were deleted from the end of the log")
    levels = size.bit_length()
    outside = [LedgerNode.level >= levels, LedgerNode.level < 0, LedgerNode.node_index < 0]
    outside += [and_(LedgerNode.level == level, LedgerNode.node_index >= size >> level)
                for level in range(levels)]
    extra = (await session.execute(
        select(LedgerNode.level, LedgerNode.node_index).where(or_(*outside))
        .order_by(LedgerNode.level, LedgerNode.node_index).limit(1)
    )).first()
    if extra is not None:
        raise _node(extra[0], extra[1], f"lies outside the tree of the {size} entries stored: "
                                        "its entries were deleted, or the row was added")
