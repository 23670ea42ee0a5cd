"""Account rules: registration, sign-in with lockout, sessions, passwords, API tokens, roles.

The caller owns the transaction; nothing here commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import delete, func, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from cityverse.core import audit
from cityverse.core.auth.models import ApiToken, AuthSession, User, UserRole
from cityverse.core.auth.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from cityverse.core.auth.policy import ALL_ROLES, Principal, Role, Scope, scopes_for
from cityverse.core.auth.tokens import TOKEN_PREFIX, digest, new_api_token, new_session_secret
from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams


async def get_user(session: AsyncSession, user_id: int) -> User:
    # session.get answers from the identity map when the request already loaded this user
    # (as authentication does), so the common path costs no query.
    user = await session.get(User, user_id)
    if user is None:
        raise AppError(404, "not_found")
    if "roles" in inspect(user).unloaded:
        await session.refresh(user, attribute_names=["roles"])
    return user


async def find_user(session: AsyncSession, username: str) -> User | None:
    found: User | None = await session.scalar(
        select(User).where(User.username == username).options(selectinload(User.roles))
    )
    return found


def _snapshot(user: User) -> dict[str, object]:
    return {"roles": user.role_names, "is_active": user.is_active}


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    display_name: str,
    roles: list[Role],
    email: str | None = None,
    phone: str | None = None,
    actor: Principal | None = None,
) -> User:
    problems = password_problems(password, username)
    if problems:
        raise AppError(422, "validation_error", fields=problems)
    if await session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AppError(409, "username_taken", fields=[FieldError("username", "invalid")])
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        password_hash=hash_password(password),
        roles=[UserRole(role=str(r)) for r in sorted(set(roles))],
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.user_id if actor else user.id,
        actor_name=actor.username if actor else user.username,
        action="user.create",
        target_type="user",
        target_id=user.id,
        after={"username": username, **_snapshot(user)},
    )
    return user


@dataclass
class SignIn:
    user: User
    session_secret: str


async def sign_in(
    session: AsyncSession,
    settings: Settings,
    username: str,
    password: str,
    *,
    ip: str | None,
    user_agent: str | None,
) -> SignIn:
    """Check the password; lock the account after repeated failures.

    Failure counts must survive the refusal, so refusals raise AppError(commit=True)."""
    now = utcnow()
    user = await find_user(session, username)
    if user is None:
        verify_password(dummy_hash(), password)
        raise AppError(401, "invalid_credentials")
    if user.locked_until and user.locked_until > now:
        minutes = math.ceil((user.locked_until - now).total_seconds() / 60)
        raise _locked(minutes)
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            user.failed_logins = 0
            await audit.record(
                session, actor_id=None, actor_name=None, action="user.lock",
                target_type="user", target_id=user.id,
                after={"locked_until": user.locked_until.isoformat()},
            )
            await session.flush()
            raise _locked(settings.login_lock_minutes)
        await session.flush()
        raise AppError(401, "invalid_credentials", commit=True)
    if not user.is_active:
        raise AppError(403, "account_disabled")
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    secret = await open_session(session, settings, user, ip=ip, user_agent=user_agent)
    return SignIn(user=user, session_secret=secret)


def _locked(minutes: int) -> AppError:
    return AppError(
        429, "account_locked", commit=True, minutes=minutes, retry_after=minutes * 60,
        headers={"Retry-After": str(minutes * 60)},
    )


async def open_session(
    session: AsyncSession, settings: Settings, user: User, *, ip: str | None,
    user_agent: str | None,
) -> str:
    secret = new_session_secret()
    now = utcnow()
    # Old sessions of this user are swept here, so the table never grows without bound.
    idle_cutoff = now - timedelta(minutes=settings.session_idle_minutes)
    await session.execute(
        delete(AuthSession).where(
            AuthSession.user_id == user.id,
            or_(AuthSession.expires_at <= now, AuthSession.last_seen_at <= idle_cutoff),
        )
    )
    session.add(
        AuthSession(
            token_hash=digest(secret), user_id=user.id, created_at=now, last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_ttl_hours),
            ip=ip, user_agent=(user_agent or "")[:256] or None,
        )
    )
    await session.flush()
    return secret


async def close_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(delete(AuthSession).where(AuthSession.id == session_id))


Authenticated = tuple[Principal, User]
Credential = TypeVar("Credential", AuthSession, ApiToken)


async def _credential_and_user(
    session: AsyncSession, model: type[Credential], secret: str
) -> tuple[Credential, User] | None:
    """One query for a credential, its user and the roles: this runs on every signed-in
    request."""
    found = (
        await session.execute(
            select(model, User)
            .join(User, User.id == model.user_id)
            .where(model.token_hash == digest(secret))
            .options(joinedload(User.roles))
        )
    ).unique().first()
    return None if found is None else (found[0], found[1])


async def principal_from_session(
    session: AsyncSession, settings: Settings, secret: str
) -> Authenticated | None:
    found = await _credential_and_user(session, AuthSession, secret)
    now = utcnow()
    if found is None:
        return None
    row, user = found
    idle = timedelta(minutes=settings.session_idle_minutes)
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        await session.delete(row)
        return None
    if not user.is_active:
        return None
    # Touch at most once a minute: a write per request would serialise SQLite.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    roles = frozenset(user.role_names)
    principal = Principal(
        user.id, user.username, roles, scopes_for(roles), "session", row.id, user.realname_status
    )
    return principal, user


async def principal_from_token(session: AsyncSession, token: str) -> Authenticated | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = await _credential_and_user(session, ApiToken, token)
    now = utcnow()
    if found is None:
        return None
    row, user = found
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if not user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    roles = frozenset(user.role_names)
    # A token never holds more than its owner's roles allow, even if roles were reduced later.
    scopes = frozenset(Scope(s) for s in row.scope_list) & scopes_for(roles)
    principal = Principal(
        user.id, user.username, roles, scopes, "token", row.id, user.realname_status
    )
    return principal, user


async def change_password(
    session: AsyncSession, actor: Principal, current: str, new: str
) -> None:
    user = await get_user(session, actor.user_id)
    if not verify_password(user.password_hash, current):
        raise AppError(400, "wrong_password", fields=[FieldError("current_password", "invalid")])
    problems = password_problems(new, user.username, field="new_password")
    if current == new:
        problems.append(FieldError("new_password", "password_reused"))
    if problems:
        raise AppError(422, "validation_error", fields=problems)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    # Every other browser session ends: a changed password must lock out whoever knew the old.
    query = delete(AuthSession).where(AuthSession.user_id == user.id)
    if actor.via == "session":
        query = query.where(AuthSession.id != actor.credential_id)
    await session.execute(query)
    await audit.record(
        session, actor_id=user.id, actor_name=user.username, action="user.password_change",
        target_type="user", target_id=user.id,
    )


async def update_profile(
    session: AsyncSession, actor: Principal, changes: dict[str, object]
) -> User:
    user = await get_user(session, actor.user_id)
    for key, value in changes.items():
        setattr(user, key, value)
    await session.flush()
    return user


async def create_token(
    session: AsyncSession, actor: Principal, name: str, scopes: list[Scope],
    expires_in_days: int | None,
) -> tuple[ApiToken, str]:
    allowed = scopes_for(actor.roles)
    bad = [s for s in scopes if s not in allowed]
    if bad:
        raise AppError(
            422, "validation_error", fields=[FieldError("scopes", "invalid_scope")]
        )
    secret = new_api_token()
    now = utcnow()
    token = ApiToken(
        token_hash=digest(secret), prefix=secret[:12], user_id=actor.user_id, name=name,
        scopes=" ".join(sorted(set(scopes))), created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    await session.flush()
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username, action="token.create",
        target_type="api_token", target_id=token.id,
        after={"name": name, "scopes": token.scope_list},
    )
    return token, secret


async def list_tokens(session: AsyncSession, actor: Principal) -> list[ApiToken]:
    rows = await session.scalars(
        select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id)
    )
    return list(rows)


async def revoke_token(session: AsyncSession, actor: Principal, token_id: int) -> None:
    token = await session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise AppError(404, "not_found")
    await session.delete(token)
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username, action="token.revoke",
        target_type="api_token", target_id=token_id, before={"name": token.name},
    )


async def list_users(
    session: AsyncSession, params: PageParams, *, q: str | None, role: Role | None
) -> Page[User]:
    query = select(User).options(selectinload(User.roles))
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like))
        )
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, User, default="id", allowed={"id", "username", "created_at"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def admin_update_user(
    session: AsyncSession, actor: Principal, user_id: int, *, roles: list[Role] | None,
    is_active: bool | None,
) -> User:
    user = await get_user(session, user_id)
    before = _snapshot(user)
    removes_admin = (roles is not None and Role.ADMIN not in roles) or is_active is False
    if Role.ADMIN in user.role_names and removes_admin and await _admin_count(session) <= 1:
        raise AppError(409, "last_admin")
    if roles is not None:
        wanted = {str(r) for r in roles} & set(ALL_ROLES)
        user.roles = [r for r in user.roles if r.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - set(user.role_names))
        ]
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            await session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    await session.flush()
    after = _snapshot(user)
    if after != before:
        await audit.record(
            session, actor_id=actor.user_id, actor_name=actor.username, action="user.update",
            target_type="user", target_id=user.id, before=before, after=after,
        )
    return user


async def _admin_count(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(UserRole)
        .join(User, User.id == UserRole.user_id)
        .where(UserRole.role == Role.ADMIN, User.is_active.is_(True))
    )
    return count or 0


async def count_users(session: AsyncSession) -> tuple[int, int]:
    total = await session.scalar(select(func.count()).select_from(User)) or 0
    verified = await session.scalar(
        select(func.count()).select_from(User).where(User.realname_status == "approved")
    ) or 0
    return total, verified


async def set_realname_state(
    session: AsyncSession, user_id: int, status: str, name: str | None
) -> None:
    await session.execute(
        update(User).where(User.id == user_id).values(realname_status=status, realname_name=name)
    )
