"""The private negotiation room: the scene a meeting's parties see, and the world server's
question "may this person enter this room now?"."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.modules.commerce import service as commerce
from cityverse.modules.expo import meetings
from cityverse.modules.expo.models import Meeting
from cityverse.modules.expo.schemas import ProductCardOut
from cityverse.modules.expo.slots import Hours
from cityverse.modules.spaces import service as spaces

ROOM_SPACE = "negotiation-room"
HINT = re.compile(r"^meeting-([1-9][0-9]{0,11})$")
# Where the products lie on the table (x, y, z in metres), in the order chosen.
TABLE_SPOTS = ((-0.6, 0.75, -0.5), (0.6, 0.75, -0.5), (-0.2, 0.75, -0.3), (0.2, 0.75, -0.7),
               (-1.0, 0.75, -0.7), (1.0, 0.75, -0.3))


def hint_of(meeting_id: int) -> str:
    return f"meeting-{meeting_id}"


def scene_for(city: str, products: list[commerce.ProductCard]) -> dict[str, Any]:
    """The room's scene document with the chosen products listed on the table."""
    scene = spaces.get_scene(city, ROOM_SPACE).model_dump(mode="json")
    scene["table_products"] = [
        {**vars(product), "position": list(spot)}
        for product, spot in zip(products, TABLE_SPOTS, strict=False)
    ]
    return scene


def cards(products: list[commerce.ProductCard]) -> list[ProductCardOut]:
    return [ProductCardOut(**vars(p)) for p in products]


async def scene_and_products(
    session: AsyncSession, city: str, meeting: Meeting
) -> tuple[dict[str, Any], list[ProductCardOut]]:
    products = await meetings.products_of(session, meeting)
    return scene_for(city, products), cards(products)


def invitation_lookup(app: FastAPI) -> Any:
    settings: Settings = app.state.settings
    sessionmaker = app.state.sessionmaker

    async def may_enter(space: str, hint: str, user_id: int) -> bool:
        found = HINT.match(hint)
        if space != ROOM_SPACE or found is None:
            return False
        async with sessionmaker() as session, session.begin():
            return await meetings.enter(session, Hours.of(settings), int(found.group(1)),
                                        user_id)

    return may_enter


@asynccontextmanager
async def open_rooms(app: FastAPI) -> AsyncIterator[None]:
    """Tells the world server (started by the spaces module, before this one) who is invited
    to each negotiation room."""
    world = getattr(app.state, "world", None)
    if world is not None:
        world.invitations = invitation_lookup(app)
    yield


def now_open(meeting: Meeting, hours: Hours) -> bool:
    return meetings.room_open(meeting, hours, utcnow())
