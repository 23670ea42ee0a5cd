"""Service requests of the innovation center: who sees what, filing, lists, comments,
attachments, and the figures the dashboard shows. The workflow lives in workflow.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.models import User, UserRole
from cityverse.core.auth.policy import Principal, Role
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.core.storage import BlobStore, check_upload, discard_on_rollback, safe_filename
from cityverse.modules.industry.models import Enterprise, EnterpriseMember
from cityverse.modules.industry.support import messages as _messages  # noqa: F401 - registers
from cityverse.modules.industry.support.models import (
    RequestAttachment,
    RequestComment,
    ServiceRequest,
    SupportService,
)
from cityverse.modules.industry.support.schemas import (
    OPEN_STATUSES,
    PeriodCount,
    PersonOut,
    RequestIn,
    RequestOut,
    SupportStatsOut,
)

OFFICER_ROLES = (Role.OFFICER, Role.ADMIN)


def is_officer(principal: Principal) -> bool:
    return principal.has_role(*OFFICER_ROLES)


async def display_name(session: AsyncSession, user_id: int) -> str:
    # The request already holds the caller's row in the identity map: no query.
    user = await session.get(User, user_id)
    return user.display_name if user else "?"


async def member_enterprise_ids(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(
        select(EnterpriseMember.enterprise_id).where(EnterpriseMember.user_id == user_id)
    )
    return set(rows)


async def enterprise_member_ids(session: AsyncSession, enterprise_id: int) -> list[int]:
    rows = await session.scalars(
        select(EnterpriseMember.user_id).where(EnterpriseMember.enterprise_id == enterprise_id)
    )
    return list(rows)


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    return and_(ServiceRequest.status.in_(OPEN_STATUSES), ServiceRequest.due_at < now)


def is_overdue(request: ServiceRequest, now: datetime | None = None) -> bool:
    return request.status in OPEN_STATUSES and request.due_at < (now or utcnow())


async def visible_request(
    session: AsyncSession, principal: Principal, request_id: int
) -> ServiceRequest:
    """The request, if the caller may see it: officers see all, members their enterprise's.
    Another enterprise's request is answered like a missing one."""
    found = await session.get(ServiceRequest, request_id)
    if found is None:
        raise AppError(404, "not_found")
    if not is_officer(principal) and found.enterprise_id not in await member_enterprise_ids(
        session, principal.user_id
    ):
        raise AppError(404, "not_found")
    return found


async def file_request(
    session: AsyncSession, principal: Principal, data: RequestIn
) -> ServiceRequest:
    enterprises = await member_enterprise_ids(session, principal.user_id)
    if not enterprises:
        raise AppError(403, "support_not_a_member")
    enterprise_id = data.enterprise_id if data.enterprise_id is not None else min(enterprises)
    if enterprise_id not in enterprises:
        raise AppError(403, "support_not_a_member")
    service = await session.get(SupportService, data.service_id)
    if service is None or not service.is_active:
        raise AppError(422, "support_unknown_service")
    now = utcnow()
    request = ServiceRequest(
        service_id=service.id, enterprise_id=enterprise_id, requester_id=principal.user_id,
        title=data.title, description=data.description, status="submitted",
        due_at=now + timedelta(days=service.sla_days), submitted_at=now, updated_at=now,
    )
    session.add(request)
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="support.request.submit", target_type="support_request",
                       target_id=request.id,
                       after={"status": "submitted", "service_id": service.id,
                              "enterprise_id": enterprise_id})
    return request


