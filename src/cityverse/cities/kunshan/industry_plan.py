"""Loads the Kunshan plan data: the action plan's 2025 targets, enterprise labels, yearly
declarations, industrial spaces and typical application scenario projects. Idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from importlib import resources
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.industry.plan import scenarios
from cityverse.modules.industry.plan import service as plan
from cityverse.modules.industry.plan.schemas import IndustrialSpaceIn, ScenarioIn, TargetIn
from cityverse.modules.industry.registry import service as registry
from cityverse.modules.industry.registry.schemas import DeclarationIn, LabelGrantIn

Progress = Callable[[str, int, int], None]


def read_plan_data() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("cityverse.cities.kunshan").joinpath(
        "data", "industry_plan.json").read_text("utf-8")
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    return data


def _office_hours(day: str | None) -> datetime | None:
    """Demo decisions happen at 10:00 Beijing time (02:00 UTC) on the recorded day."""
    return None if day is None else datetime.combine(date.fromisoformat(day), time(2), UTC)


async def _load_declarations(session: AsyncSession, items: list[dict[str, Any]],
                             enterprises: dict[str, int], progress: Progress) -> None:
    for index, item in enumerate(items, 1):
        figures = {k: v for k, v in item.items() if k not in (
            "enterprise", "status", "submitted_on", "reviewed_on", "return_reason")}
        await registry.load_pack_declaration(
            session, enterprises[item["enterprise"]], DeclarationIn.model_validate(figures),
            status=item["status"], submitted_at=_office_hours(item.get("submitted_on")),
            reviewed_at=_office_hours(item.get("reviewed_on")),
            return_reason=item.get("return_reason"))
        progress("declarations", index, len(items))


async def load(session: AsyncSession, enterprises: dict[str, int],
               progress: Progress) -> dict[str, int]:
    data = read_plan_data()
    for item in data["targets"]:
        key = item["key"]
        await plan.upsert_pack_target(session, key, TargetIn.model_validate(
            {k: v for k, v in item.items() if k != "key"}))
    for item in data["labels"]:
        grant = LabelGrantIn(enterprise_id=enterprises[item["enterprise"]], kind=item["kind"],
                             granted_on=item["granted_on"], source=item["source"])
        revoked = item.get("revoked_on")
        await registry.load_pack_label(
            session, grant.enterprise_id, grant,
            revoked_on=date.fromisoformat(revoked) if revoked else None,
            revoked_reason=item.get("revoked_reason"))
    for item in data["spaces"]:
        await plan.upsert_pack_space(session, item["key"], IndustrialSpaceIn.model_validate(
            {k: v for k, v in item.items() if k != "key"}))
    for index, item in enumerate(data["scenarios"], 1):
        body = ScenarioIn.model_validate({k: v for k, v in item.items()
                                          if k not in ("key", "owner")})
        await scenarios.upsert_pack_scenario(session, item["key"],
                                             enterprises[item["owner"]], body)
        progress("scenarios", index, len(data["scenarios"]))
    await _load_declarations(session, data["declarations"], enterprises, progress)
    return {name: len(items) for name, items in data.items()}
