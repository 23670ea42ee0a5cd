"""The Kunshan pack's shop: products of twelve demo enterprises and a few demo orders in every
state, so the enterprise account has orders to confirm and ship. Idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal, scopes_for
from cityverse.modules.commerce import service as shop
from cityverse.modules.commerce.schemas import CheckoutIn, ProductIn

Progress = Callable[[str, int, int], None]
Move = shop.DemoMove

DEMO_ADDRESSES = {
    "visitor": CheckoutIn(contact_name="周航", contact_phone="13800000001",
                          address="江苏省昆山市玉山镇前进中路 88 号（示例地址）"),
    "creator": CheckoutIn(contact_name="林悦", contact_phone="13800000002",
                          address="江苏省昆山市花桥镇绿地大道 200 号（示例地址）"),
    "citizen_li": CheckoutIn(contact_name="李娜", contact_phone="13800000003",
                             address="江苏省昆山市周庄镇全福路 1 号（示例地址）",
                             note="请工作日送达"),
}
SHIPPED = Move("ship", "enterprise", "顺丰速运 SF1402658830（示例单号）")

# (buyer, key, items, moves); the `enterprise` demo account belongs to demo-ent-01.
DEMO_ORDERS: tuple[tuple[str, str, list[tuple[str, int]], list[shop.DemoMove]], ...] = (
    ("visitor", "demo-order-1", [("demo-prod-01-3", 2)], []),
    ("visitor", "demo-order-2", [("demo-prod-01-1", 1)], [Move("confirm", "enterprise")]),
    ("creator", "demo-order-3", [("demo-prod-01-2", 1)],
     [Move("confirm", "enterprise"), SHIPPED]),
    ("citizen_li", "demo-order-4", [("demo-prod-01-3", 1)],
     [Move("confirm", "enterprise"), SHIPPED, Move("complete", "buyer")]),
    ("visitor", "demo-order-5", [("demo-prod-01-4", 1)],
     [Move("cancel", "buyer", "地址填错了，重新下单")]),
    ("creator", "demo-order-6", [("demo-prod-23-1", 1), ("demo-prod-01-3", 1)], []),
)


def _products() -> list[dict[str, object]]:
    text = resources.files("cityverse.cities.kunshan").joinpath("data", "products.json")
    data: list[dict[str, object]] = json.loads(text.read_text("utf-8"))
    return data


async def _principal(session: AsyncSession, username: str) -> Principal:
    user = await accounts.find_user(session, username)
    if user is None:
        raise ValueError(f"demo account {username} is missing")
    roles = frozenset(user.role_names)
    return Principal(user.id, user.username, roles, scopes_for(roles), "session", 0, "none")


async def load_shop(
    session: AsyncSession, enterprises: dict[str, int], progress: Progress
) -> dict[str, int]:
    items = _products()
    for index, item in enumerate(items, 1):
        fields = {k: v for k, v in item.items() if k not in ("key", "enterprise")}
        data = ProductIn.model_validate({**fields, "published": True})
        await shop.upsert_product(session, enterprises[str(item["enterprise"])],
                                  str(item["key"]), data)
        progress("products", index, len(items))
    seller = await _principal(session, "enterprise")
    placed = 0
    for index, (buyer, key, lines, moves) in enumerate(DEMO_ORDERS, 1):
        placed += await shop.place_demo_order(session, await _principal(session, buyer), seller,
                                              key, lines, DEMO_ADDRESSES[buyer], moves)
        progress("orders", index, len(DEMO_ORDERS))
    return {"products": len(items), "demo_orders": len(DEMO_ORDERS)}
