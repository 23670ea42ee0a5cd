"""Shared set-up for the innovation-center tests: two enterprises, their members, officers,
and a catalog service."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from cityverse.core.auth.policy import Role
from cityverse.modules.industry import service as industry

BASE = {"segment": "hardware", "sub_segment": "optics", "town_key": "yushan-town",
        "description": "", "description_en": "", "name_en": None, "founded_year": 2018,
        "employees": 50, "is_demo": True}

# Smallest files of each accepted kind, recognised by their first bytes.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class World:
    alpha: httpx.AsyncClient  # member of enterprise A (files requests)
    alpha2: httpx.AsyncClient  # second member of enterprise A
    beta: httpx.AsyncClient  # member of enterprise B
    officer: httpx.AsyncClient
    officer_id: int
    alpha_id: int
    alpha2_id: int
    enterprise_a: int
    enterprise_b: int
    service_id: int


async def user_id(client: httpx.AsyncClient) -> int:
    me = await client.get("/api/auth/me")
    return int(me.json()["id"])


async def make_world(app: FastAPI, signed_in) -> World:
    alpha = await signed_in("alpha", Role.ENTERPRISE)
    alpha2 = await signed_in("alpha2", Role.ENTERPRISE)
    beta = await signed_in("beta", Role.ENTERPRISE)
    officer = await signed_in("officer1", Role.OFFICER)
    ids = {name: await user_id(c) for name, c in
           (("alpha", alpha), ("alpha2", alpha2), ("beta", beta), ("officer", officer))}
    async with app.state.sessionmaker() as session, session.begin():
        a = await industry.upsert_enterprise(session, {**BASE, "key": "a", "name": "示例·甲",
                                                       "uscc": "91320583DEMKN00012"})
        b = await industry.upsert_enterprise(session, {**BASE, "key": "b", "name": "示例·乙",
                                                       "uscc": "91320583DEMKN00025"})
        await industry.add_member(session, a.id, ids["alpha"])
        await industry.add_member(session, a.id, ids["alpha2"])
        await industry.add_member(session, b.id, ids["beta"])
        enterprise_a, enterprise_b = a.id, b.id
    created = await officer.post("/api/industry/support/services", json={
        "category": "finance", "name": "科技贷款对接", "name_en": "Tech loans", "sla_days": 10,
        "providers": [{"name": "示例·昆山农商行科技支行", "contact": "0512-0000"}],
    })
    assert created.status_code == 201, created.text
    return World(alpha, alpha2, beta, officer, ids["officer"], ids["alpha"], ids["alpha2"],
                 enterprise_a, enterprise_b, created.json()["id"])


async def file_request(world: World, title: str = "申请科技贷款") -> dict[str, object]:
    response = await world.alpha.post("/api/industry/support/requests", json={
        "service_id": world.service_id, "title": title, "description": "需要 500 万流动资金",
    })
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body
