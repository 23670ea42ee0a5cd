"""Digital identities for the asset ledger: one active Ed25519 key per real-name-verified user.

Custodial by default: created on first need, the seed sealed under a key-encryption key (KEK)
from settings, so a database dump alone holds no usable key. Advanced users register their own
public key instead and sign in the browser; then the server only prepares and verifies.

Ledger appends and SQLite: a transaction that has written holds the database's write lock, which
the ledger's appender needs. So a new custodial key is made in memory first (``signer_for``),
signs, the entry is appended, and only then is the key's row added (``PreparedSigner.keep``).
An entry whose caller later rolls back stays in the log, signed by a DID nobody holds: it claims
nothing the platform shows, and it cannot be forged into anything else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.crypto import derive_key
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.modules.assets.identity import (
    CustodialKey,
    ExternalKey,
    IdentityError,
    SigningKey,
    Transaction,
    TransactionError,
    build_payload,
    canonicalize,
    open_transaction,
    sign_transaction,
    signing_message,
)
from cityverse.modules.assets.identity.b64url import b64url_decode
from cityverse.modules.assets.keys.models import UserKey
from cityverse.modules.assets.ledger import service as ledger

CUSTODIAL = "custodial"
EXTERNAL = "external"
KEY_PROOF_PREFIX = "cityverse-key-registration-v1\n"
# A browser-signed transaction must reach the server within this window of its issued_at.
FRESHNESS = timedelta(minutes=10)


def platform_kek(settings: Settings, purpose: str) -> bytes:
    """A 32-byte key-encryption key for one purpose, from CITYVERSE_ASSETS_KEK (in dev mode,
    from the secret key when that is empty; settings refuse an empty KEK in production)."""
    return kek_from(settings.assets_kek or settings.secret_key, purpose)


def kek_from(secret: str, purpose: str) -> bytes:
    """The KEK of ``purpose`` derived from a KEK secret (the setting's value)."""
    return derive_key(secret, f"assets-kek:{purpose}")


CUSTODIAL_KEYS_PURPOSE = "custodial-keys"


def custodial_kek(settings: Settings) -> bytes:
    return platform_kek(settings, CUSTODIAL_KEYS_PURPOSE)


def require_realname(principal: Principal) -> None:
    if principal.realname_status != "approved":
        raise AppError(403, "realname_required")


async def active_key(session: AsyncSession, user_id: int) -> UserKey | None:
    found: UserKey | None = await session.scalar(
        select(UserKey)
        .where(UserKey.user_id == user_id, UserKey.retired_at.is_(None))
        .order_by(UserKey.id.desc())
        .limit(1)
    )
    return found


async def key_for_did(session: AsyncSession, did: str) -> UserKey | None:
    found: UserKey | None = await session.scalar(select(UserKey).where(UserKey.did == did))
    return found


def custodial_record(row: UserKey) -> CustodialKey:
    assert row.wrapped_data_key is not None and row.sealed_seed is not None
    return CustodialKey(str(row.user_id), row.did, row.wrapped_data_key, row.sealed_seed)


def _row_of(user_id: int, key: CustodialKey) -> UserKey:
    return UserKey(user_id=user_id, did=key.did, kind=CUSTODIAL, created_at=utcnow(),
                   wrapped_data_key=key.wrapped_data_key, sealed_seed=key.sealed_seed)


@dataclass
class PreparedSigner:
    """A custodial key unlocked for one request; ``new_row`` is set when it was just made."""

    key: SigningKey
    user_id: int
    new_row: UserKey | None

    async def keep(self, session: AsyncSession, actor_name: str | None) -> None:
        """Store a just-made key (after the ledger append: this writes)."""
        if self.new_row is not None:
            await _store_custodial(session, self.new_row, actor_name)
            self.new_row = None


async def _store_custodial(session: AsyncSession, row: UserKey, actor_name: str | None) -> None:
    session.add(row)
    await session.flush()
    await audit.record(session, actor_id=row.user_id, actor_name=actor_name,
                       action="assets.key.create", target_type="asset_key",
                       target_id=row.did, after={"kind": CUSTODIAL})


async def signer_for(
    session: AsyncSession, settings: Settings, user_id: int
) -> PreparedSigner | None:
    """The user's custodial key ready to sign, made in memory if they have none yet; None when
    the user holds an external key (they sign in the browser). Reads only."""
    row = await active_key(session, user_id)
    kek = custodial_kek(settings)
    if row is None:
        record = CustodialKey.generate(str(user_id), kek)
        return PreparedSigner(record.unlock(kek), user_id, _row_of(user_id, record))
    if row.kind != CUSTODIAL:
        return None
    return PreparedSigner(custodial_record(row).unlock(kek), user_id, None)


async def create_custodial(
    session: AsyncSession, settings: Settings, principal: Principal
) -> UserKey:
    require_realname(principal)
    if await active_key(session, principal.user_id) is not None:
        raise AppError(409, "identity_exists")
    record = CustodialKey.generate(str(principal.user_id), custodial_kek(settings))
    row = _row_of(principal.user_id, record)
    await _store_custodial(session, row, principal.username)
    return row


def key_proof_message(username: str, did: str) -> bytes:
    """What a user signs with a private key to show they hold it before registering it."""
    return f"{KEY_PROOF_PREFIX}{username}\n{did}".encode()


async def register_external(
    session: AsyncSession, principal: Principal, public_key_b64: str, proof_b64: str
) -> UserKey:
    """Make the user's own Ed25519 public key their identity; the previous key is retired."""
    require_realname(principal)
    try:
        external = ExternalKey.from_public_key(b64url_decode(public_key_b64))
    except (ValueError, IdentityError):
        raise AppError(422, "bad_public_key",
                       fields=[FieldError("public_key", "invalid")]) from None
    try:
        proof = b64url_decode(proof_b64)
    except ValueError:
        proof = b""
    if not external.verify(key_proof_message(principal.username, external.did), proof):
        raise AppError(422, "bad_key_proof", fields=[FieldError("proof", "invalid")])
    if await key_for_did(session, external.did) is not None:
        raise AppError(409, "key_in_use")
    previous = await active_key(session, principal.user_id)
    now = utcnow()
    if previous is not None:
        previous.retired_at = now
    row = UserKey(user_id=principal.user_id, did=external.did, kind=EXTERNAL, created_at=now)
    session.add(row)
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="assets.key.register_external", target_type="asset_key",
                       target_id=external.did,
                       before=None if previous is None else {"did": previous.did,
                                                             "kind": previous.kind},
                       after={"did": external.did, "kind": EXTERNAL})
    return row


