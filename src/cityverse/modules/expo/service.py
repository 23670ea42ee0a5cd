"""What other parts of the platform may ask the expo module (through this file only)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.modules.commerce import service as commerce
from cityverse.modules.expo import booths, meetings
from cityverse.modules.expo.models import Meeting
from cityverse.modules.expo.schemas import AcceptIn, BoothIn, MeetingIn
from cityverse.modules.expo.slots import Hours


async def apply_booth_edits(session: AsyncSession, scene: dict[str, Any]) -> dict[str, Any]:
    """A hall's scene document with its exhibitors' own booth edits laid over the pack's."""
    return await booths.apply_to_scene(session, scene)


async def demo_meeting(
    session: AsyncSession, settings: Settings, visitor: Principal, member: Principal,
    enterprise_id: int, days_ahead: int, local_time: str, topic: str, message: str,
    outcome: str, reason: str | None = None,
) -> bool:
    """A demo meeting walked through the real rules (request, then accept or decline);
    False when the visitor already asked this enterprise about this topic."""
    exists = await session.scalar(select(Meeting.id).where(
        Meeting.visitor_id == visitor.user_id, Meeting.enterprise_id == enterprise_id,
        Meeting.topic == topic))
    if exists is not None:
        return False
    hours = Hours.of(settings)
    day = datetime.now(hours.zone).date() + timedelta(days=days_ahead)
    start = datetime.combine(day, time.fromisoformat(local_time), hours.zone)
    meeting = await meetings.request(session, hours, visitor, MeetingIn(
        enterprise_id=enterprise_id, booth_key=None, starts_at=start, topic=topic,
        message=message))
    if outcome == "accepted":
        products = await commerce.enterprise_products(session, enterprise_id)
        await meetings.accept(session, member, meeting.id,
                              AcceptIn(product_ids=[p.id for p in products[:2]]))
    elif outcome == "declined":
        await meetings.decline(session, member, meeting.id, reason or "该时段已有安排")
    return True


async def demo_booth(
    session: AsyncSession, city: str, member: Principal, enterprise_id: int,
    data: dict[str, Any],
) -> None:
    """The demo exhibitor's booth edits, set through the booth editor's own rules."""
    products = await commerce.enterprise_products(session, enterprise_id)
    body = BoothIn.model_validate({**data, "product_ids": [p.id for p in products[:3]]})
    await booths.update_booth(session, city, member, enterprise_id, body)
