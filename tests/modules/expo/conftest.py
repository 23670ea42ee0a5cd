"""The `expo` fixture: two exhibitors, a visitor and a stranger; the hall open all day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from commerce_support import make_enterprise, user_id
from expo_support import Expo, all_day


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return all_day(settings)


@pytest.fixture
async def expo(app: FastAPI, signed_in: Callable[..., Awaitable[httpx.AsyncClient]]) -> Expo:
    member_a = await signed_in("member_a", Role.ENTERPRISE)
    member_b = await signed_in("member_b", Role.ENTERPRISE)
    visitor = await signed_in("visitor_v", Role.VISITOR)
    stranger = await signed_in("stranger_s", Role.VISITOR)
    a = await make_enterprise(app, "demo-ent-01", "91320583DEMKN00012", await user_id(member_a))
    b = await make_enterprise(app, "b", "91320583DEMKN00025", await user_id(member_b))
    return Expo(app, member_a, member_b, visitor, stranger, a, b)
