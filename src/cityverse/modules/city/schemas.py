"""Place models; coordinates are WGS84 degrees."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PlaceKind = Literal["town", "district", "landmark"]


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9-]{2,64}$")
    kind: PlaceKind
    name_zh: str = Field(min_length=1, max_length=64)
    name_en: str = Field(min_length=1, max_length=96)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    description_zh: str = ""
    description_en: str = ""


class PlaceOut(PlaceIn):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
