"""How accounts plug into the platform (core is not a module, but it is registered alike)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth import admin_api, api, realname_api, service
from cityverse.core.modules import ModuleSpec


async def _stats(session: AsyncSession) -> dict[str, int]:
    users, verified = await service.count_users(session)
    return {"users": users, "verified_users": verified}


SPEC = ModuleSpec(
    name="accounts",
    routers=(api.router, realname_api.router, admin_api.router),
    stats=_stats,
    live_systems={"digital-identity": "/account"},
)