async def list_requests(
    session: AsyncSession, principal: Principal, params: PageParams, *,
    status: str | None = None, overdue: bool | None = None, assignee_id: int | None = None,
    unassigned: bool = False, enterprise_id: int | None = None, service_id: int | None = None,
    q: str | None = None,
) -> Page[ServiceRequest]:
    query = select(ServiceRequest)
    if not is_officer(principal):
        mine = await member_enterprise_ids(session, principal.user_id)
        query = query.where(ServiceRequest.enterprise_id.in_(mine or {-1}))
    now = utcnow()
    conditions: list[ColumnElement[bool]] = []
    if status:
        conditions.append(ServiceRequest.status == status)
    if overdue is True:
        conditions.append(overdue_clause(now))
    elif overdue is False:
        conditions.append(~overdue_clause(now))
    if assignee_id is not None:
        conditions.append(ServiceRequest.assignee_id == assignee_id)
    if unassigned:
        conditions.append(ServiceRequest.assignee_id.is_(None))
    if enterprise_id is not None:
        conditions.append(ServiceRequest.enterprise_id == enterprise_id)
    if service_id is not None:
        conditions.append(ServiceRequest.service_id == service_id)
    if q:
        conditions.append(func.lower(ServiceRequest.title).like(f"%{q.lower()}%"))
    query = query.where(*conditions)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, ServiceRequest, default="-submitted_at",
        allowed={"id", "submitted_at", "due_at", "updated_at", "status"},
    ))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def describe(session: AsyncSession, rows: Sequence[ServiceRequest]) -> list[RequestOut]:
    """Requests as the API shows them, with names looked up in three queries for any count."""
    service_ids = {r.service_id for r in rows}
    enterprise_ids = {r.enterprise_id for r in rows}
    user_ids = {u for r in rows for u in (r.requester_id, r.assignee_id) if u is not None}
    services = {s.id: s for s in await session.scalars(
        select(SupportService).where(SupportService.id.in_(service_ids or {-1})))}
    enterprises = dict((await session.execute(
        select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(enterprise_ids or {-1}))
    )).tuples().all())
    people = dict((await session.execute(
        select(User.id, User.display_name).where(User.id.in_(user_ids or {-1}))
    )).tuples().all())

    def person(user_id: int | None) -> PersonOut | None:
        return None if user_id is None else PersonOut(id=user_id,
                                                      display_name=people.get(user_id, "?"))

    now = utcnow()
    result = []
    for r in rows:
        service = services[r.service_id]
        result.append(RequestOut(
            id=r.id, service_id=r.service_id, service_name=service.name,
            service_name_en=service.name_en, category=service.category,
            enterprise_id=r.enterprise_id, enterprise_name=enterprises.get(r.enterprise_id, ""),
            requester=person(r.requester_id), assignee=person(r.assignee_id), title=r.title,
            description=r.description, status=r.status,
            reject_reason=r.reject_reason, resolution=r.resolution, due_at=r.due_at,
            overdue=is_overdue(r, now), submitted_at=r.submitted_at, accepted_at=r.accepted_at,
            started_at=r.started_at, resolved_at=r.resolved_at, rejected_at=r.rejected_at,
            rating=r.rating, rating_comment=r.rating_comment, updated_at=r.updated_at,
        ))
    return result


async def list_comments(
    session: AsyncSession, principal: Principal, request_id: int
) -> list[RequestComment]:
    await visible_request(session, principal, request_id)
    rows = await session.scalars(select(RequestComment).where(
        RequestComment.request_id == request_id).order_by(RequestComment.id))
    return list(rows)


async def add_comment(
    session: AsyncSession, principal: Principal, request: ServiceRequest, body: str
) -> RequestComment:
    comment = RequestComment(
        request_id=request.id, author_id=principal.user_id,
        author_name=await display_name(session, principal.user_id),
        from_officer=is_officer(principal), body=body, created_at=utcnow(),
    )
    session.add(comment)
    await session.flush()
    return comment


async def list_attachments(
    session: AsyncSession, principal: Principal, request_id: int
) -> list[RequestAttachment]:
    await visible_request(session, principal, request_id)
    rows = await session.scalars(select(RequestAttachment).where(
        RequestAttachment.request_id == request_id).order_by(RequestAttachment.id))
    return list(rows)


async def add_attachment(
    session: AsyncSession, store: BlobStore, principal: Principal, request: ServiceRequest,
    filename: str | None, data: bytes, max_bytes: int,
) -> RequestAttachment:
    content_type = check_upload(data, max_bytes)
    key = store.put(data)
    discard_on_rollback(session, store, key)
    attachment = RequestAttachment(
        request_id=request.id, uploader_id=principal.user_id,
        uploader_name=await display_name(session, principal.user_id),
        filename=safe_filename(filename), content_type=content_type, size=len(data),
        blob_key=key, created_at=utcnow(),
    )
    session.add(attachment)
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="support.request.attach", target_type="support_request",
                       target_id=request.id,
                       after={"attachment_id": attachment.id, "filename": attachment.filename,
                              "size": attachment.size})
    return attachment


async def get_attachment(
    session: AsyncSession, principal: Principal, attachment_id: int
) -> RequestAttachment:
    found = await session.get(RequestAttachment, attachment_id)
    if found is None:
        raise AppError(404, "not_found")
    await visible_request(session, principal, found.request_id)
    return found


async def officers(session: AsyncSession) -> list[PersonOut]:
    """Who requests can be assigned to: active officers and administrators."""
    rows = await session.execute(
        select(User.id, User.display_name).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_([r.value for r in OFFICER_ROLES]), User.is_active.is_(True))
        .distinct().order_by(User.id)
    )
    return [PersonOut(id=i, display_name=n) for i, n in rows.tuples()]


# ---- figures for the dashboard ----------------------------------------------------------


