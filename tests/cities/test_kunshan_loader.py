"""The Kunshan pack loads through the services, twice without duplicates."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from cityverse.cities.kunshan import loader
from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.config import Settings


async def _load(app: FastAPI, settings: Settings) -> dict[str, int]:
    async with app.state.sessionmaker() as session, session.begin():
        return await loader.load(session, settings, lambda *_: None)


async def test_load_is_idempotent(app: FastAPI, settings: Settings,
                                  client: httpx.AsyncClient) -> None:
    first = await _load(app, settings)
    second = await _load(app, settings)
    assert first == second == {"places": 28, "enterprises": 40, "people": 8,
                               "support_services": 12, "support_requests": 96,
                               "taskforce_tasks": 30, "products": 48, "demo_orders": 6,
                               "demo_meetings": 3, "twin_entities": 2464}
    summary = (await client.get("/api/portal/summary")).json()
    # Eight demo people and five staff of demo enterprises who file service requests.
    assert summary == {"users": 13, "verified_users": 3, "enterprises": 40, "places": 28}


async def test_demo_accounts_cover_every_role_and_state(
    app: FastAPI, settings: Settings, client: httpx.AsyncClient
) -> None:
    await _load(app, settings)
    states = {}
    roles: set[str] = set()
    for username in ("admin", "officer", "enterprise", "creator", "visitor",
                     "citizen_li", "citizen_sun"):
        response = await client.post("/api/auth/login",
                                     json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, username
        user = response.json()["user"]
        states[username] = user["realname_status"]
        roles |= set(user["roles"])
    assert roles == {"admin", "officer", "enterprise", "creator", "visitor"}
    assert states["officer"] == "approved" and states["citizen_li"] == "pending"
    assert states["citizen_sun"] == "rejected" and states["visitor"] == "none"
    await client.post("/api/auth/login", json={"username": "enterprise",
                                                "password": DEMO_PASSWORD})
    mine = (await client.get("/api/industry/enterprises/mine")).json()
    assert mine["name"].startswith("示例·")
