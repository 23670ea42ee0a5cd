"""Shop checkout figures through the real API (in-process ASGI, no network): orders placed per
second when every buyer rushes the last items of one product (all but a few are refused with
409 out_of_stock), and when buyers check out different products without contention.
Prints one JSON object.

    .venv/bin/python bench/commerce.py [--buyers 48] [--last-items 12] [--rounds 3]

Uses a fresh SQLite database in a temporary folder, or CITYVERSE_DATABASE_URL when set (point
it at an empty PostgreSQL database to measure that).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import FastAPI

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.deps import SESSION_COOKIE
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade_async
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.commerce.schemas import ProductIn
from cityverse.modules.commerce.service import upsert_product
from cityverse.modules.industry import service as industry

CONTACT = {"contact_name": "周航", "contact_phone": "13800000000",
           "address": "江苏省昆山市玉山镇前进中路 1 号"}


async def _buyers(app: FastAPI, settings: Settings, count: int) -> list[httpx.AsyncClient]:
    """Signed-in clients; sessions are opened directly, so no Argon2 verify per buyer."""
    clients = []
    async with app.state.sessionmaker() as session, session.begin():
        for index in range(count):
            user = await accounts.create_user(
                session, username=f"bench_buyer_{index}", password="Bench-password-2025",
                display_name=f"buyer {index}", roles=[Role.VISITOR])
            secret = await accounts.open_session(session, settings, user, ip=None,
                                                 user_agent="bench")
            clients.append(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench",
                cookies={SESSION_COOKIE: secret}))
    return clients


async def _products(app: FastAPI, stocks: list[int]) -> list[int]:
    async with app.state.sessionmaker() as session, session.begin():
        enterprise = await industry.upsert_enterprise(session, {
            "key": "bench", "name": "示例·基准企业", "uscc": "91320583DEMKN00012",
            "segment": "hardware", "sub_segment": "terminals", "is_demo": True})
        ids = []
        for index, stock in enumerate(stocks):
            product = await upsert_product(session, enterprise.id, f"bench-{index}", ProductIn(
                name=f"示例·基准商品 {index}", category="hardware", price_fen=9900, stock=stock,
                published=True))
            ids.append(product.id)
        return ids


async def _rush(buyers: list[httpx.AsyncClient], product_ids: list[int],
                tag: str) -> tuple[float, list[httpx.Response]]:
    """Fills every cart (untimed), then times all checkouts fired at once."""
    for buyer, product_id in zip(buyers, product_ids, strict=True):
        added = await buyer.post("/api/commerce/cart/items", json={"product_id": product_id})
        assert added.status_code == 200, added.text
    began = time.perf_counter()
    answers = await asyncio.gather(*(
        buyer.post("/api/commerce/checkout", json=CONTACT,
                   headers={"Idempotency-Key": f"bench-{tag}-{index}"})
        for index, buyer in enumerate(buyers)))
    return time.perf_counter() - began, list(answers)


async def run(buyers_count: int, last_items: int, rounds: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="cityverse-bench-"))
    settings = Settings(env="test", data_dir=folder, log_json=True, log_level="WARNING",
                        database_url=os.environ.get("CITYVERSE_DATABASE_URL", ""),
                        _env_file=None)  # type: ignore[call-arg]
    await upgrade_async(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        buyers = await _buyers(app, settings, buyers_count)
        contended, *spread = await _products(app, [last_items] + [10_000] * buyers_count)
        elapsed, answers = await _rush(buyers, [contended] * buyers_count, "rush")
        statuses = [a.status_code for a in answers]
        placed = statuses.count(201)
        refused = sum(1 for a in answers if a.status_code == 409
                      and a.json()["error"]["code"] == "out_of_stock")
        stock_after = (await buyers[0].get(f"/api/commerce/products/{contended}")).json()["stock"]
        for buyer in buyers:  # refused buyers still hold the sold-out item in their carts
            await buyer.delete(f"/api/commerce/cart/items/{contended}")

        uncontended_s = 0.0
        uncontended_orders = 0
        for round_index in range(rounds):
            for limiter in RateLimiter.instances:  # many rounds by one buyer: not abuse here
                limiter.reset()
            took, answers = await _rush(buyers, spread, f"free-{round_index}")
            assert all(a.status_code == 201 for a in answers), answers[0].text
            uncontended_s += took
            uncontended_orders += len(answers)
        for buyer in buyers:
            await buyer.aclose()
    return {
        "bench": "commerce",
        "python": platform.python_version(),
        "database": "postgresql" if settings.database_url.startswith("postgres") else "sqlite",
        "buyers": buyers_count,
        "contended_last_items": last_items,
        "contended_placed": placed,
        "contended_refused_out_of_stock": refused,
        "contended_other_answers": buyers_count - placed - refused,
        "contended_stock_after": stock_after,
        "contended_checkouts_per_s": round(buyers_count / elapsed, 1),
        "contended_orders_placed_per_s": round(placed / elapsed, 1),
        "uncontended_orders_per_s": round(uncontended_orders / uncontended_s, 1),
        "uncontended_orders": uncontended_orders,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, default=48)
    parser.add_argument("--last-items", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures = asyncio.run(run(args.buyers, args.last_items, args.rounds))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
