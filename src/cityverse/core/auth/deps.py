"""Authentication of a request (session cookie or bearer token) and the `requires` check."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, WebSocket
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from cityverse.core.auth import service
from cityverse.core.auth.policy import Policy, Principal
from cityverse.core.errors import AppError
from cityverse.core.http import AppSettings, Db

SESSION_COOKIE = "cv_session"

# Declared as security schemes so the OpenAPI document shows both ways to authenticate.
_cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False)
_bearer_scheme = HTTPBearer(auto_error=False)


async def websocket_principal(websocket: WebSocket) -> service.Authenticated | None:
    """Who opened a WebSocket: the bearer token or session cookie the HTTP API accepts
    (browsers cannot add headers to a WebSocket, so they send the cookie)."""
    header = websocket.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    cookie = websocket.cookies.get(SESSION_COOKIE, "")
    if not token and not cookie:
        return None
    app = websocket.app
    async with app.state.sessionmaker() as session, session.begin():
        if token:
            return await service.principal_from_token(session, token)
        return await service.principal_from_session(session, app.state.settings, cookie)


async def optional_principal(
    request: Request,
    db: Db,
    settings: AppSettings,
    cookie: str | None = Depends(_cookie_scheme),
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer_scheme),
) -> Principal | None:
    found: service.Authenticated | None = None
    # A stale credential does not fail public routes; protected ones say why they refuse.
    if bearer is not None:
        found = await service.principal_from_token(db, bearer.credentials)
        request.state.auth_refusal = None if found else "not_authenticated"
    elif cookie:
        found = await service.principal_from_session(db, settings, cookie)
        request.state.auth_refusal = None if found else "session_expired"
    principal, user = found if found else (None, None)
    # The session's identity map holds objects weakly; this reference keeps the caller's row
    # (and its roles) there, so services asking for the caller again need no query.
    request.state.user = user
    return principal


def requires(policy: Policy) -> Any:
    """The one way a route declares who may call it; the authz test reads `policy` back."""
    if policy.public:
        # Public routes never look the caller up: browsers send the session cookie with every
        # request, and the portal's hottest pages should not pay a database query for it.
        async def anyone() -> None:
            return None

        anyone.policy = policy  # type: ignore[attr-defined]
        return Depends(anyone)

    async def check(
        request: Request, principal: Principal | None = Depends(optional_principal)
    ) -> Principal | None:
        if principal is None:
            code = getattr(request.state, "auth_refusal", None) or "not_authenticated"
            raise AppError(401, code, headers={"WWW-Authenticate": "Bearer"})
        allowed, code = principal.allowed(policy)
        if not allowed:
            raise AppError(403, code, scope=str(policy.scope))
        return principal

    check.policy = policy  # type: ignore[attr-defined]
    return Depends(check)


def policy_of(dependency: Any) -> Policy | None:
    found = getattr(dependency, "policy", None)
    return found if isinstance(found, Policy) else None
