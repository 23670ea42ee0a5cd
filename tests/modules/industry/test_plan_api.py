"""Plan targets computed from live records; industrial spaces; scenario projects."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from cityverse.modules.industry.plan import service as plan
from cityverse.modules.industry.plan.schemas import TargetIn
from cityverse.modules.industry.registry.models import Declaration
from modules.industry.industry_support import FIGURES, World, build_world
from tests_support import audit_actions

PLAN = "昆山市元宇宙产业创新发展行动计划（2022—2025年）"


async def _targets(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        for key, metric, value in (("scale", "industry_revenue", 100_000_000_000),
                                   ("scenarios", "scenario_projects_completed", 15),
                                   ("leading", "leading_enterprises", 5),
                                   ("space", "industrial_space_area", 300_000)):
            await plan.upsert_pack_target(session, key, TargetIn(
                plan_name=PLAN, name_zh=f"指标{key}", name_en=key, metric=metric,
                target_value=value, starts_on="2025-01-01", deadline="2025-12-31"))


async def _confirmed(w: World, client: httpx.AsyncClient, year: int, revenue: int) -> int:
    d = (await client.post("/api/industry/declarations",
                           json={"year": year, **FIGURES, "revenue": revenue})).json()
    await client.post(f"/api/industry/declarations/{d['id']}/submit")
    confirmed = await w.officer.post(f"/api/industry/declarations/{d['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    return int(d["id"])


def _by_metric(body: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {item["metric"]: item for item in body["items"]}


async def _backdate(app: FastAPI, declaration_id: int, day: datetime) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Declaration).where(Declaration.id == declaration_id)
                              .values(reviewed_at=day))


async def test_revenue_target_follows_confirmed_declarations(
    app: FastAPI, signed_in, client: httpx.AsyncClient
) -> None:
    w = await build_world(app, signed_in)
    await _targets(app)
    a = await _confirmed(w, w.member_a, 2025, 40_000_000_000)
    # A draft and a submitted declaration do not count; nor does another year's.
    await w.member_b.post("/api/industry/declarations",
                          json={"year": 2025, **FIGURES, "revenue": 9_000_000_000})
    await _confirmed(w, w.member_b, 2024, 7_000_000_000)
    scale = _by_metric((await client.get("/api/industry/targets")).json())["industry_revenue"]
    assert (scale["current_value"], scale["gap"], scale["percent"], scale["met"]) == (
        40_000_000_000, 60_000_000_000, 40.0, False)
    assert scale["unit"] == "yuan"

    await _backdate(app, a, datetime(2025, 5, 20, 9, tzinfo=UTC))
    b_2025 = (await w.member_b.get("/api/industry/declarations?year=2025")).json()["items"][0]
    await w.member_b.post(f"/api/industry/declarations/{b_2025['id']}/submit")
    await w.officer.post(f"/api/industry/declarations/{b_2025['id']}/confirm")
    await _backdate(app, b_2025["id"], datetime(2025, 11, 2, 9, tzinfo=UTC))
    body = (await client.get("/api/industry/targets?as_of=2025-12-31")).json()
    scale = _by_metric(body)["industry_revenue"]
    assert scale["current_value"] == 49_000_000_000
    assert scale["percent"] == 49.0
    assert [(p["quarter"], p["end"], p["value"]) for p in scale["trend"]] == [
        ("2025Q1", "2025-03-31", 0), ("2025Q2", "2025-06-30", 40_000_000_000),
        ("2025Q3", "2025-09-30", 40_000_000_000), ("2025Q4", "2025-12-31", 49_000_000_000)]
    mid = (await client.get("/api/industry/targets?as_of=2025-08-15")).json()
    assert _by_metric(mid)["industry_revenue"]["trend"][-1] == {
        "quarter": "2025Q3", "end": "2025-08-15", "value": 40_000_000_000}


async def test_labels_spaces_and_scenarios_feed_their_targets(
    app: FastAPI, signed_in, client: httpx.AsyncClient
) -> None:
    w = await build_world(app, signed_in)
    await _targets(app)
    for enterprise, day in ((w.ent_a, "2024-06-01"), (w.ent_b, "2025-07-10")):
        await w.officer.post("/api/industry/labels", json={
            "enterprise_id": enterprise, "kind": "leading", "granted_on": day,
            "source": "昆山市人民政府 2024 年认定"})
    for area, day in ((180_000, "2023-09-30"), (130_000, "2025-10-01")):
        made = await w.officer.post("/api/industry/spaces", json={
            "park_name": "花桥元宇宙产业园", "town": "花桥镇", "area_m2": area,
            "in_service_on": day})
        assert made.status_code == 201
    assert (await w.member_a.post("/api/industry/spaces", json={
        "park_name": "x园区", "town": "花桥镇", "area_m2": 1,
        "in_service_on": "2025-01-01"})).status_code == 403
    done = await w.member_a.post("/api/industry/scenarios", json={
        "name": "周庄夜游", "field": "culture-tourism", "status": "completed",
        "completed_on": "2025-04-01", "link_path": "/spaces/zhouzhuang"})
    assert done.status_code == 201, done.text
    await w.member_b.post("/api/industry/scenarios", json={
        "name": "智慧水务孪生", "field": "smart-city", "status": "in_progress"})

    body = _by_metric((await client.get("/api/industry/targets?as_of=2025-12-31")).json())
    assert body["leading_enterprises"]["current_value"] == 2
    assert body["industrial_space_area"]["current_value"] == 310_000
    assert body["industrial_space_area"]["met"] is True
    assert body["industrial_space_area"]["gap"] == 0
    assert body["industrial_space_area"]["percent"] == 103.3
    assert body["scenario_projects_completed"]["current_value"] == 1
    assert [p["value"] for p in body["leading_enterprises"]["trend"]] == [1, 1, 2, 2]
    assert [p["value"] for p in body["industrial_space_area"]["trend"]] == [
        180_000, 180_000, 180_000, 310_000]

    label = (await client.get("/api/industry/labels?kind=leading")).json()["items"][0]
    await w.officer.post(f"/api/industry/labels/{label['id']}/revoke",
                         json={"revoked_on": "2025-11-30", "reason": "不再符合条件"})
    body = _by_metric((await client.get("/api/industry/targets?as_of=2025-12-31")).json())
    assert body["leading_enterprises"]["current_value"] == 1
    assert [p["value"] for p in body["leading_enterprises"]["trend"]] == [1, 1, 2, 1]


async def test_officers_add_targets_for_later_plans(app: FastAPI, signed_in) -> None:
    w = await build_world(app, signed_in)
    body = {"plan_name": "昆山市元宇宙产业发展规划（2026—2028年）", "name_zh": "链主企业",
            "name_en": "Chain leaders", "metric": "chain_leader_enterprises",
            "target_value": 3, "deadline": "2028-12-31"}
    assert (await w.member_a.post("/api/industry/targets", json=body)).status_code == 403
    bad = await w.officer.post("/api/industry/targets", json={**body, "metric": "happiness"})
    assert bad.status_code == 422
    backwards = await w.officer.post("/api/industry/targets",
                                     json={**body, "starts_on": "2029-01-01"})
    assert backwards.status_code == 422
    made = await w.officer.post("/api/industry/targets", json=body)
    assert made.status_code == 201, made.text
    target = made.json()
    assert (target["unit"], target["starts_on"], target["current_value"]) == (
        "enterprises", "2028-01-01", 0)
    changed = await w.officer.patch(f"/api/industry/targets/{target['id']}",
                                    json={"target_value": 4})
    assert changed.json()["target_value"] == 4
    metrics = (await w.member_a.get("/api/industry/targets/metrics")).json()
    assert len(metrics) == 7
    assert [a for a in await audit_actions(app) if a.startswith("industry.target")] == [
        "industry.target.create", "industry.target.update"]


async def test_scenario_projects_belong_to_their_enterprise(
    app: FastAPI, signed_in, client: httpx.AsyncClient
) -> None:
    w = await build_world(app, signed_in)
    made = await w.member_a.post("/api/industry/scenarios", json={
        "name": "产线AR巡检", "field": "industry", "started_on": "2025-02-01",
        "milestones": [{"title": "试点产线上线", "due_on": "2025-06-30"},
                       {"title": "全厂推广", "due_on": "2025-12-31"}]})
    project = made.json()
    assert (project["owner_enterprise_id"], project["status"]) == (w.ent_a, "planned")
    assert [m["title"] for m in project["milestones"]] == ["试点产线上线", "全厂推广"]
    url = f"/api/industry/scenarios/{project['id']}"
    assert (await w.member_b.patch(url, json={"status": "suspended"})).status_code == 403
    hijack = await w.member_a.patch(url, json={"owner_enterprise_id": w.ent_b})
    assert hijack.status_code == 403
    assert (await w.member_b.post("/api/industry/scenarios", json={
        "name": "x项目", "field": "industry", "owner_enterprise_id": w.ent_a})).status_code == 403
    outside = await w.member_a.patch(url, json={"link_path": "https://example.com"})
    assert outside.status_code == 422
    finished = await w.member_a.patch(url, json={
        "status": "completed", "completed_on": "2025-12-20",
        "milestones": [{"title": "试点产线上线", "due_on": "2025-06-30", "done_on": "2025-06-28"}]})
    assert finished.json()["completed_on"] == "2025-12-20"
    assert len(finished.json()["milestones"]) == 1
    officer_edit = await w.officer.patch(url, json={"status": "suspended"})
    assert officer_edit.json()["completed_on"] is None
    assert (await w.officer.post("/api/industry/scenarios", json={
        "name": "y项目", "field": "commerce"})).status_code == 422
    by_officer = await w.officer.post("/api/industry/scenarios", json={
        "name": "虚拟商街", "field": "commerce", "owner_enterprise_id": w.ent_b})
    assert by_officer.json()["owner_name"] == "示例·乙软件"
    listed = (await client.get("/api/industry/scenarios?field=industry")).json()
    assert [p["name"] for p in listed["items"]] == ["产线AR巡检"]
    assert (await client.get("/api/industry/scenarios/999")).status_code == 404
    assert [a for a in await audit_actions(app) if a.startswith("industry.scenario")] == [
        "industry.scenario.create", "industry.scenario.update", "industry.scenario.update",
        "industry.scenario.create"]
