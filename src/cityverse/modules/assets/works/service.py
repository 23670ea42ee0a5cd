"""Works and rights confirmation (确权): accept a file, encrypt it, register it on the log.

Order of a registration, chosen for the ledger's rules: everything that can refuse (type, size,
duplicate hash, undecodable image) is checked first and reads only; the encrypted original is
written to the blob folder; the creator's key signs a ``work.register`` transaction, which is
appended to the log *before* this request writes any row (SQLite: the appender needs the write
lock); then the key (if new), the work row referencing its log index and the audit entry are
written in the request's transaction. If that transaction fails, the blob is removed and the
log keeps an entry naming a work id that never appears on the platform: harmless, because a
certificate is only ever issued from a work row.

Users with their own key get their work stored as ``awaiting_signature``; the browser signs the
same ``work.register`` payload and submits it through the identity API (see ``keys.service``).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.models import User
from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.assets.identity import (
    Transaction,
    WorkRegister,
    build_payload,
    signing_message,
)
from cityverse.modules.assets.keys import service as keys
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import (
    Appender,
    LedgerUnavailableError,
    install,
    running_appender,
)
from cityverse.modules.assets.works import preview as previews
from cityverse.modules.assets.works.blobs import BlobError, BlobFolder
from cityverse.modules.assets.works.media import HEAD_SIZE, KINDS, MediaType, sniff
from cityverse.modules.assets.works.models import AWAITING_SIGNATURE, REGISTERED, Work

REGISTER = "work.register"
WORK_SORTS = {"created_at", "registered_at", "title", "size_bytes", "log_index"}


def blob_folder(settings: Settings) -> BlobFolder:
    return BlobFolder(Path(settings.data_dir) / "blobs" / "works")


WORK_ORIGINALS_PURPOSE = "work-originals"


def work_kek(settings: Settings) -> bytes:
    return keys.platform_kek(settings, WORK_ORIGINALS_PURPOSE)


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    title: str
    description: str


def _new_public_id() -> str:
    return "w" + secrets.token_hex(8)


def check_file(data: bytes, settings: Settings) -> MediaType:
    """Refuse empty, oversized and unaccepted files, by their bytes."""
    if len(data) > settings.assets_max_upload_bytes:
        raise AppError(413, "work_too_large", limit=settings.assets_max_upload_bytes)
    media = sniff(data[:HEAD_SIZE]) if data else None
    if media is None:
        raise AppError(422, "unsupported_work_type", fields=[FieldError("file", "invalid")])
    return media


def _preview_of(media: MediaType, data: bytes, sha256_hex: str) -> bytes:
    if media.kind != "image":
        return previews.placeholder_card(media, len(data), sha256_hex)
    try:
        return previews.image_preview(data)
    except previews.PreviewError:
        raise AppError(422, "unreadable_image", fields=[FieldError("file", "invalid")]) from None


async def find_by_hash(session: AsyncSession, sha256_hex: str) -> Work | None:
    found: Work | None = await session.scalar(
        select(Work).where(Work.content_sha256 == sha256_hex))
    return found


def _register_body(work: Work) -> WorkRegister:
    return WorkRegister(work_id=work.public_id, content_sha256=work.content_sha256,
                        media_type=work.media_type, title=work.title)


async def create_work(
    session: AsyncSession, settings: Settings, principal: Principal, upload: Upload
) -> Work:
    """Store and register a creator's work (see the module docstring for the order)."""
    keys.require_realname(principal)
    media = check_file(upload.data, settings)
    # Hashing, decoding and encrypting take milliseconds to seconds of CPU: off the event loop,
    # so other requests (and this one's commit) are not held up behind them.
    sha256_hex = await asyncio.to_thread(lambda: hashlib.sha256(upload.data).hexdigest())
    if await find_by_hash(session, sha256_hex) is not None:
        raise AppError(409, "work_already_registered")
    preview = await asyncio.to_thread(_preview_of, media, upload.data, sha256_hex)
    signer = await keys.signer_for(session, settings, principal.user_id)
    did = signer.key.did if signer else await _external_did(session, principal.user_id)
    work = Work(
        public_id=_new_public_id(), creator_id=principal.user_id, creator_did=did,
        creator_name=await _display_name(session, principal), title=upload.title,
        description=upload.description, media_type=media.mime, kind=media.kind,
        size_bytes=len(upload.data), content_sha256=sha256_hex,
        original_name=upload.filename[:255], preview=preview, status=AWAITING_SIGNATURE,
    )
    folder = blob_folder(settings)
    sealed = await asyncio.to_thread(
        folder.seal, work.public_id, sha256_hex, upload.data, work_kek(settings))
    work.wrapped_data_key = sealed.wrapped_key
    try:
        if signer is not None:
            payload = build_payload(REGISTER, did, _register_body(work))
            entry = keys.sign_custodial(payload, signer)
            _mark_registered(work, await ledger.append(entry), payload["issued_at"])
            await signer.keep(session, principal.username)
        session.add(work)
        await session.flush()
    except IntegrityError:
        folder.delete(work.public_id)
        raise AppError(409, "work_already_registered") from None
    except BaseException:
        folder.delete(work.public_id)
        raise
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="assets.work.upload", target_type="work", target_id=work.public_id,
                       after=_snapshot(work))
    return work


