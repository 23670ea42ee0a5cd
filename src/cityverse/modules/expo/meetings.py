"""Negotiation meetings: a visitor asks an exhibitor for a slot, the exhibitor's members accept
or decline, both meet in a private room at the time, and the meeting ends held, cancelled or
no-show. Every state change is audited and both sides are notified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit, notifications
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.commerce import service as commerce
from cityverse.modules.expo.models import Meeting
from cityverse.modules.expo.schemas import AcceptIn, MeetingIn, Party
from cityverse.modules.expo.slots import Hours
from cityverse.modules.industry import service as industry

HOLDING = ("requested", "accepted")
# Which states each action may start from.
MOVES: dict[str, tuple[str, ...]] = {
    "accept": ("requested",), "decline": ("requested",), "cancel": ("requested", "accepted"),
    "no_show": ("accepted",), "held": ("accepted",),
}
SORTS = {"starts_at", "created_at", "id"}


@dataclass(frozen=True)
class Filter:
    status: str | None = None
    enterprise_id: int | None = None
    visitor_id: int | None = None


def link(meeting_id: int) -> str:
    return f"/expo-meet/meetings/{meeting_id}"


async def request(
    session: AsyncSession, hours: Hours, visitor: Principal, data: MeetingIn
) -> Meeting:
    enterprise = await industry.get_enterprise(session, data.enterprise_id)
    if await industry.is_member(session, enterprise.id, visitor.user_id):
        raise AppError(422, "meeting_with_own_enterprise")
    start = hours.check_start(data.starts_at, utcnow())
    meeting = Meeting(
        enterprise_id=enterprise.id, visitor_id=visitor.user_id, booth_key=data.booth_key,
        starts_at=start, ends_at=start + hours.slot_length(), status="requested",
        topic=data.topic.strip(), message=data.message.strip(), colleague_ids=[],
        product_ids=[], created_at=utcnow(), updated_at=utcnow(),
    )
    session.add(meeting)
    try:
        # Two requests for one slot meet at the partial unique index; the loser is refused.
        # (No savepoint: SQLite's driver would commit the outer transaction on its release.)
        await session.flush()
    except IntegrityError as exc:
        raise AppError(409, "meeting_slot_taken") from exc
    await _audit(session, visitor, meeting, "expo.meeting.requested", None)
    await notifications.notify_all(
        session, await industry.member_ids(session, enterprise.id), "expo.meeting_requested",
        f"新的洽谈预约：{meeting.topic}", f"New meeting request: {meeting.topic}",
        link(meeting.id))
    return meeting


async def get_for(session: AsyncSession, user: Principal, meeting_id: int) -> tuple[Meeting, Party]:
    """The meeting and the caller's side; someone of neither side is told it does not exist."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise AppError(404, "meeting_not_found")
    side = await side_of(session, meeting, user.user_id)
    if side is None:
        raise AppError(404, "meeting_not_found")
    return meeting, side


async def side_of(session: AsyncSession, meeting: Meeting, user_id: int) -> Party | None:
    if meeting.visitor_id == user_id:
        return "visitor"
    if await industry.is_member(session, meeting.enterprise_id, user_id):
        return "enterprise"
    return None


