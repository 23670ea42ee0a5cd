"""Real-name verification: a user submits name + resident ID; an officer approves or rejects.

The ID number is kept encrypted (AES-256-GCM), masked for display, and as a keyed digest so the
same person cannot be verified on two accounts.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from cityverse.core import audit
from cityverse.core.auth.id_numbers import IdNumberError, parse_resident_id
from cityverse.core.auth.models import RealNameVerification
from cityverse.core.auth.policy import Principal
from cityverse.core.auth.schemas import VerificationOut
from cityverse.core.auth.service import set_realname_state
from cityverse.core.config import Settings
from cityverse.core.crypto import derive_key, keyed_digest, seal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams

STATUSES = ("pending", "approved", "rejected")


def to_out(v: RealNameVerification) -> VerificationOut:
    return VerificationOut(
        id=v.id, user_id=v.user_id, username=v.user.username, real_name=v.real_name,
        id_number_masked=v.id_masked, birth_date=v.birth_date, gender=v.gender,
        region_code=v.region_code, status=v.status,
        reject_reason=v.reject_reason, submitted_at=v.submitted_at, reviewed_at=v.reviewed_at,
        reviewer=v.reviewer.username if v.reviewer else None,
    )


def _load() -> list[object]:
    return [
        selectinload(RealNameVerification.user),
        selectinload(RealNameVerification.reviewer),
    ]


def _valid_name(name: str) -> bool:
    # Chinese names may contain the middle dot of minority/transliterated names (·).
    return 2 <= len(name) <= 30 and all(c.isalpha() or c in "·• " for c in name)


async def latest(session: AsyncSession, user_id: int) -> RealNameVerification | None:
    return await session.scalar(
        select(RealNameVerification)
        .where(RealNameVerification.user_id == user_id)
        .order_by(RealNameVerification.id.desc())
        .limit(1)
        .options(*_load())  # type: ignore[arg-type]
    )


async def submit(
    session: AsyncSession, settings: Settings, actor: Principal, real_name: str, id_number: str
) -> RealNameVerification:
    fields: list[FieldError] = []
    if not _valid_name(real_name):
        fields.append(FieldError("real_name", "real_name"))
    try:
        resident = parse_resident_id(id_number)
    except IdNumberError as exc:
        fields.append(FieldError("id_number", f"id_{exc.code}"))
    if fields:
        raise AppError(422, "validation_error", fields=fields)
    current = await latest(session, actor.user_id)
    if current is not None and current.status in ("pending", "approved"):
        raise AppError(409, f"realname_{current.status}")
    id_digest = keyed_digest(derive_key(settings.secret_key, "realname-digest"), resident.number)
    taken = await session.scalar(
        select(RealNameVerification.id).where(
            RealNameVerification.id_digest == id_digest,
            RealNameVerification.user_id != actor.user_id,
            RealNameVerification.status.in_(("pending", "approved")),
        )
    )
    if taken:
        raise AppError(409, "id_number_in_use", fields=[FieldError("id_number", "invalid")])
    verification = RealNameVerification(
        user_id=actor.user_id, real_name=real_name, id_digest=id_digest, id_masked=resident.masked,
        id_encrypted=seal(
            derive_key(settings.secret_key, "realname-id"), resident.number,
            str(actor.user_id).encode(),
        ),
        region_code=resident.region_code, birth_date=resident.birth_date, gender=resident.gender,
        status="pending", submitted_at=utcnow(),
    )
    session.add(verification)
    await session.flush()
    await set_realname_state(session, actor.user_id, "pending", None)
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username, action="realname.submit",
        target_type="realname", target_id=verification.id,
        before={"status": current.status if current else "none"},
        after={"status": "pending", "real_name": real_name, "id_number": resident.masked},
    )
    return await _reload(session, verification.id)


async def _reload(session: AsyncSession, verification_id: int) -> RealNameVerification:
    row = await session.scalar(
        select(RealNameVerification)
        .where(RealNameVerification.id == verification_id)
        .options(*_load())  # type: ignore[arg-type]
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise AppError(404, "not_found")
    return row


async def list_requests(
    session: AsyncSession, params: PageParams, status: str | None
) -> Page[RealNameVerification]:
    query = select(RealNameVerification).options(*_load())  # type: ignore[arg-type]
    if status:
        query = query.where(RealNameVerification.status == status)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, RealNameVerification, default="submitted_at",
                     allowed={"submitted_at", "id", "reviewed_at"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def review(
    session: AsyncSession, actor: Principal, verification_id: int, *, approve: bool,
    reason: str | None = None,
) -> RealNameVerification:
    verification = await _reload(session, verification_id)
    if verification.status != "pending":
        raise AppError(409, "not_pending")
    if verification.user_id == actor.user_id:
        raise AppError(403, "forbidden")  # nobody approves their own identity
    verification.status = "approved" if approve else "rejected"
    verification.reject_reason = None if approve else reason
    verification.reviewed_at = utcnow()
    verification.reviewer_id = actor.user_id
    await set_realname_state(
        session, verification.user_id, verification.status,
        verification.real_name if approve else None,
    )
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username,
        action="realname.approve" if approve else "realname.reject",
        target_type="realname", target_id=verification.id,
        before={"status": "pending", "user": verification.user.username},
        after={"status": verification.status, "reason": reason},
    )
    await session.flush()
    return await _reload(session, verification_id)


