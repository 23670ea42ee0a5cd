"""What other parts of the platform may ask the expo module (through this file only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.expo import booths


async def apply_booth_edits(session: AsyncSession, scene: dict[str, Any]) -> dict[str, Any]:
    """A hall's scene document with its exhibitors' own booth edits laid over the pack's."""
    return await booths.apply_to_scene(session, scene)
