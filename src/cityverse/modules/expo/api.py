"""Negotiation meetings API: request, the exhibitor's inbox and decisions, the private room
and the notes. A meeting is visible only to its visitor and the exhibitor's members; to
anyone else it does not exist (404)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import (
    SIGNED_IN,
    SIGNED_IN_WRITE,
    Principal,
    Role,
    Scope,
    roles_policy,
)
from cityverse.core.db import utcnow
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.expo import booths, meetings, notes, room
from cityverse.modules.expo import messages as _messages  # noqa: F401 - registers messages
from cityverse.modules.expo.models import Meeting
from cityverse.modules.expo.schemas import (
    AcceptIn,
    CancelIn,
    DeclineIn,
    MeetingIn,
    MeetingOut,
    MeetingStatus,
    NoteIn,
    NoteOut,
    NoteSide,
    Party,
    PersonOut,
    RoomOut,
    SlotOut,
    SlotsOut,
)
from cityverse.modules.expo.slots import Hours
from cityverse.modules.industry import service as industry

router = make_router("/api/expo/meetings", "expo")

Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Member = Annotated[Principal, requires(roles_policy(Role.ENTERPRISE))]
MemberReader = Annotated[Principal, requires(roles_policy(Role.ENTERPRISE, scope=Scope.READ))]
Paging = Annotated[PageParams, Depends(page_params)]

request_limiter = RateLimiter("expo_meeting_requests", limit=30, window_seconds=3600)


async def meeting_out(db: Db, hours: Hours, meeting: Meeting, side: Party) -> MeetingOut:
    return (await meeting_outs(db, hours, [(meeting, side)]))[0]


async def meeting_outs(
    db: Db, hours: Hours, rows: list[tuple[Meeting, Party]]
) -> list[MeetingOut]:
    people = {m.visitor_id for m, _ in rows} | {m.host_id for m, _ in rows if m.host_id}
    names = await meetings.names(db, people)
    companies: dict[int, tuple[str, str]] = {}
    for meeting, _ in rows:
        if meeting.enterprise_id not in companies:
            found = await industry.get_enterprise(db, meeting.enterprise_id)
            companies[meeting.enterprise_id] = (found.name, found.name_en or found.name)
    now = utcnow()
    return [MeetingOut(
        id=m.id, enterprise_id=m.enterprise_id, enterprise_name=companies[m.enterprise_id][0],
        enterprise_name_en=companies[m.enterprise_id][1], booth_key=m.booth_key,
        visitor=PersonOut(id=m.visitor_id, name=names.get(m.visitor_id, "")),
        host=PersonOut(id=m.host_id, name=names.get(m.host_id, "")) if m.host_id else None,
        colleague_ids=list(m.colleague_ids), product_ids=list(m.product_ids),
        starts_at=m.starts_at, ends_at=m.ends_at, status=m.status,
        topic=m.topic, message=m.message, decline_reason=m.decline_reason, my_side=side,
        room_opens_at=meetings.room_opens_at(m, hours),
        room_open=meetings.room_open(m, hours, now), created_at=m.created_at,
    ) for m, side in rows]


@router.post("", response_model=MeetingOut, status_code=201)
async def request_meeting(
    body: MeetingIn, db: Db, me: Writer, settings: AppSettings
) -> MeetingOut:
    """Ask an exhibitor for a meeting in a free slot; its members are notified."""
    request_limiter.hit(str(me.user_id))
    hours = Hours.of(settings)
    meeting = await meetings.request(db, hours, me, body)
    return await meeting_out(db, hours, meeting, "visitor")


@router.get("/slots", response_model=SlotsOut)
async def list_slots(
    db: Db, _: Reader, settings: AppSettings,
    enterprise_id: int = Query(ge=1), day: date = Query(alias="date"),
) -> SlotsOut:
    """An exhibitor's slots on a (local) day, and whether each is still free."""
    hours = Hours.of(settings)
    starts = hours.day_slots(day)
    taken = await meetings.taken_starts(db, enterprise_id, starts)
    now = utcnow()
    return SlotsOut(
        enterprise_id=enterprise_id, date=day.isoformat(), timezone=hours.zone.key,
        slot_minutes=hours.slot,
        slots=[SlotOut(starts_at=s, ends_at=s + hours.slot_length(),
                       free=s not in taken and s + hours.slot_length() > now) for s in starts],
    )


