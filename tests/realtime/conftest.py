"""A real world server for WebSocket tests (see world_support.serve_world)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cityverse.core.config import Settings
from realtime.world_support import LiveWorld, serve_world, world_test_config


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveWorld]:
    async for found in serve_world(settings, world_test_config(settings)):
        yield found
