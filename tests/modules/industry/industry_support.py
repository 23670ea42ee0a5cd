"""Shared set-up of the industry registry tests: two enterprises, a member of each, an officer."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.modules.industry import service

BASE = {"segment": "hardware", "sub_segment": "optics", "town_key": "yushan-town",
        "description": "光学", "description_en": "Optics", "name_en": None,
        "founded_year": 2018, "employees": 50, "is_demo": True}


@dataclass
class World:
    ent_a: int
    ent_b: int
    member_a: httpx.AsyncClient
    member_b: httpx.AsyncClient
    officer: httpx.AsyncClient


async def build_world(app: FastAPI, signed_in) -> World:  # type: ignore[no-untyped-def]
    member_a = await signed_in("member_a", Role.ENTERPRISE)
    member_b = await signed_in("member_b", Role.ENTERPRISE)
    officer = await signed_in("officer_w", Role.OFFICER)
    async with app.state.sessionmaker() as session, session.begin():
        a = await service.upsert_enterprise(session, {**BASE, "key": "a", "name": "示例·甲光学",
                                                      "uscc": "91320583DEMKN00012"})
        b = await service.upsert_enterprise(session, {**BASE, "key": "b", "name": "示例·乙软件",
                                                      "segment": "software",
                                                      "sub_segment": "engines",
                                                      "uscc": "91320583DEMKN00025"})
        for username, enterprise in (("member_a", a.id), ("member_b", b.id)):
            user = await accounts.find_user(session, username)
            assert user is not None
            await service.add_member(session, enterprise, user.id)
        return World(a.id, b.id, member_a, member_b, officer)


FIGURES = {"revenue": 1_200_000_000, "rd_spending": 90_000_000, "headcount": 260,
           "patents": 40, "software_copyrights": 12, "trademarks": 5}
