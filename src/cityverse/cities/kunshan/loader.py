"""Loads the Kunshan city pack: places, demo enterprises and demo people. Idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.cities.kunshan import (
    demo_works,
    expo_meet_demo,
    industry_plan,
    shop_demo,
    support_demo,
)
from cityverse.cities.kunshan.collectibles import load_collectibles_on_ledger
from cityverse.cities.kunshan.demo_people import (
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    REGION_CODE,
    DemoPerson,
)
from cityverse.cities.kunshan.twin_demo import load_twin
from cityverse.core.auth import realname
from cityverse.core.auth import service as accounts
from cityverse.core.auth.id_numbers import resident_id_check_char
from cityverse.core.auth.policy import Principal, Role, scopes_for
from cityverse.core.config import Settings
from cityverse.modules.city import service as city
from cityverse.modules.city.schemas import PlaceIn
from cityverse.modules.industry import service as industry

Progress = Callable[[str, int, int], None]


def read_data(name: str) -> list[dict[str, Any]]:
    text = resources.files("cityverse.cities.kunshan").joinpath("data", name).read_text("utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return data


def demo_id_number(person: DemoPerson) -> str:
    assert person.identity is not None
    _, birth, sequence = person.identity
    first17 = f"{REGION_CODE}{birth}{sequence}"
    return first17 + resident_id_check_char(first17)


def _as_principal(user_id: int, username: str, roles: tuple[str, ...]) -> Principal:
    frozen = frozenset(roles)
    return Principal(user_id, username, frozen, scopes_for(frozen), "session", 0, "none")


async def load_places(session: AsyncSession, progress: Progress) -> int:
    places = read_data("places.json")
    for index, item in enumerate(places, 1):
        await city.upsert_place(session, PlaceIn.model_validate(item))
        progress("places", index, len(places))
    return len(places)


async def load_enterprises(session: AsyncSession, progress: Progress) -> dict[str, int]:
    items = read_data("enterprises.json")
    ids: dict[str, int] = {}
    for index, item in enumerate(items, 1):
        enterprise = await industry.upsert_enterprise(session, {**item, "is_demo": True})
        ids[item["key"]] = enterprise.id
        progress("enterprises", index, len(items))
    return ids


async def load_people(
    session: AsyncSession, settings: Settings, enterprises: dict[str, int], progress: Progress
) -> int:
    reviewer: Principal | None = None
    for index, person in enumerate(DEMO_PEOPLE, 1):
        user = await accounts.find_user(session, person.username)
        if user is None:
            user = await accounts.create_user(
                session, username=person.username, password=DEMO_PASSWORD,
                display_name=person.display_name, roles=[Role(r) for r in person.roles],
            )
            principal = _as_principal(user.id, user.username, person.roles)
            if person.identity is not None and person.realname != "none":
                verification = await realname.submit(
                    session, settings, principal, person.identity[0], demo_id_number(person)
                )
                if person.realname != "pending" and reviewer is not None:
                    approve = person.realname == "approved"
                    await realname.review(
                        session, reviewer, verification.id, approve=approve,
                        reason=None if approve else "证件照片不清晰，请重新提交",
                    )
            if person.username == "admin":
                reviewer = principal
        elif person.username == "admin":
            reviewer = _as_principal(user.id, user.username, person.roles)
        if person.enterprise_key:
            await industry.add_member(session, enterprises[person.enterprise_key], user.id)
        progress("people", index, len(DEMO_PEOPLE))
    return len(DEMO_PEOPLE)


async def load(session: AsyncSession, settings: Settings, progress: Progress) -> dict[str, int]:
    places = await load_places(session, progress)
    enterprises = await load_enterprises(session, progress)
    people = await load_people(session, settings, enterprises, progress)
    await industry_plan.load(session, enterprises, progress)
    support = await support_demo.load(session, read_data, enterprises, progress)
    shop = await shop_demo.load_shop(session, enterprises, progress)
    meetings = await expo_meet_demo.load(session, settings, enterprises, progress)
    twin_entities = await load_twin(session, progress)
    return {"places": places, "enterprises": len(enterprises), "people": people, **support,
            **shop, **meetings, "twin_entities": twin_entities}


async def load_after_commit(settings: Settings, progress: Progress) -> dict[str, int]:
    """Steps that append to the ledger, run after `load` committed: each registration is its
    own transaction, and on SQLite the ledger's writer needs the write lock `load` would hold.
    Collections come after the works they issue."""
    works = await demo_works.load_works(settings, progress)
    return {"works": works, "collections": await load_collectibles_on_ledger(settings, progress)}
