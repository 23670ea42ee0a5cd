"""Administration: users and roles, deactivation, the last-admin rule, the audit log."""

from __future__ import annotations

from cityverse.core.auth.policy import Role


async def test_list_filter_and_change_roles(signed_in) -> None:
    admin = await signed_in("root", Role.ADMIN)
    await signed_in("maker", Role.CREATOR)
    creators = (await admin.get("/api/admin/users?role=creator")).json()
    assert [u["username"] for u in creators["items"]] == ["maker"]
    found = (await admin.get("/api/admin/users?q=MAK")).json()
    user_id = found["items"][0]["id"]
    changed = await admin.patch(f"/api/admin/users/{user_id}",
                                json={"roles": ["creator", "enterprise"]})
    assert changed.json()["roles"] == ["creator", "enterprise"]
    audit = (await admin.get("/api/admin/audit?action=user.update")).json()
    entry = audit["items"][0]
    assert entry["before"]["roles"] == ["creator"]
    assert entry["after"]["roles"] == ["creator", "enterprise"]
    assert entry["actor_name"] == "root" and entry["request_id"]


async def test_unknown_role_is_refused(signed_in) -> None:
    admin = await signed_in("root", Role.ADMIN)
    users = (await admin.get("/api/admin/users")).json()
    response = await admin.patch(f"/api/admin/users/{users['items'][0]['id']}",
                                 json={"roles": ["king"]})
    assert response.status_code == 422


async def test_deactivation_ends_sessions(signed_in) -> None:
    admin = await signed_in("root", Role.ADMIN)
    victim = await signed_in("victim", Role.VISITOR)
    victim_id = (await victim.get("/api/auth/me")).json()["id"]
    response = await admin.patch(f"/api/admin/users/{victim_id}", json={"is_active": False})
    assert response.json()["is_active"] is False
    assert (await victim.get("/api/auth/me")).status_code == 401


async def test_last_admin_cannot_be_removed(signed_in) -> None:
    admin = await signed_in("root", Role.ADMIN)
    my_id = (await admin.get("/api/auth/me")).json()["id"]
    response = await admin.patch(f"/api/admin/users/{my_id}", json={"roles": ["visitor"]})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "last_admin")
    await signed_in("root2", Role.ADMIN)
    ok = await admin.patch(f"/api/admin/users/{my_id}", json={"roles": ["visitor"]})
    assert ok.status_code == 200


async def test_missing_user_is_404(signed_in) -> None:
    admin = await signed_in("root", Role.ADMIN)
    response = await admin.patch("/api/admin/users/98765", json={"is_active": True})
    assert response.status_code == 404
