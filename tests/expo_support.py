"""Helpers of the expo tests: two exhibitors with one member each, a visitor, a stranger,
and bookable slots (the hall is open all day in these tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from cityverse.core.config import Settings

SLOT = timedelta(minutes=30)


def all_day(settings: Settings) -> Settings:
    return settings.model_copy(update={"expo_meeting_hours": "00:00-24:00"})


def current_slot(offset: int = 0) -> datetime:
    """The start of the slot running now (plus `offset` slots), in UTC."""
    now = datetime.now(UTC)
    start = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    return start + offset * SLOT


@dataclass
class Expo:
    app: FastAPI
    member_a: httpx.AsyncClient  # member of enterprise A
    member_b: httpx.AsyncClient  # member of enterprise B
    visitor: httpx.AsyncClient
    stranger: httpx.AsyncClient
    enterprise_a: int
    enterprise_b: int

    async def request(
        self, client: httpx.AsyncClient | None = None, offset: int = 2, **fields: Any
    ) -> httpx.Response:
        body = {"enterprise_id": self.enterprise_a, "booth_key": "booth-01",
                "starts_at": current_slot(offset).isoformat(), "topic": "采购 VR 头显样机",
                "message": "希望了解批量价格。", **fields}
        return await (client or self.visitor).post("/api/expo/meetings", json=body)

    async def booked(self, offset: int = 2) -> int:
        response = await self.request(offset=offset)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def accepted(self, offset: int = 0, products: list[int] | None = None) -> int:
        meeting = await self.booked(offset)
        response = await self.member_a.post(f"/api/expo/meetings/{meeting}/accept",
                                            json={"product_ids": products or []})
        assert response.status_code == 200, response.text
        return meeting
