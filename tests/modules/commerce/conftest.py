"""The `shop` fixture: two enterprises with one member each, and a buyer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from cityverse.core.auth.policy import Role
from commerce_support import Shop, make_enterprise, user_id


@pytest.fixture
async def shop(app: FastAPI, signed_in: Callable[..., Awaitable[httpx.AsyncClient]]) -> Shop:
    seller_a = await signed_in("seller_a", Role.ENTERPRISE)
    seller_b = await signed_in("seller_b", Role.ENTERPRISE)
    buyer = await signed_in("buyer", Role.VISITOR)
    a = await make_enterprise(app, "a", "91320583DEMKN00012", await user_id(seller_a))
    b = await make_enterprise(app, "b", "91320583DEMKN00025", await user_id(seller_b))
    return Shop(app, seller_a, seller_b, buyer, a, b)

