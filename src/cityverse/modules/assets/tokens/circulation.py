"""Tokens in circulation: gifts between real-name users after the holding period, a
regulator's freeze and unfreeze, the owner's burn. Each event is a signed transaction on the log.

Order inside every action (see ``ledgering``): check every rule with reads only, sign, append,
then write the rows with a version check, all under the token's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.assets.identity import (
    Body,
    TokenBurn,
    TokenFreeze,
    TokenTransfer,
    TokenUnfreeze,
)
from cityverse.modules.assets.tokens import keys, ledgering
from cityverse.modules.assets.tokens.models import AssetCollection, AssetToken, AssetTokenEvent
from cityverse.modules.assets.tokens.people import find_recipient, require_realname


def token_id(collection_id: int, serial: int) -> str:
    return f"{collection_id}.{serial}"


def transferable_at(token: AssetToken, settings: Settings) -> datetime:
    return token.acquired_at + timedelta(days=settings.token_holding_days)


@dataclass(frozen=True, slots=True)
class TokenRow:
    token: AssetToken
    collection: AssetCollection


async def get_token(session: AsyncSession, collection_id: int, serial: int) -> TokenRow:
    found = (await session.execute(
        select(AssetToken, AssetCollection)
        .join(AssetCollection, AssetCollection.id == AssetToken.collection_id)
        .where(AssetToken.collection_id == collection_id, AssetToken.serial == serial,
               AssetCollection.status == "approved")
        .execution_options(populate_existing=True)
    )).first()
    if found is None:
        raise AppError(404, "not_found")
    return TokenRow(found[0], found[1])


async def list_tokens(
    session: AsyncSession, params: PageParams, *, owner_id: int | None = None,
    collection_id: int | None = None, frozen: bool | None = None,
) -> Page[TokenRow]:
    query = (select(AssetToken, AssetCollection)
             .join(AssetCollection, AssetCollection.id == AssetToken.collection_id)
             .where(AssetToken.burned_at.is_(None)))
    if owner_id is not None:
        query = query.where(AssetToken.owner_id == owner_id)
    if collection_id is not None:
        query = query.where(AssetToken.collection_id == collection_id)
    if frozen is not None:
        query = query.where(AssetToken.frozen.is_(frozen))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(params.apply(
        query, AssetToken, default="id", allowed={"id", "serial", "acquired_at"}
    ))
    return Page(items=[TokenRow(t, c) for t, c in rows.tuples()], total=total or 0,
                page=params.page, size=params.size)


async def holds_work(session: AsyncSession, work_id: str, user_id: int) -> bool:
    """Whether the user currently owns a live token of a collection of this work."""
    found = await session.scalar(
        select(AssetToken.id)
        .join(AssetCollection, AssetCollection.id == AssetToken.collection_id)
        .where(AssetCollection.work_id == work_id, AssetToken.owner_id == user_id,
               AssetToken.burned_at.is_(None), AssetCollection.status == "approved")
        .limit(1)
    )
    return found is not None


def _require_live(token: AssetToken) -> None:
    if token.burned_at is not None:
        raise AppError(409, "asset_token_burned")


def _require_movable(token: AssetToken) -> None:
    _require_live(token)
    if token.frozen:
        raise AppError(409, "asset_token_frozen")


def _require_owner(token: AssetToken, actor: Principal) -> None:
    if token.owner_id != actor.user_id:
        raise AppError(403, "asset_not_owner")


async def transfer(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, to_username: str,
) -> TokenRow:
    """Gift the token to another real-name user; refused during the holding period."""
    require_realname(actor)
    async with ledgering.lock_for(f"token:{collection_id}.{serial}"):
        row = await get_token(session, collection_id, serial)
        token = row.token
        _require_owner(token, actor)
        _require_movable(token)
        ready = transferable_at(token, settings)
        if utcnow() < ready:
            raise AppError(409, "asset_holding_period", date=ready.date().isoformat(),
                           transferable_at=ready.isoformat())
        recipient = await find_recipient(session, to_username)
        if recipient.id == actor.user_id:
            raise AppError(409, "asset_gift_to_self")
        signer = await keys.signer_for(session, settings, actor.user_id)
        to = await keys.party(session, settings, recipient.id)
        body = TokenTransfer(token_id=token_id(collection_id, serial), to=to.did)
        await _record(session, actor, row, "transfer", signer, body, owner_id=recipient.id,
                      values={"owner_id": recipient.id, "acquired_at": utcnow()},
                      new_keys=[to.prepared])
    return await get_token(session, collection_id, serial)


async def freeze(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, reason: str,
) -> TokenRow:
    async with ledgering.lock_for(f"token:{collection_id}.{serial}"):
        row = await get_token(session, collection_id, serial)
        _require_live(row.token)
        if row.token.frozen:
            raise AppError(409, "asset_token_frozen")
        signer = await keys.signer_for(session, settings, actor.user_id)
        body = TokenFreeze(token_id=token_id(collection_id, serial), reason=reason)
        await _record(session, actor, row, "freeze", signer, body, reason=reason,
                      values={"frozen": True, "freeze_reason": reason})
    return await get_token(session, collection_id, serial)


async def unfreeze(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, reason: str,
) -> TokenRow:
    async with ledgering.lock_for(f"token:{collection_id}.{serial}"):
        row = await get_token(session, collection_id, serial)
        _require_live(row.token)
        if not row.token.frozen:
            raise AppError(409, "asset_token_not_frozen")
        signer = await keys.signer_for(session, settings, actor.user_id)
        body = TokenUnfreeze(token_id=token_id(collection_id, serial), reason=reason)
        await _record(session, actor, row, "unfreeze", signer, body, reason=reason,
                      values={"frozen": False, "freeze_reason": None})
    return await get_token(session, collection_id, serial)


async def burn(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, reason: str,
) -> TokenRow:
    require_realname(actor)
    async with ledgering.lock_for(f"token:{collection_id}.{serial}"):
        row = await get_token(session, collection_id, serial)
        _require_owner(row.token, actor)
        _require_movable(row.token)
        signer = await keys.signer_for(session, settings, actor.user_id)
        body = TokenBurn(token_id=token_id(collection_id, serial), reason=reason)
        await _record(session, actor, row, "burn", signer, body, reason=reason,
                      values={"burned_at": utcnow()})
    return await get_token(session, collection_id, serial)


async def _record(
    session: AsyncSession, actor: Principal, row: TokenRow, kind: str,
    signer: keys.PreparedSigner, body: Body, *, values: dict[str, object],
    owner_id: int | None = None, reason: str | None = None,
    new_keys: list[keys.PreparedSigner | None] | None = None,
) -> None:
    """Append the signed event, then update the token (version-checked), its event, audit."""
    token = row.token
    # Read before the update: it refreshes the token object in this session.
    previous_owner, version = token.owner_id, token.version
    before = {"owner_id": previous_owner, "frozen": token.frozen, "version": version}
    (appended,) = await ledgering.append_all(
        [ledgering.signed_entry(f"token.{kind}", signer.key, body)]
    )
    await keys.keep_new_keys(session, [signer, *(new_keys or [])], actor.username)
    changed = await session.execute(
        update(AssetToken)
        .where(AssetToken.id == token.id, AssetToken.version == version)
        .values(**values, version=version + 1)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise AppError(409, "asset_token_changed")
    session.add(AssetTokenEvent(
        token_id=token.id, kind=kind, actor_id=actor.user_id,
        from_user_id=previous_owner if kind == "transfer" else None, to_user_id=owner_id,
        reason=reason, leaf_index=appended.leaf_index, tx_sha256=appended.tx_sha256,
        at=utcnow(),
    ))
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username,
        action=f"asset.token.{kind}", target_type="asset_token",
        target_id=token_id(token.collection_id, token.serial), before=before,
        after={**{k: str(v) if isinstance(v, datetime) else v for k, v in values.items()},
               "leaf_index": appended.leaf_index},
    )
