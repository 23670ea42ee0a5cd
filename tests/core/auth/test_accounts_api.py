"""Registration, sign-in, lockout, sessions, profile and password changes through HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from cityverse.core.audit import AuditEvent
from cityverse.core.auth.models import AuthSession, User
from cityverse.core.db import utcnow
from tests_support import PASSWORD, audit_actions

NEW = {"username": "lihua", "password": "Yushan-lake-88", "display_name": "李华"}


async def test_register_signs_in_and_is_audited(client: httpx.AsyncClient, app: FastAPI) -> None:
    response = await client.post("/api/auth/register", json={**NEW, "role": "creator"})
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    assert user["roles"] == ["creator"]
    assert user["realname_status"] == "none"
    cookie = response.headers["set-cookie"]
    assert "cv_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = await client.get("/api/auth/me")
    assert me.json()["username"] == "lihua"
    assert "user.create" in await audit_actions(app)


async def test_register_cannot_choose_a_privileged_role(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/register", json={**NEW, "role": "admin"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "role"


async def test_register_refuses_taken_username_case_insensitively(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/api/auth/register", json=NEW)).status_code == 201
    again = await client.post("/api/auth/register", json={**NEW, "username": "LiHua"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "username_taken"


async def test_password_policy_field_errors_in_both_languages(client: httpx.AsyncClient) -> None:
    cases = {
        "short1": "password_too_short",
        "onlyletterslong": "password_needs_letter_digit",
        "lihua12345678": "password_is_username",
        "password123": "password_common",
    }
    for password, code in cases.items():
        response = await client.post("/api/auth/register", json={**NEW, "password": password})
        assert response.status_code == 422, password
        field = response.json()["error"]["fields"][0]
        assert (field["field"], field["code"]) == ("password", code)
    zh = await client.post("/api/auth/register", json={**NEW, "password": "short1"})
    assert "密码至少需要 10 个字符" in zh.json()["error"]["fields"][0]["message"]
    en = await client.post(
        "/api/auth/register", json={**NEW, "password": "short1"},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    assert en.json()["error"]["fields"][0]["message"] == "The password needs at least 10 characters"


async def test_bad_username_and_email_are_field_errors(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={**NEW, "username": "李 华", "email": "not-mail"}
    )
    assert response.status_code == 422
    codes = {f["field"]: f["code"] for f in response.json()["error"]["fields"]}
    assert codes == {"username": "username_chars", "email": "invalid_email"}


async def test_login_wrong_password_then_lockout(
    client: httpx.AsyncClient, app: FastAPI, make_user
) -> None:
    await make_user("wangwu")
    for _ in range(4):
        wrong = await client.post("/api/auth/login", json={"username": "wangwu", "password": "x"})
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "invalid_credentials"
    locked = await client.post("/api/auth/login", json={"username": "wangwu", "password": "x"})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "account_locked"
    assert int(locked.headers["retry-after"]) == 15 * 60
    # Even the right password is refused while locked.
    right = await client.post(
        "/api/auth/login", json={"username": "wangwu", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert "user.lock" in await audit_actions(app)
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
    ok = await client.post("/api/auth/login", json={"username": "wangwu", "password": PASSWORD})
    assert ok.status_code == 200


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


async def test_logout_ends_the_session(signed_in) -> None:
    caller = await signed_in("zhaoliu")
    assert (await caller.post("/api/auth/logout")).status_code == 204
    response = await caller.get("/api/auth/me")
    assert response.status_code == 401


async def test_expired_and_idle_sessions_are_refused(signed_in, app: FastAPI) -> None:
    caller = await signed_in("sunqi")
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=3))
        )
    response = await caller.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
    # The public portal still works with the stale cookie.
    assert (await caller.get("/api/portal/summary")).status_code == 200


async def test_profile_update(signed_in) -> None:
    caller = await signed_in("qianba")
    response = await caller.patch(
        "/api/auth/me", json={"display_name": "钱八", "phone": "13912345678", "locale": "en"}
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "13912345678"
    bad = await caller.patch("/api/auth/me", json={"phone": "12345"})
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["code"] == "invalid_phone"
    unknown = await caller.patch("/api/auth/me", json={"roles": ["admin"]})
    assert unknown.status_code == 422


async def test_password_change_ends_other_sessions(
    signed_in, app: FastAPI, client: httpx.AsyncClient
) -> None:
    first = await signed_in("zhoujiu")
    second = await client.post("/api/auth/login", json={"username": "zhoujiu",
                                                         "password": PASSWORD})
    assert second.status_code == 200
    wrong = await first.post(
        "/api/auth/password",
        json={"current_password": "nope", "new_password": "Tinglin-park-9"},
    )
    assert wrong.status_code == 400
    changed = await first.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "Tinglin-park-9"},
    )
    assert changed.status_code == 204
    assert (await first.get("/api/auth/me")).status_code == 200
    assert (await client.get("/api/auth/me")).status_code == 401
    old = await client.post("/api/auth/login", json={"username": "zhoujiu",
                                                     "password": PASSWORD})
    assert old.status_code == 401
    async with app.state.sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert "user.password_change" in actions


async def test_api_token_lifecycle(signed_in, app: FastAPI) -> None:
    caller = await signed_in("device_owner")
    created = await caller.post(
        "/api/auth/tokens", json={"name": "网关", "scopes": ["read"], "expires_in_days": 30}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("cvt_") and body["scopes"] == ["read"]
    listed = await caller.get("/api/auth/tokens")
    assert [t["name"] for t in listed.json()] == ["网关"]
    assert "token" not in listed.json()[0]
    headers = {"Authorization": f"Bearer {body['token']}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver", headers=headers) as device:
        assert (await device.get("/api/auth/me")).json()["username"] == "device_owner"
        write = await device.patch("/api/auth/me", json={"display_name": "x"})
        assert write.status_code == 403
        assert write.json()["error"]["code"] == "insufficient_scope"
        assert (await caller.delete(f"/api/auth/tokens/{body['id']}")).status_code == 204
        assert (await device.get("/api/auth/me")).status_code == 401


async def test_token_scopes_beyond_the_users_roles_are_refused(signed_in) -> None:
    caller = await signed_in("plain_visitor")
    response = await caller.post("/api/auth/tokens", json={"name": "x", "scopes": ["admin"]})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["code"] == "invalid_scope"


async def test_revoking_someone_elses_token_is_not_found(signed_in) -> None:
    owner = await signed_in("owner1")
    other = await signed_in("other1")
    token = (await owner.post("/api/auth/tokens", json={"name": "t", "scopes": ["read"]})).json()
    assert (await other.delete(f"/api/auth/tokens/{token['id']}")).status_code == 404


async def test_signing_in_sweeps_the_users_expired_sessions(
    signed_in, app: FastAPI, client: httpx.AsyncClient
) -> None:
    await signed_in("sweeper")
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(AuthSession).values(expires_at=utcnow()))
    await client.post("/api/auth/login", json={"username": "sweeper", "password": PASSWORD})
    async with app.state.sessionmaker() as session:
        remaining = list(await session.scalars(select(AuthSession)))
    assert len(remaining) == 1 and remaining[0].expires_at > utcnow()
