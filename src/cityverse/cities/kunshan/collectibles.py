"""Demo collectibles of the Kunshan pack: collections of the demo works (``demo_works``),
minted, gifted, aged and frozen through the real rules. Idempotent: a collection that exists
(same creator, same title) is left alone.

Every step runs in its own transaction after the demo people exist, because minting and gifting
append to the ledger, which on SQLite must happen before a transaction writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.cities.kunshan import demo_works
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal, scopes_for
from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker
from cityverse.modules.assets.tokens import service as tokens
from cityverse.modules.assets.works import service as works

Progress = Callable[[str, int, int], None]
Sessions = async_sessionmaker[AsyncSession]

# A one-page PDF: the demo creator's IP authorization letter.
AUTHORIZATION_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def read_data(name: str) -> list[dict[str, Any]]:
    text = resources.files("cityverse.cities.kunshan").joinpath("data", name).read_text("utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return data


async def _principal(session: AsyncSession, username: str) -> Principal:
    user = await accounts.find_user(session, username)
    if user is None:
        raise ValueError(f"demo person {username} is missing; load the people first")
    roles = frozenset(user.role_names)
    return Principal(user.id, user.username, roles, scopes_for(roles), "session", 0,
                     user.realname_status)


async def _work_id(sessions: Sessions, item: dict[str, Any]) -> str:
    """The demo work the collection issues, registered by the works step (found by content)."""
    makers = {work["key"]: work["make"] for work in read_data("works.json")}
    data = demo_works.MAKERS[makers[item["work"]]]()
    async with sessions() as session:
        found = await works.find_by_hash(session, hashlib.sha256(data).hexdigest())
    if found is None:
        raise ValueError(f"demo work {item['work']} is not registered; load the works first")
    return found.public_id


async def _issue(sessions: Sessions, settings: Settings, item: dict[str, Any]) -> int | None:
    """Propose (and unless pending, approve) the collection; None when it already exists."""
    async with sessions() as session:
        creator = await _principal(session, item["creator"])
        if await tokens.find_collection(session, creator.user_id, item["title"]):
            return None
    work_id = await _work_id(sessions, item)
    async with sessions() as session, session.begin():
        collection = await tokens.propose(
            session, creator, title=item["title"], description=item["description"],
            edition_count=item["editions"], work_id=work_id,
            documents=tokens.check_documents([("IP授权书.pdf", AUTHORIZATION_PDF)]),
        )
    if item.get("pending"):
        return collection.id
    async with sessions() as session, session.begin():
        officer = await _principal(session, "officer")
        await tokens.review(session, settings, officer, collection.id, approve=True, reason=None)
    async with sessions() as session, session.begin():
        await tokens.backdate_collection(session, collection.id, item["issued_days_ago"])
    return collection.id


async def _circulate(
    sessions: Sessions, settings: Settings, item: dict[str, Any], collection_id: int
) -> None:
    for gift in item.get("gifts", []):
        async with sessions() as session, session.begin():
            giver = await _principal(session, item["creator"])
            await tokens.transfer(session, settings, giver, collection_id, gift["serial"],
                                  gift["to"])
        async with sessions() as session, session.begin():
            await tokens.backdate_latest_event(session, collection_id, gift["serial"],
                                               gift["days_ago"])
    for frozen in item.get("freeze", []):
        async with sessions() as session, session.begin():
            officer = await _principal(session, "officer")
            await tokens.freeze(session, settings, officer, collection_id, frozen["serial"],
                                frozen["reason"])


async def load_collectibles(sessions: Sessions, settings: Settings, progress: Progress) -> int:
    """Issue the demo collections of ``data/collections.json``; returns how many were new."""
    items = read_data("collections.json")
    added = 0
    for index, item in enumerate(items, 1):
        collection_id = await _issue(sessions, settings, item)
        if collection_id is not None:
            added += 1
            if not item.get("pending"):
                await _circulate(sessions, settings, item, collection_id)
        progress("collectibles", index, len(items))
    return added


async def load_collectibles_on_ledger(settings: Settings, progress: Progress) -> int:
    """``load_collectibles`` for the `cityverse demo` command, which runs without the server:
    with a ledger writer of its own (the works module's), closed with a last checkpoint."""
    engine = create_engine(settings)
    try:
        async with works.ledger_writer(settings):
            return await load_collectibles(create_sessionmaker(engine), settings, progress)
    finally:
        await engine.dispose()
