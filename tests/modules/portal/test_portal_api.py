from __future__ import annotations

import httpx

from cityverse.core.auth.policy import Role


async def test_one_card_per_system_with_live_figures(
    client: httpx.AsyncClient, signed_in
) -> None:
    await signed_in("someone", Role.VISITOR)
    systems = (await client.get("/api/portal/systems")).json()
    assert [s["number"] for s in systems] == list(range(1, 16))
    identity = next(s for s in systems if s["key"] == "digital-identity")
    assert (identity["status"], identity["path"]) == ("live", "/account")
    assert {c["key"]: c["value"] for c in identity["counts"]} == {"users": 1,
                                                                  "verified_users": 0}
    traffic = next(s for s in systems if s["key"] == "traffic")
    assert (traffic["status"], traffic["path"]) == ("coming", None)


async def test_meta(client: httpx.AsyncClient) -> None:
    meta = (await client.get("/api/meta")).json()
    assert meta["city"] == {"key": "kunshan", "name_zh": "昆山", "name_en": "Kunshan"}
    assert meta["dev_mode"] is True


async def test_figures_are_cached_briefly(client: httpx.AsyncClient, app, signed_in) -> None:
    # A long TTL for the first part: signing in (Argon2) may take seconds on a busy machine.
    app.state.registry.stats_ttl_seconds = 3600
    before = (await client.get("/api/portal/summary")).json()["users"]
    await signed_in("newcomer", Role.VISITOR)
    assert (await client.get("/api/portal/summary")).json()["users"] == before
    app.state.registry.stats_ttl_seconds = 0
    assert (await client.get("/api/portal/summary")).json()["users"] == before + 1
