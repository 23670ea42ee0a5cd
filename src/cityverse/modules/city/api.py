"""City directory API: towns, districts and landmarks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC
from cityverse.core.http import Db, make_router
from cityverse.modules.city import service
from cityverse.modules.city.schemas import PlaceKind, PlaceOut

router = make_router("/api/city", "city")

Anyone = Annotated[None, requires(PUBLIC)]


@router.get("/places", response_model=list[PlaceOut])
async def list_places(
    db: Db, _: Anyone, kind: PlaceKind | None = Query(None)
) -> list[PlaceOut]:
    """Towns, districts and landmarks of the city with coordinates."""
    return [PlaceOut.model_validate(p) for p in await service.list_places(db, kind)]
