"""The keys that sign token transactions: each user's own Ed25519 key (did:key), from the
asset platform's key service (custodial keys encrypted at rest, made on first need).

A key made for this request exists only in memory until the transaction is in the log; then
``keep_new_keys`` stores it (storing writes, and on SQLite nothing may be written before the
append: see ``ledgering``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.errors import AppError
from cityverse.modules.assets.identity import TransactionSigner
from cityverse.modules.assets.keys import service as key_service
from cityverse.modules.assets.keys.service import PreparedSigner

__all__ = ["Party", "PreparedSigner", "TransactionSigner", "keep_new_keys", "party",
           "signer_for"]


@dataclass(frozen=True, slots=True)
class Party:
    """Someone a transaction names (a recipient or an owner): their DID, and the custodial key
    made for them in this request when they had none."""

    did: str
    prepared: PreparedSigner | None


async def signer_for(session: AsyncSession, settings: Settings, user_id: int) -> PreparedSigner:
    """The actor's custodial key, unlocked for this request."""
    prepared = await key_service.signer_for(session, settings, user_id)
    if prepared is None:
        # Holders of their own key sign in the browser, through the identity transaction API.
        raise AppError(409, "asset_sign_in_browser")
    return prepared


async def party(session: AsyncSession, settings: Settings, user_id: int) -> Party:
    """The DID a transaction names for ``user_id``: their active key, or a new custodial one."""
    row = await key_service.active_key(session, user_id)
    if row is not None:
        return Party(row.did, None)
    prepared = await key_service.signer_for(session, settings, user_id)
    assert prepared is not None  # a user without any key gets a custodial one
    return Party(prepared.key.did, prepared)


async def keep_new_keys(
    session: AsyncSession, prepared: Iterable[PreparedSigner | None], actor_name: str | None
) -> None:
    """Store the keys made for this request, once their transactions are in the log."""
    for one in prepared:
        if one is not None:
            await one.keep(session, actor_name)
