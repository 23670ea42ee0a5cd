"""Request and response models of the shop: products, cart, checkout, orders."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

Category = Literal["hardware", "software", "content", "service"]
OrderStatus = Literal["placed", "confirmed", "shipped", "completed", "cancelled"]
MAX_QUANTITY = 20  # per product in one cart: a shop for the public, not a wholesale desk
MAX_PRICE_FEN = 100_000_000  # ¥1,000,000
MAX_STOCK = 1_000_000
MAX_IMAGES = 6

_PHONE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile number
_MODEL_PATH = r"^[A-Za-z0-9_\-./]{1,200}\.(gltf|glb)$"


def _check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise PydanticCustomError("cv_field", "invalid_phone", {"field_code": "invalid_phone"})
    return value


Phone = Annotated[str, Field(max_length=20), AfterValidator(_check_phone)]


class ProductIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "name": "示例·轻量化 MR 眼镜 X1", "name_en": "Sample MR glasses X1",
            "description": "双目 Micro-OLED，重 86 克", "description_en": "Dual Micro-OLED, 86 g",
            "category": "hardware", "price_fen": 399900, "stock": 50, "published": True,
        }]},
    )

    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=160)
    description: str = Field("", max_length=2000)
    description_en: str = Field("", max_length=2000)
    category: Category
    price_fen: int = Field(ge=0, le=MAX_PRICE_FEN, description="Price in fen (¥0.01).")
    stock: int = Field(0, ge=0, le=MAX_STOCK)
    published: bool = False
    model_path: str | None = Field(None, pattern=_MODEL_PATH, description="glTF model path.")


class ProductPatch(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=2000)
    description_en: str | None = Field(None, max_length=2000)
    category: Category | None = None
    price_fen: int | None = Field(None, ge=0, le=MAX_PRICE_FEN)
    stock: int | None = Field(None, ge=0, le=MAX_STOCK)
    published: bool | None = None
    model_path: str | None = Field(None, pattern=_MODEL_PATH)


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    enterprise_name: str
    enterprise_name_en: str
    name: str
    name_en: str
    description: str
    description_en: str
    category: Category
    price_fen: int
    stock: int
    published: bool
    images: list[str] = Field(description="Image URLs; the first is the cover.")
    model_path: str | None
    created_at: datetime


class CartAdd(BaseModel):
    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [{"product_id": 1, "quantity": 1}]})

    product_id: int = Field(ge=1)
    quantity: int = Field(1, ge=1, le=MAX_QUANTITY)


class CartQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class CartLineOut(BaseModel):
    product: ProductOut
    quantity: int
    line_fen: int
    available: bool = Field(description="Published and enough stock for this quantity now.")


class CartOut(BaseModel):
    items: list[CartLineOut]
    count: int
    total_fen: int


class CheckoutIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "contact_name": "周航", "contact_phone": "13800000000",
            "address": "江苏省昆山市玉山镇前进中路 1 号", "note": "工作日送达",
        }]},
    )

    contact_name: str = Field(min_length=2, max_length=40)
    contact_phone: Phone
    address: str = Field(min_length=5, max_length=200)
    note: str = Field("", max_length=200)


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int | None
    name: str
    name_en: str
    price_fen: int
    quantity: int


class OrderEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: OrderStatus
    actor: Literal["buyer", "enterprise", "system"]
    note: str | None
    at: datetime


class OrderOut(BaseModel):
    id: int
    status: OrderStatus
    enterprise_id: int
    enterprise_name: str
    enterprise_name_en: str
    buyer_name: str
    total_fen: int
    contact_name: str
    contact_phone: str
    address: str
    buyer_note: str
    tracking_note: str | None
    cancel_reason: str | None
    placed_at: datetime
    lines: list[OrderLineOut]
    events: list[OrderEventOut]


class CheckoutOut(BaseModel):
    orders: list[OrderOut]
    replayed: bool = Field(description="True when this Idempotency-Key was already used.")


class ShipIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"tracking_note": "顺丰 SF1234567890"}]}
    )

    tracking_note: str = Field(min_length=2, max_length=200)


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=200, description="Required when the enterprise cancels.")


class ImageOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    images: list[str] = Field(max_length=MAX_IMAGES, description="Blob names, cover first.")
