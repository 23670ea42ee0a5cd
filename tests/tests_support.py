"""Helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from cityverse.core.audit import AuditEvent

PASSWORD = "Kunshan-test-2025"


async def audit_actions(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
