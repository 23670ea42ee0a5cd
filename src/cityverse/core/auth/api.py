"""Account API: registration, sign-in, profile, password, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, Response

from cityverse.core.auth import service
from cityverse.core.auth.deps import SESSION_COOKIE, requires
from cityverse.core.auth.policy import PUBLIC, SIGNED_IN, SIGNED_IN_WRITE, Principal, Role
from cityverse.core.auth.schemas import (
    LoginIn,
    NewTokenOut,
    PasswordChangeIn,
    ProfileIn,
    RegisterIn,
    SessionUserOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from cityverse.core.config import Settings
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.ratelimit import RateLimiter

router = make_router("/api/auth", "accounts")

SignedIn = Annotated[Principal, requires(SIGNED_IN)]
SignedInWrite = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Anyone = Annotated[None, requires(PUBLIC)]

login_limiter = RateLimiter("login", limit=30, window_seconds=60)
register_limiter = RateLimiter("register", limit=10, window_seconds=600)


def _client(request: Request) -> tuple[str | None, str | None]:
    return (request.client.host if request.client else None), request.headers.get("user-agent")


def _set_cookie(response: Response, settings: Settings, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=settings.session_ttl_hours * 3600, httponly=True,
        samesite="lax", secure=settings.secure_cookies, path="/",
    )


@router.post("/register", status_code=201, response_model=SessionUserOut)
async def register(
    body: RegisterIn, request: Request, response: Response, db: Db, settings: AppSettings,
    _: Anyone,
) -> SessionUserOut:
    """Create an account (visitor or creator) and sign in."""
    register_limiter.check_request(request)
    user = await service.create_user(
        db, username=body.username, password=body.password, display_name=body.display_name,
        email=body.email, roles=[Role(body.role)],
    )
    ip, agent = _client(request)
    secret = await service.open_session(db, settings, user, ip=ip, user_agent=agent)
    _set_cookie(response, settings, secret)
    return SessionUserOut(user=UserOut.model_validate(user))


@router.post("/login", response_model=SessionUserOut)
async def login(
    body: LoginIn, request: Request, response: Response, db: Db, settings: AppSettings,
    _: Anyone,
) -> SessionUserOut:
    """Sign in with username and password; sets the session cookie."""
    login_limiter.check_request(request)
    ip, agent = _client(request)
    result = await service.sign_in(
        db, settings, body.username, body.password, ip=ip, user_agent=agent
    )
    _set_cookie(response, settings, result.session_secret)
    return SessionUserOut(user=UserOut.model_validate(result.user))


@router.post("/logout", status_code=204)
async def logout(response: Response, db: Db, settings: AppSettings, me: SignedIn) -> None:
    """End this browser session (tokens are revoked separately)."""
    if me.via == "session":
        await service.close_session(db, me.credential_id)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )


@router.get("/me", response_model=UserOut)
async def me(db: Db, me: SignedIn) -> UserOut:
    """The signed-in user."""
    return UserOut.model_validate(await service.get_user(db, me.user_id))


@router.patch("/me", response_model=UserOut)
async def update_me(body: ProfileIn, db: Db, me: SignedInWrite) -> UserOut:
    """Change display name, email, phone or language."""
    changes = body.model_dump(exclude_unset=True)
    if changes.get("display_name") is None:
        changes.pop("display_name", None)
    if changes.get("locale") is None:
        changes.pop("locale", None)
    return UserOut.model_validate(await service.update_profile(db, me, changes))


@router.post("/password", status_code=204)
async def change_password(body: PasswordChangeIn, db: Db, me: SignedInWrite) -> None:
    """Change the password; every other session of the user ends."""
    await service.change_password(db, me, body.current_password, body.new_password)


@router.get("/tokens", response_model=list[TokenOut])
async def list_tokens(db: Db, me: SignedIn) -> list[TokenOut]:
    """The caller's API tokens (never their secrets)."""
    return [TokenOut.model_validate(t) for t in await service.list_tokens(db, me)]


@router.post("/tokens", status_code=201, response_model=NewTokenOut)
async def create_token(body: TokenIn, db: Db, me: SignedInWrite) -> NewTokenOut:
    """Create a bearer token for a program or device; the secret is shown once."""
    token, secret = await service.create_token(db, me, body.name, body.scopes, body.expires_in_days)
    shown = TokenOut.model_validate(token)
    return NewTokenOut(**shown.model_dump(exclude={"scopes"}), scope_list=shown.scopes,
                       token=secret)


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: int, db: Db, me: SignedInWrite) -> None:
    """Revoke one of the caller's tokens."""
    await service.revoke_token(db, me, token_id)