# --- Browser-signed transactions: prepare, then submit ---------------------------------------

@dataclass(frozen=True)
class TransactionHandler:
    """How one transaction type is accepted from a browser signer.

    ``check`` only reads and refuses with an AppError; the entry is then appended to the log;
    ``apply`` writes the platform's rows for it and returns what the client is told.
    """

    check: Callable[[AsyncSession, Settings, Principal, Transaction], Awaitable[None]]
    apply: Callable[
        [AsyncSession, Settings, Principal, Transaction, int], Awaitable[dict[str, Any]]
    ]


HANDLERS: dict[str, TransactionHandler] = {}


def register_handler(type: str, handler: TransactionHandler) -> None:
    """Other parts of the asset platform (works, tokens) declare the types they accept."""
    HANDLERS[type] = handler


async def _external_did(session: AsyncSession, principal: Principal) -> str:
    require_realname(principal)
    row = await active_key(session, principal.user_id)
    if row is None or row.kind != EXTERNAL:
        raise AppError(409, "external_key_required")
    return row.did


def _handler(type: str) -> TransactionHandler:
    handler = HANDLERS.get(type)
    if handler is None:
        raise AppError(422, "transaction_type_not_accepted", type=type,
                       fields=[FieldError("type", "invalid")])
    return handler


async def prepare(
    session: AsyncSession, principal: Principal, type: str, body: dict[str, Any]
) -> tuple[dict[str, Any], bytes]:
    """A payload for the caller's external key to sign, and the exact bytes to sign."""
    did = await _external_did(session, principal)
    _handler(type)
    try:
        payload = build_payload(type, did, body)
    except TransactionError as exc:
        raise AppError(422, "bad_transaction", reason=exc.code) from None
    return payload, signing_message(payload)


async def submit(
    session: AsyncSession, settings: Settings, principal: Principal, payload: dict[str, Any],
    signature_b64: str,
) -> tuple[Transaction, int, dict[str, Any]]:
    """Verify a browser-signed transaction, append it to the log and apply it."""
    did = await _external_did(session, principal)
    try:
        entry = canonicalize({"payload": payload, "sig": signature_b64})
        transaction = open_transaction(entry)
    except (TransactionError, ValueError) as exc:
        reason = getattr(exc, "code", "bad_json")
        raise AppError(422, "bad_transaction", reason=reason) from None
    if transaction.actor != did:
        raise AppError(403, "wrong_actor")
    if abs(datetime.now(UTC) - transaction.issued_at) > FRESHNESS:
        raise AppError(422, "transaction_expired")
    handler = _handler(transaction.type)
    await handler.check(session, settings, principal, transaction)
    log_index = await ledger.append(entry)  # before this request writes anything
    result = await handler.apply(session, settings, principal, transaction, log_index)
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="assets.transaction.submit", target_type="ledger_entry",
                       target_id=log_index, after={"type": transaction.type, "signer": did})
    return transaction, log_index, result


def sign_custodial(payload: dict[str, Any], signer: PreparedSigner) -> bytes:
    """The entry bytes of a payload signed by a custodial key."""
    return sign_transaction(payload, signer.key)
