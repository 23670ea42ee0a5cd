"""Administration API: users and roles, and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from cityverse.core import audit
from cityverse.core.auth import service
from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import ADMINS, Principal, Role
from cityverse.core.auth.schemas import AuditOut, UserAdminIn, UserOut
from cityverse.core.http import Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params

router = make_router("/api/admin", "administration")

Admin = Annotated[Principal, requires(ADMINS)]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/users", response_model=PageOut[UserOut])
async def list_users(
    db: Db, _: Admin, paging: Paging,
    q: str | None = Query(None, max_length=64, description="Part of username or display name."),
    role: Role | None = Query(None),
) -> PageOut[UserOut]:
    """All users, searchable and filterable by role."""
    page = await service.list_users(db, paging, q=q, role=role)
    return page.to_out(UserOut.model_validate)


@router.patch("/users/{user_id}", response_model=UserOut)
async def update_user(user_id: int, body: UserAdminIn, db: Db, me: Admin) -> UserOut:
    """Set a user's roles or (de)activate the account; audited."""
    user = await service.admin_update_user(
        db, me, user_id, roles=body.roles, is_active=body.is_active
    )
    return UserOut.model_validate(user)


@router.get("/audit", response_model=PageOut[AuditOut])
async def audit_log(
    db: Db, _: Admin, paging: Paging,
    action: str | None = Query(None, max_length=64, description="Action prefix, e.g. `realname`."),
    actor: str | None = Query(None, max_length=32, description="Username of the actor."),
    target_type: str | None = Query(None, max_length=32),
) -> PageOut[AuditOut]:
    """The audit log, newest first."""
    page = await audit.list_events(db, paging, action=action, actor=actor, target_type=target_type)
    return page.to_out(AuditOut.model_validate)
