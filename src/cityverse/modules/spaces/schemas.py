"""Request and response bodies of the spaces API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SpaceKind = Literal["hall", "booth-room", "negotiation-room", "tour"]


class SpaceOut(BaseModel):
    key: str
    kind: SpaceKind
    name_zh: str
    name_en: str
    description_zh: str | None = None
    description_en: str | None = None
    has_scene: bool = Field(description="False for spaces declared but built elsewhere.")
    booths: int = 0

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "key": "cloud-living-room", "kind": "hall", "name_zh": "昆山元宇宙云上客厅",
        "name_en": "Kunshan Metaverse Cloud Living Room", "has_scene": True, "booths": 16,
    }]})


class SceneOut(BaseModel):
    key: str
    scene: dict[str, Any] = Field(description="The validated scene document (scene.schema.json).")
    models: dict[str, str] = Field(description="Model key → URL of its generated .glb.")
    world_url: str = Field(description="Path of the world-server WebSocket for this space.")


class SpaceSettingsOut(BaseModel):
    space_key: str
    capacity_per_instance: int
    allow_guests: bool
    guests_can_chat: bool
    host_user_ids: list[int]


class SpaceSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "capacity_per_instance": 200, "allow_guests": True, "guests_can_chat": False,
        "host_user_ids": [2],
    }]})

    capacity_per_instance: int = Field(ge=1, le=5000)
    allow_guests: bool
    guests_can_chat: bool
    host_user_ids: list[int] = Field(default_factory=list, max_length=50)


class BoothOut(BaseModel):
    """A booth of a hall with the enterprise that exhibits there (its products: the shop API,
    `GET /api/commerce/products?enterprise_id=`)."""

    space_key: str
    booth_key: str
    enterprise_key: str
    enterprise_id: int
    name: str
    name_en: str | None
    description: str
    description_en: str
    segment: str
    founded_year: int | None
    employees: int | None
