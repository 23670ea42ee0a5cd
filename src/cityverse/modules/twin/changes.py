"""The change feed: what a transaction did to entities, handed to the notifier only after the
transaction committed, so a subscriber never hears of a change that was rolled back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from cityverse.modules.twin.ngsild.entity import StoredEntity


@dataclass(frozen=True)
class Change:
    tenant: str
    entity: StoredEntity  # the state after the change (before it, for a deletion)
    attrs: frozenset[str]  # attribute IRIs the change touched
    deleted: bool = False


@dataclass
class Pending:
    changes: list[Change] = field(default_factory=list)
    # Work that must wait for the commit, e.g. reloading a subscription into the notifier.
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


_pending: ContextVar[Pending | None] = ContextVar("twin_changes", default=None)


def note(change: Change) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.changes.append(change)


def on_commit(callback: Callable[[], Awaitable[None]]) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.after_commit.append(callback)


@contextmanager
def collecting() -> Iterator[Pending]:
    """What happens inside the block; the caller hands it on once it has committed."""
    pending = Pending()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