async def _display_name(session: AsyncSession, principal: Principal) -> str:
    user = await session.get(User, principal.user_id)  # cached: authentication loaded it
    return (user.realname_name or user.display_name) if user else principal.username


async def _external_did(session: AsyncSession, user_id: int) -> str:
    row = await keys.active_key(session, user_id)
    assert row is not None  # signer_for returns None only for an existing external key
    return row.did


def _mark_registered(work: Work, log_index: int, issued_at: str | datetime) -> None:
    work.status = REGISTERED
    work.log_index = log_index
    work.registered_at = (issued_at if isinstance(issued_at, datetime)
                          else datetime.fromisoformat(issued_at.replace("Z", "+00:00")))


def _snapshot(work: Work) -> dict[str, object]:
    return {"status": work.status, "content_sha256": work.content_sha256,
            "did": work.creator_did, "log_index": work.log_index}


def register_payload(work: Work) -> tuple[dict[str, object], bytes]:
    """The payload an external key signs to register ``work``, and the bytes to sign."""
    payload = build_payload(REGISTER, work.creator_did, _register_body(work))
    return payload, signing_message(payload)


# --- The browser-signed registration, accepted through the identity API ---------------------

async def _pending_work_of(session: AsyncSession, principal: Principal, tx: Transaction) -> Work:
    body = tx.body
    assert isinstance(body, WorkRegister)
    work = await session.scalar(select(Work).where(Work.public_id == body.work_id))
    if work is None or work.creator_id != principal.user_id:
        raise AppError(404, "work_not_found")
    if work.status != AWAITING_SIGNATURE:
        raise AppError(409, "work_already_registered")
    if body != _register_body(work) or tx.actor != work.creator_did:
        raise AppError(422, "bad_transaction", reason="body_mismatch")
    return work


async def _check_register(
    session: AsyncSession, _settings: Settings, principal: Principal, tx: Transaction
) -> None:
    await _pending_work_of(session, principal, tx)


async def _apply_register(
    session: AsyncSession, _settings: Settings, principal: Principal, tx: Transaction,
    log_index: int,
) -> dict[str, object]:
    work = await _pending_work_of(session, principal, tx)
    _mark_registered(work, log_index, tx.issued_at)
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="assets.work.register", target_type="work",
                       target_id=work.public_id, after=_snapshot(work))
    return {"work_id": work.public_id, "status": work.status}


keys.register_handler(REGISTER, keys.TransactionHandler(_check_register, _apply_register))


# --- Reading works -----------------------------------------------------------------------------

