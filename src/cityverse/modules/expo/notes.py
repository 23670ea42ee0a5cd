"""Meeting notes: each side's own private text and one shared text both sides edit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.modules.expo import meetings
from cityverse.modules.expo.models import MeetingNote
from cityverse.modules.expo.schemas import NoteOut, NoteSide, Party

# Notes are written once the meeting is agreed, during it and after it.
WRITABLE = ("accepted", "held", "no_show")


def visible_sides(side: Party) -> tuple[NoteSide, NoteSide]:
    return ("shared", side)


async def list_notes(session: AsyncSession, user: Principal, meeting_id: int) -> list[NoteOut]:
    meeting, side = await meetings.get_for(session, user, meeting_id)
    sides = visible_sides(side)
    rows = {n.side: n for n in await session.scalars(
        select(MeetingNote).where(MeetingNote.meeting_id == meeting.id,
                                  MeetingNote.side.in_(sides)))}
    return [_out(s, rows.get(s)) for s in sides]


async def save_note(
    session: AsyncSession, user: Principal, meeting_id: int, side: NoteSide, body: str
) -> NoteOut:
    meeting, my_side = await meetings.get_for(session, user, meeting_id)
    if side not in visible_sides(my_side):
        # The other side's private notes are not there as far as this caller can tell.
        raise AppError(404, "meeting_note_not_found")
    if meeting.status not in WRITABLE:
        raise AppError(409, "meeting_notes_closed", current=meeting.status)
    note = await session.scalar(select(MeetingNote).where(
        MeetingNote.meeting_id == meeting.id, MeetingNote.side == side))
    if note is None:
        note = MeetingNote(meeting_id=meeting.id, side=side)
        session.add(note)
    note.body, note.updated_by, note.updated_at = body, user.user_id, utcnow()
    await session.flush()
    return _out(side, note)


def _out(side: NoteSide, note: MeetingNote | None) -> NoteOut:
    if note is None:
        return NoteOut(side=side, body="", updated_at=None, updated_by=None)
    return NoteOut(side=side, body=note.body, updated_at=note.updated_at,
                   updated_by=note.updated_by)
