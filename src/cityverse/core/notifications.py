"""Notifications in the portal: short, bilingual messages to one user, with a link to act on.

Any module tells a user something with `notify(...)` inside its own transaction, so a change
that rolls back leaves no notice of itself behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(48))  # e.g. support.request_resolved
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(240))
    link: Mapped[str | None] = mapped_column(String(300))  # a web path, e.g. /support/requests/3
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


async def notify(
    session: AsyncSession, user_id: int, kind: str, title_zh: str, title_en: str,
    link: str | None = None,
) -> Notification:
    notice = Notification(user_id=user_id, kind=kind, title_zh=title_zh[:200],
                          title_en=title_en[:240], link=link, created_at=utcnow())
    session.add(notice)
    await session.flush()
    return notice


async def notify_all(
    session: AsyncSession, user_ids: Iterable[int], kind: str, title_zh: str, title_en: str,
    link: str | None = None,
) -> int:
    """One notice to each user, each user once."""
    recipients = sorted(set(user_ids))
    for user_id in recipients:
        await notify(session, user_id, kind, title_zh, title_en, link)
    return len(recipients)


async def list_for_user(
    session: AsyncSession, user_id: int, params: PageParams, *, unread_only: bool = False
) -> Page[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, Notification, default="-created_at", allowed={"created_at", "id"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def unread_count(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return count or 0


async def mark_read(session: AsyncSession, user_id: int, notification_id: int) -> Notification:
    """Another user's notice is answered like a missing one: its existence is not theirs."""
    notice = await session.get(Notification, notification_id)
    if notice is None or notice.user_id != user_id:
        raise AppError(404, "not_found")
    if notice.read_at is None:
        notice.read_at = utcnow()
        await session.flush()
    return notice


async def mark_all_read(session: AsyncSession, user_id: int) -> int:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
