"""The Kunshan plan data: valid against the taxonomy, loaded twice without duplicates, and
giving the 2025 targets believable progress (some met, some not)."""

from __future__ import annotations

from collections import Counter

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from cityverse.cities.kunshan import loader
from cityverse.cities.kunshan.industry_plan import read_plan_data
from cityverse.core.config import Settings
from cityverse.modules.industry.chain import APPLICATION_FIELDS
from cityverse.modules.industry.plan.models import ScenarioMilestone, ScenarioProject
from cityverse.modules.industry.registry.models import Declaration, EnterpriseLabel


def test_plan_data_refers_to_demo_enterprises_and_the_taxonomy() -> None:
    data = read_plan_data()
    enterprises = {e["key"] for e in loader.read_data("enterprises.json")}
    assert {d["enterprise"] for d in data["declarations"]} <= enterprises
    assert {s["owner"] for s in data["scenarios"]} <= enterprises
    assert {s["field"] for s in data["scenarios"]} == set(APPLICATION_FIELDS)
    assert len(data["scenarios"]) == 18
    statuses = Counter((d["year"], d["status"]) for d in data["declarations"])
    assert statuses[(2024, "confirmed")] == 40
    assert statuses[(2025, "confirmed")] == 34
    assert statuses[(2025, "submitted")] == 3 and statuses[(2025, "draft")] == 1


async def _load(app: FastAPI, settings: Settings) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await loader.load(session, settings, lambda *_: None)


async def _count(app: FastAPI, model: type) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_plan_loads_idempotently_with_believable_progress(
    app: FastAPI, settings: Settings, client: httpx.AsyncClient
) -> None:
    await _load(app, settings)
    await _load(app, settings)
    counts = [await _count(app, m) for m in (Declaration, EnterpriseLabel, ScenarioProject,
                                              ScenarioMilestone)]
    assert counts == [79, 26, 18, 37]
    body = (await client.get("/api/industry/targets?as_of=2026-06-30")).json()
    progress = {t["metric"]: (t["current_value"], t["met"]) for t in body["items"]}
    assert progress == {
        "industry_revenue": (8_445_040_000, False),
        "scenario_projects_completed": (16, True),
        "leading_enterprises": (6, True),
        "specialized_smes": (16, False),
        "industrial_space_area": (325_500, True),
    }
