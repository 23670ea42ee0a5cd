"""How digital collectibles plug into the platform."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.modules import ModuleSpec
from cityverse.modules.assets.tokens import api
from cityverse.modules.assets.tokens.documents import MAX_PROPOSAL_BYTES
from cityverse.modules.assets.tokens.models import AssetToken


async def stats(session: AsyncSession) -> dict[str, int]:
    count = await session.scalar(
        select(func.count()).select_from(AssetToken).where(AssetToken.burned_at.is_(None))
    )
    return {"asset_tokens": count or 0}


def body_limits(settings: Settings) -> dict[str, int]:
    return {"/api/assets/collections": MAX_PROPOSAL_BYTES}


SPEC = ModuleSpec(name="asset-tokens", routers=(api.router,), stats=stats,
                  live_systems={"digital-assets": "/collections"}, body_limits=body_limits)
