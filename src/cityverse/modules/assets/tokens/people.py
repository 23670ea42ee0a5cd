"""Who is who in token answers: users by id in one query, and the real-name rule."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.models import User
from cityverse.core.auth.policy import Principal
from cityverse.core.errors import AppError
from cityverse.modules.assets.tokens.schemas import PersonOut

REALNAME_APPROVED = "approved"


def require_realname(principal: Principal) -> None:
    """Only real-name-verified users create, hold, give or receive collectibles."""
    if principal.realname_status != REALNAME_APPROVED:
        raise AppError(403, "asset_realname_required")


async def people_by_id(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, PersonOut]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(wanted))
    )
    return {row.id: PersonOut(username=row.username, display_name=row.display_name)
            for row in rows}


async def find_recipient(session: AsyncSession, username: str) -> User:
    """A gift's recipient: an active, real-name-verified user."""
    user: User | None = await session.scalar(select(User).where(User.username == username))
    return _usable_recipient(user, username)


async def recipient_by_id(session: AsyncSession, user_id: int, named_as: str) -> User:
    """The same rule for a recipient a signed transaction names by DID (``named_as``)."""
    return _usable_recipient(await session.get(User, user_id), named_as)


def _usable_recipient(user: User | None, named_as: str) -> User:
    if user is None or not user.is_active:
        raise AppError(404, "asset_recipient_not_found", username=named_as)
    if user.realname_status != REALNAME_APPROVED:
        raise AppError(409, "asset_recipient_not_realname", username=named_as)
    return user
