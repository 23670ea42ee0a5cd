"""Demo collectibles of the Kunshan pack: collections of demo creators' registered works,
minted, gifted, aged and frozen through the real rules. Idempotent: a collection that exists
(same creator, same title) is left alone.

Every step runs in its own transaction after the demo people exist, because minting and gifting
append to the ledger, which on SQLite must happen before a transaction writes.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal, scopes_for
from cityverse.core.config import Settings
from cityverse.modules.assets.tokens import service as tokens
from cityverse.modules.assets.works import service as works
from cityverse.modules.spaces.scene import product_meshes

Progress = Callable[[str, int, int], None]
Sessions = async_sessionmaker[AsyncSession]

MODELS: dict[str, Callable[[], bytes]] = {"vr_headset": product_meshes.vr_headset_glb}
# A one-page PDF: the demo creator's IP authorization letter.
AUTHORIZATION_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def read_collections() -> list[dict[str, Any]]:
    text = (resources.files("cityverse.cities.kunshan")
            .joinpath("data", "collections.json").read_text("utf-8"))
    data: list[dict[str, Any]] = json.loads(text)
    return data


def picture(colours: list[str], size: int = 480) -> bytes:
    """A simple landscape: sky and ground in the two colours, a sun, three hills."""
    sky, ground = colours
    image = Image.new("RGB", (size, size), sky)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.62, size * 0.12, size * 0.82, size * 0.32), fill="#fff7d6")
    for i, height in enumerate((0.55, 0.45, 0.6)):
        left = size * (i * 0.3 - 0.1)
        draw.polygon([(left, size), (left + size * 0.3, size * height), (left + size * 0.6, size)],
                     fill=ground)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def _principal(session: AsyncSession, username: str) -> Principal:
    user = await accounts.find_user(session, username)
    if user is None:
        raise ValueError(f"demo person {username} is missing; load the people first")
    roles = frozenset(user.role_names)
    return Principal(user.id, user.username, roles, scopes_for(roles), "session", 0,
                     user.realname_status)


async def _work_id(sessions: Sessions, settings: Settings, item: dict[str, Any]) -> str:
    """The demo work, registered on the log by its creator (found by content if it exists)."""
    spec = item["work"]
    data = MODELS[spec["model"]]() if "model" in spec else picture(spec["picture"])
    async with sessions() as session, session.begin():
        existing = await works.find_by_hash(session, hashlib.sha256(data).hexdigest())
        if existing is not None:
            return existing.public_id
        creator = await _principal(session, item["creator"])
        upload = works.Upload(data=data, filename=spec["file"], title=spec["title"],
                              description=item["description"])
        work = await works.create_work(session, settings, creator, upload)
        return work.public_id


async def _issue(sessions: Sessions, settings: Settings, item: dict[str, Any]) -> int | None:
    """Propose (and unless pending, approve) the collection; None when it already exists."""
    async with sessions() as session:
        creator = await _principal(session, item["creator"])
        if await tokens.find_collection(session, creator.user_id, item["title"]):
            return None
    work_id = await _work_id(sessions, settings, item)
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
    items = read_collections()
    for index, item in enumerate(items, 1):
        collection_id = await _issue(sessions, settings, item)
        if collection_id is not None and not item.get("pending"):
            await _circulate(sessions, settings, item, collection_id)
        progress("collectibles", index, len(items))
    return len(items)
