"""Token actions signed in the owner's browser with their own Ed25519 key.

Same design as a work's registration: the token API *prepares* the exact payload (after every
rule the custodial path checks), the browser signs it with WebCrypto, and the identity API's
``submit`` verifies the signature, calls ``check`` here (reads only), appends the entry to the
log and calls ``apply``, which checks again under the token's lock and writes the rows exactly
as the custodial path does (event, audit, EVM mirror operation).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.errors import AppError
from cityverse.modules.assets.identity import TokenBurn, TokenTransfer, Transaction
from cityverse.modules.assets.keys import service as key_service
from cityverse.modules.assets.tokens import keys, ledgering
from cityverse.modules.assets.tokens.circulation import (
    Change,
    TokenRow,
    check_burn,
    check_gift,
    get_token,
    gift_recipient,
    token_id,
    write_event,
)
from cityverse.modules.assets.tokens.people import recipient_by_id, require_realname

GIFT, BURN = "token.transfer", "token.burn"


async def prepare_gift(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int,
    serial: int, to_username: str,
) -> tuple[dict[str, Any], bytes]:
    """The gift's payload for the owner's own key, and the bytes to sign.

    A recipient without any key gets their custodial key now: the payload names its DID, and
    this request appends nothing, so it may write.
    """
    await _require_own_key(session, actor)
    row = await get_token(session, collection_id, serial)
    check_gift(row.token, actor, settings)
    recipient_id = await gift_recipient(session, actor, to_username)
    to = await keys.party(session, settings, recipient_id)
    await keys.keep_new_keys(session, [to.prepared], actor.username)
    body = TokenTransfer(token_id=token_id(collection_id, serial), to=to.did)
    return await key_service.prepare(session, actor, GIFT, body.model_dump())


async def prepare_burn(
    session: AsyncSession, actor: Principal, collection_id: int, serial: int, reason: str,
) -> tuple[dict[str, Any], bytes]:
    await _require_own_key(session, actor)
    row = await get_token(session, collection_id, serial)
    check_burn(row.token, actor)
    body = TokenBurn(token_id=token_id(collection_id, serial), reason=reason)
    return await key_service.prepare(session, actor, BURN, body.model_dump())


async def _require_own_key(session: AsyncSession, actor: Principal) -> None:
    require_realname(actor)
    row = await key_service.active_key(session, actor.user_id)
    if row is None or row.kind != key_service.EXTERNAL:
        raise AppError(409, "external_key_required")


async def _token_named(session: AsyncSession, named: str) -> TokenRow:
    collection, _, serial = named.partition(".")
    if not (collection.isdigit() and serial.isdigit()):
        raise AppError(404, "not_found")
    return await get_token(session, int(collection), int(serial))


async def _gift(
    session: AsyncSession, settings: Settings, actor: Principal, tx: Transaction
) -> tuple[TokenRow, Change]:
    body = tx.body
    assert isinstance(body, TokenTransfer)
    require_realname(actor)
    row = await _token_named(session, body.token_id)
    check_gift(row.token, actor, settings)
    key = await key_service.key_for_did(session, body.to)
    if key is None or key.retired_at is not None:
        raise AppError(404, "asset_recipient_not_found", username=body.to)
    recipient = await recipient_by_id(session, key.user_id, body.to)
    if recipient.id == actor.user_id:
        raise AppError(409, "asset_gift_to_self")
    return row, Change.gift(body, recipient.id)


async def _burn(
    session: AsyncSession, _settings: Settings, actor: Principal, tx: Transaction
) -> tuple[TokenRow, Change]:
    body = tx.body
    assert isinstance(body, TokenBurn)
    require_realname(actor)
    row = await _token_named(session, body.token_id)
    check_burn(row.token, actor)
    return row, Change.burn(body)


def _handler(plan: Any) -> key_service.TransactionHandler:
    """check = the plan's rules; apply = the rules again under the lock, then the rows."""

    async def check(
        session: AsyncSession, settings: Settings, actor: Principal, tx: Transaction
    ) -> None:
        await plan(session, settings, actor, tx)

    async def apply(
        session: AsyncSession, settings: Settings, actor: Principal, tx: Transaction,
        log_index: int,
    ) -> dict[str, Any]:
        named = tx.body.token_id  # type: ignore[attr-defined]
        async with ledgering.lock_for(f"token:{named}"):
            row, change = await plan(session, settings, actor, tx)
            appended = ledgering.Appended(log_index, hashlib.sha256(tx.entry).hexdigest())
            await write_event(session, settings, actor, row, change, appended, tx.actor,
                              version=row.token.version)
        return {"token_id": named, "collection_id": row.collection.id, "serial": row.token.serial,
                "event": change.kind}

    return key_service.TransactionHandler(check, apply)


key_service.register_handler(GIFT, _handler(_gift))
key_service.register_handler(BURN, _handler(_burn))