def _month_key(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def _quarter_key(at: datetime) -> str:
    return f"{at.year:04d}-Q{(at.month - 1) // 3 + 1}"


def _last_months(now: datetime, months: int) -> list[str]:
    keys = []
    year, month = now.year, now.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def _periods(keys: Iterable[str], submitted: dict[str, int],
             resolved: dict[str, int]) -> list[PeriodCount]:
    return [PeriodCount(period=k, submitted=submitted.get(k, 0), resolved=resolved.get(k, 0))
            for k in keys]


async def stats(
    session: AsyncSession, *, now: datetime | None = None, months: int = 12
) -> SupportStatsOut:
    """Requests submitted/resolved per month (the last `months`, zero-filled) and per quarter
    of those months; open, overdue (live), resolved, rejected; mean days to resolve; mean
    satisfaction. Periods are UTC calendar months."""
    now = now or utcnow()
    rows = (await session.execute(select(
        ServiceRequest.status, ServiceRequest.submitted_at, ServiceRequest.resolved_at,
        ServiceRequest.due_at, ServiceRequest.rating,
    ))).tuples().all()
    month_keys = _last_months(now, months)
    window = set(month_keys)
    quarter_keys = sorted({f"{k[:4]}-Q{(int(k[5:]) - 1) // 3 + 1}" for k in month_keys})
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    resolution_days: list[float] = []
    ratings: list[int] = []
    for status, submitted_at, resolved_at, _due, rating in rows:
        for label, at in (("submitted", submitted_at), ("resolved", resolved_at)):
            if at is not None and _month_key(at) in window:
                counts[label][_month_key(at)] += 1
                counts[label + "_q"][_quarter_key(at)] += 1
        if status == "resolved" and resolved_at is not None:
            resolution_days.append((resolved_at - submitted_at).total_seconds() / 86400)
        if rating is not None:
            ratings.append(rating)
    by_status: dict[str, int] = defaultdict(int)
    for row in rows:
        by_status[row[0]] += 1
    return SupportStatsOut(
        by_month=_periods(month_keys, counts["submitted"], counts["resolved"]),
        by_quarter=_periods(quarter_keys, counts["submitted_q"], counts["resolved_q"]),
        total=len(rows),
        open=sum(by_status[s] for s in OPEN_STATUSES),
        overdue=sum(1 for s, _, _, due, _ in rows if s in OPEN_STATUSES and due < now),
        resolved=by_status["resolved"], rejected=by_status["rejected"],
        avg_resolution_days=(round(sum(resolution_days) / len(resolution_days), 1)
                             if resolution_days else None),
        mean_satisfaction=round(sum(ratings) / len(ratings), 2) if ratings else None,
        ratings=len(ratings),
    )



# ---- city packs ---------------------------------------------------------------------------


async def any_requests(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(ServiceRequest.id).limit(1)))


async def count_requests(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ServiceRequest)) or 0


async def add_past_request(
    session: AsyncSession, *, service_id: int, enterprise_id: int, requester_id: int,
    title: str, description: str, submitted_at: datetime, status: str,
    assignee_id: int | None = None, accepted_at: datetime | None = None,
    started_at: datetime | None = None, resolved_at: datetime | None = None,
    rejected_at: datetime | None = None, reject_reason: str | None = None,
    resolution: str | None = None, rating: int | None = None, rating_comment: str | None = None,
    comments: Sequence[tuple[int, str, bool, str, datetime]] = (),
) -> ServiceRequest:
    """A request with its history, as a city pack's demo data shows it (no workflow checks,
    no notifications). Comments are (author id, author name, from officer, body, when)."""
    service = await session.get(SupportService, service_id)
    assert service is not None
    last = max(t for t in (submitted_at, accepted_at, started_at, resolved_at, rejected_at)
               if t is not None)
    request = ServiceRequest(
        service_id=service_id, enterprise_id=enterprise_id, requester_id=requester_id,
        title=title, description=description, status=status, assignee_id=assignee_id,
        due_at=submitted_at + timedelta(days=service.sla_days), submitted_at=submitted_at,
        accepted_at=accepted_at, started_at=started_at, resolved_at=resolved_at,
        rejected_at=rejected_at, reject_reason=reject_reason, resolution=resolution,
        rating=rating, rating_comment=rating_comment,
        rated_at=resolved_at + timedelta(days=1) if rating and resolved_at else None,
        updated_at=last,
    )
    session.add(request)
    await session.flush()
    for author_id, author_name, from_officer, body, at in comments:
        session.add(RequestComment(request_id=request.id, author_id=author_id,
                                   author_name=author_name, from_officer=from_officer,
                                   body=body, created_at=at))
    await session.flush()
    return request