async def get_work(session: AsyncSession, public_id: str, viewer_id: int | None) -> Work:
    """A registered work, or the viewer's own work in any state; 404 for everything else."""
    work = await session.scalar(select(Work).where(Work.public_id == public_id))
    if work is None or (work.status != REGISTERED and work.creator_id != viewer_id):
        raise AppError(404, "work_not_found")
    return work


async def preview_of(session: AsyncSession, public_id: str, viewer_id: int | None) -> bytes:
    work = await get_work(session, public_id, viewer_id)
    data: bytes = await session.scalar(select(Work.preview).where(Work.id == work.id)) or b""
    return data


async def list_works(
    session: AsyncSession, params: PageParams, *, kind: str | None = None,
    q: str | None = None, creator_did: str | None = None, creator_id: int | None = None,
    status: str | None = None,
) -> Page[Work]:
    """Registered works for everyone; with ``creator_id`` a creator's own, in any state."""
    query = select(Work)
    if creator_id is None:
        query = query.where(Work.status == REGISTERED)
    else:
        query = query.where(Work.creator_id == creator_id)
        if status:
            query = query.where(Work.status == status)
    if kind:
        if kind not in KINDS:
            raise AppError(422, "validation_error", fields=[
                FieldError("kind", "invalid_choice", {"choices": ", ".join(KINDS)})])
        query = query.where(Work.kind == kind)
    if q:
        query = query.where(Work.title.contains(q, autoescape=True))
    if creator_did:
        query = query.where(Work.creator_did == creator_did)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, Work, default="-created_at", allowed=WORK_SORTS))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


# Who may download a work's original. The creator always may; the token module adds a rule
# for the current owner of a token of the work (``register_download_rule``).
DownloadRule = Callable[[AsyncSession, Work, int], Awaitable[bool]]
DOWNLOAD_RULES: list[DownloadRule] = []


def register_download_rule(rule: DownloadRule) -> None:
    DOWNLOAD_RULES.append(rule)


async def can_download(session: AsyncSession, work_id: str, user_id: int) -> bool:
    """Whether ``user_id`` may download the decrypted original of work ``work_id`` (public id)."""
    work = await session.scalar(select(Work).where(Work.public_id == work_id))
    if work is None:
        return False
    if work.creator_id == user_id:
        return True
    for rule in DOWNLOAD_RULES:
        if await rule(session, work, user_id):
            return True
    return False


async def original_of(
    session: AsyncSession, settings: Settings, public_id: str, principal: Principal
) -> tuple[Work, bytes]:
    """The decrypted original, checked against its registered hash before it is served."""
    work = await get_work(session, public_id, principal.user_id)
    if not await can_download(session, public_id, principal.user_id):
        raise AppError(403, "download_not_allowed")
    try:
        data = await asyncio.to_thread(blob_folder(settings).open, work.public_id,
                                       work.content_sha256, work.wrapped_data_key,
                                       work_kek(settings))
    except BlobError:
        raise AppError(409, "original_unavailable") from None
    if hashlib.sha256(data).hexdigest() != work.content_sha256:
        raise AppError(409, "original_unavailable")
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="assets.work.download", target_type="work",
                       target_id=work.public_id)
    return work, data


async def stats(session: AsyncSession) -> dict[str, int]:
    registered = await session.scalar(
        select(func.count()).select_from(Work).where(Work.status == REGISTERED))
    return {"works_registered": registered or 0}


@asynccontextmanager
async def ledger_writer(settings: Settings) -> AsyncIterator[None]:
    """The ledger's writer for a command outside the server (`cityverse demo`); inside the
    server (which runs one from start-up) that one is used. Entries still waiting get a last
    checkpoint on the way out."""
    try:
        running_appender()
    except LedgerUnavailableError:
        pass
    else:
        yield
        return
    appender = Appender(settings)
    await appender.start()
    install(appender)
    try:
        yield
    finally:
        install(None)
        await appender.stop()
