"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import text

import cityverse
from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC
from cityverse.core.http import Db, make_router

router = make_router("/api", "operations")
Anyone = Annotated[None, requires(PUBLIC)]


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


class ReadyOut(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str]


@router.get("/health", response_model=HealthOut)
async def health(_: Anyone) -> HealthOut:
    """The process is up."""
    return HealthOut(status="ok", version=cityverse.__version__)


@router.get("/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
async def ready(db: Db, response: Response, _: Anyone) -> ReadyOut:
    """The process can serve: the database answers and is migrated."""
    checks: dict[str, str] = {}
    try:
        await db.execute(text("SELECT 1 FROM alembic_version"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; the reason is reported
        checks["database"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    if not ok:
        response.status_code = 503
    return ReadyOut(status="ready" if ok else "not_ready", checks=checks)
