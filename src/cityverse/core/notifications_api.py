"""The signed-in user's notifications: list, unread count, mark read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from cityverse.core import notifications
from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import SIGNED_IN, SIGNED_IN_WRITE, Principal
from cityverse.core.http import Db, make_router
from cityverse.core.modules import ModuleSpec
from cityverse.core.pagination import PageOut, PageParams, page_params

router = make_router("/api/notifications", "notifications")

Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Paging = Annotated[PageParams, Depends(page_params)]


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(examples=["support.request_resolved"])
    title_zh: str = Field(examples=["您的服务申请已办结"])
    title_en: str = Field(examples=["Your service request was resolved"])
    link: str | None = Field(examples=["/support/requests/3"])
    created_at: datetime
    read_at: datetime | None


class UnreadCountOut(BaseModel):
    unread: int


class MarkedOut(BaseModel):
    marked: int


@router.get("", response_model=PageOut[NotificationOut])
async def list_notifications(
    db: Db, me: Reader, paging: Paging,
    unread_only: bool = Query(False, description="Only notices not yet read."),
) -> PageOut[NotificationOut]:
    """The caller's notifications, newest first."""
    page = await notifications.list_for_user(db, me.user_id, paging, unread_only=unread_only)
    return page.to_out(NotificationOut.model_validate)


@router.get("/unread-count", response_model=UnreadCountOut)
async def unread_count(db: Db, me: Reader) -> UnreadCountOut:
    """How many of the caller's notifications are unread (for the bell)."""
    return UnreadCountOut(unread=await notifications.unread_count(db, me.user_id))


@router.post("/read-all", response_model=MarkedOut)
async def mark_all_read(db: Db, me: Writer) -> MarkedOut:
    """Mark every notification of the caller read."""
    return MarkedOut(marked=await notifications.mark_all_read(db, me.user_id))


@router.post("/{notification_id}/read", response_model=NotificationOut)
async def mark_read(notification_id: int, db: Db, me: Writer) -> NotificationOut:
    """Mark one of the caller's notifications read."""
    notice = await notifications.mark_read(db, me.user_id, notification_id)
    return NotificationOut.model_validate(notice)


SPEC = ModuleSpec(name="notifications", routers=(router,))
