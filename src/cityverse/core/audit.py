"""Audit log: who changed what, when, with the state before and after.

Entries are written in the same transaction as the change they describe, so a rolled-back
change leaves no audit entry and a committed one always has it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.context import client_ip_var, request_id_var
from cityverse.core.db import Base, UtcDateTime, utcnow
from cityverse.core.pagination import Page, PageParams


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(36))
    ip: Mapped[str | None] = mapped_column(String(45))


async def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    actor_name: str | None,
    action: str,
    target_type: str,
    target_id: str | int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=before,
        after=after,
        request_id=request_id_var.get(),
        ip=client_ip_var.get(),
    )
    session.add(event)
    await session.flush()
    return event


async def list_events(
    session: AsyncSession,
    params: PageParams,
    *,
    action: str | None = None,
    actor: str | None = None,
    target_type: str | None = None,
) -> Page[AuditEvent]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if actor:
        query = query.where(AuditEvent.actor_name == actor)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, AuditEvent, default="-at", allowed={"at", "action", "id"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)
