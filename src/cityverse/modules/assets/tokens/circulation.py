"""Tokens in circulation: gifts between real-name users after the holding period, a
regulator's freeze and unfreeze, the owner's burn. Each event is a signed transaction on the log.

Order inside every action (see ``ledgering``): check every rule with reads only, sign, append,
then write the rows with a version check, all under the token's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.assets.evm import service as evm
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

EventKind = Literal["transfer", "freeze", "unfreeze", "burn"]


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


def check_gift(token: AssetToken, actor: Principal, settings: Settings) -> None:
    """The rules of a gift on the sender's side (reads only)."""
    _require_owner(token, actor)
    _require_movable(token)
    ready = transferable_at(token, settings)
    if utcnow() < ready:
        raise AppError(409, "asset_holding_period", date=ready.date().isoformat(),
                       transferable_at=ready.isoformat())


def check_burn(token: AssetToken, actor: Principal) -> None:
    _require_owner(token, actor)
    _require_movable(token)


async def gift_recipient(session: AsyncSession, actor: Principal, to_username: str) -> int:
    recipient = await find_recipient(session, to_username)
    if recipient.id == actor.user_id:
        raise AppError(409, "asset_gift_to_self")
    return recipient.id


@dataclass(frozen=True, slots=True)
class Change:
    """One token event as the rows see it: the new column values and who it names."""

    kind: EventKind
    body: Body
    values: dict[str, object]
    owner_id: int | None = None
    reason: str | None = None

    @classmethod
    def gift(cls, body: TokenTransfer, recipient_id: int) -> Change:
        return cls("transfer", body, {"owner_id": recipient_id, "acquired_at": utcnow()},
                   owner_id=recipient_id)

    @classmethod
    def burn(cls, body: TokenBurn) -> Change:
        return cls("burn", body, {"burned_at": utcnow()}, reason=body.reason)


async def transfer(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, to_username: str,
) -> TokenRow:
    """Gift the token to another real-name user; refused during the holding period."""
    require_realname(actor)
    async with ledgering.lock_for(f"token:{collection_id}.{serial}"):
        row = await get_token(session, collection_id, serial)
        check_gift(row.token, actor, settings)
        recipient_id = await gift_recipient(session, actor, to_username)
        signer = await keys.signer_for(session, settings, actor.user_id)
        to = await keys.party(session, settings, recipient_id)
        body = TokenTransfer(token_id=token_id(collection_id, serial), to=to.did)
        await _record(session, settings, actor, row, signer, Change.gift(body, recipient_id),
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
        await _record(session, settings, actor, row, signer, Change(
            "freeze", body, {"frozen": True, "freeze_reason": reason}, reason=reason))
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
        await _record(session, settings, actor, row, signer, Change(
            "unfreeze", body, {"frozen": False, "freeze_reason": None}, reason=reason))
    return await get_token(session, collection_id, serial)


async def burn(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, reason: str,
) -> TokenRow:
    require_realname(actor)
    async with ledgering.lock_for(f"token:{collection_id}.{serial}"):
        row = await get_token(session, collection_id, serial)
        check_burn(row.token, actor)
        signer = await keys.signer_for(session, settings, actor.user_id)
        body = TokenBurn(token_id=token_id(collection_id, serial), reason=reason)
        await _record(session, settings, actor, row, signer, Change.burn(body))
    return await get_token(session, collection_id, serial)


async def _record(
    session: AsyncSession, settings: Settings, actor: Principal, row: TokenRow,
    signer: keys.PreparedSigner, change: Change,
    new_keys: list[keys.PreparedSigner | None] | None = None,
) -> None:
    """Sign and append the event with a custodial key, then write it (``write_event``)."""
    version = row.token.version
    (appended,) = await ledgering.append_all(
        [ledgering.signed_entry(f"token.{change.kind}", signer.key, change.body)]
    )
    await keys.keep_new_keys(session, [signer, *(new_keys or [])], actor.username)
    await write_event(session, settings, actor, row, change, appended, signer.key.did,
                      version=version)


async def write_event(
    session: AsyncSession, settings: Settings, actor: Principal, row: TokenRow,
    change: Change, appended: ledgering.Appended, signer_did: str, *, version: int,
) -> None:
    """After the append: update the token (version-checked), add its event, audit it and queue
    its EVM mirror operation, all in the caller's transaction."""
    token = row.token
    previous_owner = token.owner_id
    before = {"owner_id": previous_owner, "frozen": token.frozen, "version": version}
    changed = await session.execute(
        update(AssetToken)
        .where(AssetToken.id == token.id, AssetToken.version == version)
        .values(**change.values, version=version + 1)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise AppError(409, "asset_token_changed")
    session.add(AssetTokenEvent(
        token_id=token.id, kind=change.kind, actor_id=actor.user_id,
        from_user_id=previous_owner if change.kind == "transfer" else None,
        to_user_id=change.owner_id, reason=change.reason, leaf_index=appended.leaf_index,
        tx_sha256=appended.tx_sha256, at=utcnow(),
    ))
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username,
        action=f"asset.token.{change.kind}", target_type="asset_token",
        target_id=token_id(token.collection_id, token.serial), before=before,
        after={**{k: str(v) if isinstance(v, datetime) else v for k, v in change.values.items()},
               "leaf_index": appended.leaf_index, "signer": signer_did},
    )
    await evm.enqueue(session, settings, _mirror_op(change, appended.tx_sha256, signer_did))


def _mirror_op(change: Change, key: str, signer_did: str) -> evm.MirrorOp:
    body = change.body
    assert isinstance(body, TokenTransfer | TokenFreeze | TokenUnfreeze | TokenBurn)
    if isinstance(body, TokenTransfer):
        return evm.MirrorOp.transfer(key, body.token_id, signer_did, body.to)
    if isinstance(body, TokenFreeze):
        return evm.MirrorOp.freeze(key, body.token_id)
    if isinstance(body, TokenUnfreeze):
        return evm.MirrorOp.unfreeze(key, body.token_id)
    return evm.MirrorOp.burn(key, body.token_id)