@router.get("/mine", response_model=PageOut[MeetingOut])
async def my_meetings(
    db: Db, me: Reader, paging: Paging, settings: AppSettings,
    status: MeetingStatus | None = Query(None),
) -> PageOut[MeetingOut]:
    """The meetings the caller asked for, as a visitor."""
    page = await meetings.list_meetings(db, paging,
                                        meetings.Filter(status=status, visitor_id=me.user_id))
    items = await meeting_outs(db, Hours.of(settings), [(m, "visitor") for m in page.items])
    return PageOut[MeetingOut](items=items, total=page.total, page=page.page, size=page.size)


@router.get("/inbox", response_model=PageOut[MeetingOut])
async def inbox(
    db: Db, me: MemberReader, paging: Paging, settings: AppSettings,
    status: MeetingStatus | None = Query(None),
) -> PageOut[MeetingOut]:
    """Meetings asked of the caller's enterprise."""
    enterprise_id = await booths.member_enterprise(db, me)
    page = await meetings.list_meetings(
        db, paging, meetings.Filter(status=status, enterprise_id=enterprise_id))
    items = await meeting_outs(db, Hours.of(settings), [(m, "enterprise") for m in page.items])
    return PageOut[MeetingOut](items=items, total=page.total, page=page.page, size=page.size)


@router.get("/{meeting_id}", response_model=MeetingOut)
async def get_meeting(meeting_id: int, db: Db, me: Reader, settings: AppSettings) -> MeetingOut:
    meeting, side = await meetings.get_for(db, me, meeting_id)
    return await meeting_out(db, Hours.of(settings), meeting, side)


@router.post("/{meeting_id}/accept", response_model=MeetingOut)
async def accept(
    meeting_id: int, body: AcceptIn, db: Db, me: Member, settings: AppSettings
) -> MeetingOut:
    """Accept, choosing the products for the table and colleagues to bring along."""
    meeting = await meetings.accept(db, me, meeting_id, body)
    return await meeting_out(db, Hours.of(settings), meeting, "enterprise")


@router.post("/{meeting_id}/decline", response_model=MeetingOut)
async def decline(
    meeting_id: int, body: DeclineIn, db: Db, me: Member, settings: AppSettings
) -> MeetingOut:
    meeting = await meetings.decline(db, me, meeting_id, body.reason)
    return await meeting_out(db, Hours.of(settings), meeting, "enterprise")


@router.post("/{meeting_id}/no-show", response_model=MeetingOut)
async def no_show(meeting_id: int, db: Db, me: Member, settings: AppSettings) -> MeetingOut:
    """Record that the visitor never came (once the slot has begun)."""
    meeting = await meetings.mark_no_show(db, me, meeting_id)
    return await meeting_out(db, Hours.of(settings), meeting, "enterprise")


@router.post("/{meeting_id}/cancel", response_model=MeetingOut)
async def cancel(
    meeting_id: int, body: CancelIn, db: Db, me: Writer, settings: AppSettings
) -> MeetingOut:
    """Either side calls the meeting off before its slot ends."""
    meeting = await meetings.cancel(db, me, meeting_id, body.reason)
    side = await meetings.side_of(db, meeting, me.user_id)
    return await meeting_out(db, Hours.of(settings), meeting, side or "visitor")


@router.get("/{meeting_id}/room", response_model=RoomOut)
async def get_room(meeting_id: int, db: Db, me: Reader, settings: AppSettings) -> RoomOut:
    """The private room: its scene with the products on the table, and how to join it."""
    meeting, side = await meetings.get_for(db, me, meeting_id)
    scene, products = await room.scene_and_products(db, settings.city, meeting)
    return RoomOut(
        meeting=await meeting_out(db, Hours.of(settings), meeting, side),
        space_key=room.ROOM_SPACE, instance_hint=room.hint_of(meeting.id),
        world_url=f"/ws/world/{room.ROOM_SPACE}", scene=scene, products=products,
    )


@router.get("/{meeting_id}/notes", response_model=list[NoteOut])
async def list_notes(meeting_id: int, db: Db, me: Reader) -> list[NoteOut]:
    """The shared notes and the caller's side's own notes."""
    return await notes.list_notes(db, me, meeting_id)


@router.put("/{meeting_id}/notes/{side}", response_model=NoteOut)
async def save_note(
    meeting_id: int, side: NoteSide, body: NoteIn, db: Db, me: Writer
) -> NoteOut:
    """Write the shared notes or the caller's side's own notes."""
    return await notes.save_note(db, me, meeting_id, side, body.body)
