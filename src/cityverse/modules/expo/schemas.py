"""Request and response bodies of the negotiation meetings and the booth editor."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MeetingStatus = Literal["requested", "accepted", "declined", "held", "cancelled", "no_show"]
NoteSide = Literal["visitor", "enterprise", "shared"]
Party = Literal["visitor", "enterprise"]
HEX_COLOR = r"^#[0-9a-fA-F]{6}$"


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "enterprise_id": 3, "booth_key": "booth-01", "starts_at": "2026-11-25T02:00:00Z",
        "topic": "采购 VR 头显样机", "message": "希望了解批量采购价格与交付周期。",
    }]})

    enterprise_id: int = Field(ge=1)
    booth_key: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    starts_at: datetime = Field(description="Start of the slot (aligned to the slot length, "
                                            "within the hall's opening hours).")
    topic: str = Field(min_length=2, max_length=200)
    message: str = Field("", max_length=2000)


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "product_ids": [12, 13], "colleague_ids": [],
    }]})

    product_ids: list[int] = Field(default_factory=list, max_length=6,
                                   description="The enterprise's products put on the table.")
    colleague_ids: list[int] = Field(default_factory=list, max_length=5,
                                     description="Members of the enterprise invited too.")


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500)


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=500)


class PersonOut(BaseModel):
    id: int
    name: str


class MeetingOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    enterprise_name_en: str
    booth_key: str | None
    visitor: PersonOut
    host: PersonOut | None
    colleague_ids: list[int]
    product_ids: list[int]
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus
    topic: str
    message: str
    decline_reason: str | None
    my_side: Party = Field(description="Which party the caller is.")
    room_opens_at: datetime
    room_open: bool = Field(description="True while the parties may enter the room.")
    created_at: datetime


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    free: bool


class SlotsOut(BaseModel):
    enterprise_id: int
    date: str
    timezone: str
    slot_minutes: int
    slots: list[SlotOut]


class NoteOut(BaseModel):
    side: NoteSide
    body: str
    updated_at: datetime | None
    updated_by: int | None


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "body": "双方同意下周寄送样机。"}]})

    body: str = Field(max_length=20_000)


class ProductCardOut(BaseModel):
    id: int
    name: str
    name_en: str
    price_fen: int
    image_url: str | None


class RoomOut(BaseModel):
    meeting: MeetingOut
    space_key: str
    instance_hint: str = Field(description="Send as `instance_hint` in the world `hello`.")
    world_url: str
    scene: dict[str, Any] = Field(description="The room's scene document; `table_products` "
                                              "lists what lies on the table.")
    products: list[ProductCardOut]


class MediaItem(BaseModel):
    kind: Literal["image", "video"]
    url: str = Field(max_length=500, description="An uploaded image's path, or an https URL on an "
                                           "allowed video/image host.")
    caption: str = Field("", max_length=120)


class BoothIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "description": "专注近眼显示十年。", "description_en": "Ten years of near-eye displays.",
        "website": "https://example.com", "contact_name": "周航",
        "contact_phone": "0512-50000000", "contact_email": "bd@example.com",
        "brand_color": "#1d4ed8", "accent_color": "#f59e0b",
        "panel_zh": "硅基OLED微显示", "panel_en": "Silicon OLED microdisplays",
        "product_ids": [12], "media": [],
    }]})

    description: str = Field("", max_length=4000)
    description_en: str = Field("", max_length=6000)
    website: str | None = Field(None, max_length=300, pattern=r"^https?://[^\s]+$")
    contact_name: str | None = Field(None, max_length=64)
    contact_phone: str | None = Field(None, max_length=32, pattern=r"^[0-9+\- ()]{5,32}$")
    contact_email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    brand_color: str | None = Field(None, pattern=HEX_COLOR)
    accent_color: str | None = Field(None, pattern=HEX_COLOR)
    panel_zh: str | None = Field(None, max_length=400)
    panel_en: str | None = Field(None, max_length=600)
    product_ids: list[int] = Field(default_factory=list, max_length=8)
    media: list[MediaItem] = Field(default_factory=list, max_length=8)


class BoothProfileOut(BaseModel):
    enterprise_id: int
    enterprise_name: str
    enterprise_name_en: str
    booth_keys: list[str] = Field(description="Booths of the hall that show this enterprise.")
    description: str
    description_en: str
    website: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    brand_color: str | None
    accent_color: str | None
    panel_zh: str | None
    panel_en: str | None
    logo_url: str | None
    product_ids: list[int]
    products: list[ProductCardOut]
    media: list[MediaItem]
    updated_at: datetime | None
