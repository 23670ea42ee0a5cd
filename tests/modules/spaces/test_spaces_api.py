"""Spaces API: list, scene document, generated models with ETags, settings."""

from __future__ import annotations

import httpx

from cityverse.core.auth.policy import Role
from tests_support import audit_actions

HALL = "cloud-living-room"


async def test_list_spaces_is_public_and_filterable(client: httpx.AsyncClient) -> None:
    page = (await client.get("/api/spaces")).json()
    keys = [s["key"] for s in page["items"]]
    assert keys == ["cloud-living-room", "negotiation-room", "city-tour"]
    hall = page["items"][0]
    assert hall["name_zh"] == "昆山元宇宙云上客厅" and hall["booths"] == 16
    halls = (await client.get("/api/spaces", params={"kind": "hall"})).json()
    assert halls["total"] == 1
    assert (await client.get("/api/spaces", params={"kind": "castle"})).status_code == 422


async def test_scene_document_lists_models(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"/api/spaces/{HALL}")).json()
    assert body["scene"]["key"] == HALL and body["world_url"] == f"/ws/world/{HALL}"
    assert len([k for k in body["models"] if k.startswith("booth.")]) == 16
    assert "avatar" in body["models"]
    missing = await client.get("/api/spaces/no-such-space")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "space_not_found"
    tour = await client.get("/api/spaces/city-tour")
    assert tour.status_code == 404 and tour.json()["error"]["code"] == "space_has_no_scene"


async def test_models_are_glb_with_etag(client: httpx.AsyncClient) -> None:
    models = (await client.get(f"/api/spaces/{HALL}")).json()["models"]
    url = models[next(k for k in models if k.startswith("booth."))]
    first = await client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "model/gltf-binary"
    assert first.content[:4] == b"glTF"
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    unknown = await client.get(f"/api/spaces/{HALL}/models/nothing.glb")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "space_model_not_found"


async def test_settings_default_from_scene_and_admin_changes_them(
    client: httpx.AsyncClient, signed_in, app,
) -> None:
    defaults = (await client.get(f"/api/spaces/{HALL}/settings")).json()
    assert defaults == {"space_key": HALL, "capacity_per_instance": 2000, "allow_guests": True,
                        "guests_can_chat": False, "host_user_ids": []}
    visitor = await signed_in("visitor1", Role.VISITOR)
    body = {"capacity_per_instance": 100, "allow_guests": False, "guests_can_chat": False,
            "host_user_ids": []}
    assert (await visitor.put(f"/api/spaces/{HALL}/settings", json=body)).status_code == 403
    admin = await signed_in("admin1", Role.ADMIN)
    me = (await admin.get("/api/auth/me")).json()
    changed = await admin.put(f"/api/spaces/{HALL}/settings",
                              json={**body, "host_user_ids": [me["id"]]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["host_user_ids"] == [me["id"]]
    assert (await client.get(f"/api/spaces/{HALL}/settings")).json()["capacity_per_instance"] == 100
    bad = await admin.put(f"/api/spaces/{HALL}/settings",
                          json={**body, "host_user_ids": [999_999]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "space_host_not_found"
    too_big = await admin.put(f"/api/spaces/{HALL}/settings",
                              json={**body, "capacity_per_instance": 0})
    assert too_big.status_code == 422
    assert "spaces.settings_updated" in await audit_actions(app)


async def test_chat_history_and_bans_api(client: httpx.AsyncClient, signed_in) -> None:
    page = (await client.get(f"/api/world/{HALL}/chat")).json()
    assert page == {"items": [], "total": 0, "page": 1, "size": 20}
    assert (await client.get(f"/api/world/{HALL}/bans")).status_code == 401
    admin = await signed_in("admin2", Role.ADMIN)
    assert (await admin.get(f"/api/world/{HALL}/bans")).json()["total"] == 0
    lifted = await admin.delete(f"/api/world/{HALL}/bans/12345")
    assert lifted.status_code == 404 and lifted.json()["error"]["code"] == "world_ban_not_found"