async def list_meetings(
    session: AsyncSession, paging: PageParams, where: Filter
) -> Page[Meeting]:
    query = select(Meeting)
    if where.status:
        query = query.where(Meeting.status == where.status)
    if where.enterprise_id is not None:
        query = query.where(Meeting.enterprise_id == where.enterprise_id)
    if where.visitor_id is not None:
        query = query.where(Meeting.visitor_id == where.visitor_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(paging.apply(query, Meeting, default="starts_at",
                                              allowed=SORTS))
    return Page(list(rows), total or 0, paging.page, paging.size)


async def accept(
    session: AsyncSession, member: Principal, meeting_id: int, data: AcceptIn
) -> Meeting:
    meeting = await _enterprise_side(session, member, meeting_id)
    _check_move(meeting, "accept")
    products = await commerce.enterprise_products(session, meeting.enterprise_id,
                                                  list(dict.fromkeys(data.product_ids)))
    if len(products) != len(set(data.product_ids)):
        raise AppError(422, "meeting_product_not_yours")
    colleagues = sorted(set(data.colleague_ids) - {member.user_id})
    for colleague in colleagues:
        if not await industry.is_member(session, meeting.enterprise_id, colleague):
            raise AppError(422, "meeting_colleague_not_member", user_id=colleague)
    before = _state(meeting)
    meeting.status, meeting.host_id = "accepted", member.user_id
    meeting.product_ids, meeting.colleague_ids = [p.id for p in products], colleagues
    await _changed(session, member, meeting, "expo.meeting.accepted", before)
    title = meeting.topic
    await notifications.notify_all(
        session, [meeting.visitor_id, *colleagues], "expo.meeting_accepted",
        f"洽谈预约已确认：{title}", f"Meeting confirmed: {title}", link(meeting.id))
    return meeting


async def decline(
    session: AsyncSession, member: Principal, meeting_id: int, reason: str
) -> Meeting:
    meeting = await _enterprise_side(session, member, meeting_id)
    _check_move(meeting, "decline")
    before = _state(meeting)
    meeting.status, meeting.decline_reason = "declined", reason.strip()
    await _changed(session, member, meeting, "expo.meeting.declined", before)
    await notifications.notify(
        session, meeting.visitor_id, "expo.meeting_declined",
        f"洽谈预约未被接受：{reason}", f"Meeting declined: {reason}", link(meeting.id))
    return meeting


async def cancel(
    session: AsyncSession, user: Principal, meeting_id: int, reason: str | None
) -> Meeting:
    meeting, side = await get_for(session, user, meeting_id)
    _check_move(meeting, "cancel")
    if meeting.ends_at <= utcnow():
        raise AppError(409, "meeting_already_over")
    before = _state(meeting)
    meeting.status = "cancelled"
    meeting.decline_reason = (reason or "").strip() or None
    await _changed(session, user, meeting, "expo.meeting.cancelled", before)
    others = [meeting.visitor_id] if side == "enterprise" else \
        await industry.member_ids(session, meeting.enterprise_id)
    await notifications.notify_all(
        session, others, "expo.meeting_cancelled", f"洽谈已取消：{meeting.topic}",
        f"Meeting cancelled: {meeting.topic}", link(meeting.id))
    return meeting


async def mark_no_show(session: AsyncSession, member: Principal, meeting_id: int) -> Meeting:
    """The exhibitor records that the visitor never came; only after the slot has begun."""
    meeting = await _enterprise_side(session, member, meeting_id)
    _check_move(meeting, "no_show")
    if meeting.starts_at > utcnow():
        raise AppError(409, "meeting_not_started")
    if meeting.visitor_entered_at is not None:
        raise AppError(409, "meeting_visitor_came")
    before = _state(meeting)
    meeting.status = "no_show"
    await _changed(session, member, meeting, "expo.meeting.no_show", before)
    await notifications.notify(
        session, meeting.visitor_id, "expo.meeting_no_show", f"您错过了洽谈：{meeting.topic}",
        f"You missed the meeting: {meeting.topic}", link(meeting.id))
    return meeting


def room_opens_at(meeting: Meeting, hours: Hours) -> datetime:
    return meeting.starts_at - timedelta(minutes=hours.entry)


def room_open(meeting: Meeting, hours: Hours, now: datetime) -> bool:
    return meeting.status in ("accepted", "held") and \
        room_opens_at(meeting, hours) <= now < meeting.ends_at


def invited(meeting: Meeting) -> set[int]:
    """Who may enter the room: the visitor, the member who accepted, invited colleagues."""
    people = {meeting.visitor_id, *meeting.colleague_ids}
    if meeting.host_id is not None:
        people.add(meeting.host_id)
    return people


async def enter(
    session: AsyncSession, hours: Hours, meeting_id: int, user_id: int
) -> bool:
    """Whether the person may enter the meeting's room now; the first entry of both parties
    makes the meeting held."""
    meeting = await session.get(Meeting, meeting_id)
    now = utcnow()
    if meeting is None or user_id not in invited(meeting) or not room_open(meeting, hours, now):
        return False
    before = _state(meeting)
    if user_id == meeting.visitor_id:
        meeting.visitor_entered_at = meeting.visitor_entered_at or now
    else:
        meeting.host_entered_at = meeting.host_entered_at or now
    if meeting.status == "accepted" and meeting.visitor_entered_at and meeting.host_entered_at:
        meeting.status = "held"
        await audit.record(session, actor_id=user_id, actor_name=None,
                           action="expo.meeting.held", target_type="expo_meeting",
                           target_id=meeting.id, before=before, after=_state(meeting))
    meeting.updated_at = now
    await session.flush()
    return True


async def names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for user_id in sorted(user_ids):
        try:
            user = await accounts.get_user(session, user_id)
        except AppError:
            continue
        found[user_id] = user.display_name or user.username
    return found


async def products_of(session: AsyncSession, meeting: Meeting) -> list[commerce.ProductCard]:
    return await commerce.enterprise_products(session, meeting.enterprise_id,
                                              list(meeting.product_ids))


async def _enterprise_side(session: AsyncSession, member: Principal, meeting_id: int) -> Meeting:
    """Only the exhibitor's members act for it; anyone else meets a 404."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or not await industry.is_member(session, meeting.enterprise_id,
                                                        member.user_id):
        raise AppError(404, "meeting_not_found")
    return meeting


def _check_move(meeting: Meeting, move: str) -> None:
    if meeting.status not in MOVES[move]:
        raise AppError(409, "meeting_illegal_transition", current=meeting.status, target=move)


def _state(meeting: Meeting) -> dict[str, object]:
    return {"status": meeting.status, "starts_at": meeting.starts_at.isoformat(),
            "host_id": meeting.host_id, "product_ids": list(meeting.product_ids),
            "colleague_ids": list(meeting.colleague_ids), "reason": meeting.decline_reason}


async def _changed(
    session: AsyncSession, actor: Principal, meeting: Meeting, action: str,
    before: dict[str, object],
) -> None:
    meeting.updated_at = utcnow()
    await session.flush()
    await _audit(session, actor, meeting, action, before)


async def _audit(
    session: AsyncSession, actor: Principal, meeting: Meeting, action: str,
    before: dict[str, object] | None,
) -> None:
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action=action, target_type="expo_meeting", target_id=meeting.id,
                       before=before, after=_state(meeting))


async def taken_starts(
    session: AsyncSession, enterprise_id: int, starts: list[datetime]
) -> set[datetime]:
    if not starts:
        return set()
    rows = await session.scalars(select(Meeting.starts_at).where(
        Meeting.enterprise_id == enterprise_id, Meeting.status.in_(HOLDING),
        Meeting.starts_at >= starts[0], Meeting.starts_at <= starts[-1]))
    return set(rows)
