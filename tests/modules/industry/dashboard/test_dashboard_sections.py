"""Targets, service requests and task forces reach the dashboard and the monthly report with
exact figures, after records are made through the registry's and service center's APIs."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from fastapi import FastAPI
from openpyxl import load_workbook
from pypdf import PdfReader

from cityverse.core.db import utcnow
from cityverse.modules.industry.taskforces import service as taskforces
from conftest import SignedInFactory
from modules.industry.support_fixtures import World, file_request, make_world

TARGET = {"plan_name": "示例·元宇宙产业计划", "name_zh": "示例·领军企业", "name_en": "Leaders",
          "metric": "leading_enterprises", "target_value": 5, "starts_on": "2025-01-01",
          "deadline": "2027-12-31"}


async def grant_leading(world: World, enterprise_id: int) -> None:
    granted = await world.officer.post("/api/industry/labels", json={
        "enterprise_id": enterprise_id, "kind": "leading", "granted_on": "2025-05-10",
        "source": "示例·2025 年认定"})
    assert granted.status_code == 201, granted.text


async def handle(world: World, request_id: object, *steps: str) -> None:
    for step in steps:
        body = {"reason": "不属于服务范围"} if step == "reject" else {}
        moved = await world.officer.post(f"/api/industry/support/requests/{request_id}/{step}",
                                         json=body)
        assert moved.status_code == 200, moved.text


async def make_records(app: FastAPI, world: World) -> None:
    assert (await world.officer.post("/api/industry/targets", json=TARGET)).status_code == 201
    await grant_leading(world, world.enterprise_a)
    await grant_leading(world, world.enterprise_b)
    first, second, _third = [await file_request(world, f"示例·诉求{n}") for n in range(3)]
    await handle(world, first["id"], "accept", "start", "resolve")
    await handle(world, second["id"], "reject")
    async with app.state.sessionmaker() as session, session.begin():
        force = await taskforces.upsert_taskforce(
            session, "demo-force", name="示例·硬件专班", name_en="Hardware task force",
            description="", description_en="")
        for key, progress, status in (("t1", 100, "done"), ("t2", 50, "in_progress")):
            await taskforces.ensure_task(session, force.id, key, title=f"示例·任务{key}",
                                         owner_id=None, deadline=date(2099, 1, 1),
                                         progress=progress, status=status)


async def test_dashboard_shows_targets_requests_and_task_forces(
    app: FastAPI, signed_in: SignedInFactory
) -> None:
    world = await make_world(app, signed_in)
    await make_records(app, world)
    body = (await world.officer.get("/api/industry/dashboard")).json()

    [gauge] = body["targets"]
    assert (gauge["name"], gauge["unit"], gauge["target"], gauge["current"], gauge["ratio"]) == (
        "示例·领军企业", "家", 5, 2, 0.4)
    [trend] = body["trends"]
    points = {p["quarter"]: p["value"] for p in trend["points"]}
    assert (points["2025Q1"], points["2025Q2"]) == (0, 2)

    service = body["service"]
    assert {k: service[k] for k in ("total", "open", "resolved", "rejected")} == {
        "total": 3, "open": 1, "resolved": 1, "rejected": 1}
    this_month = f"{utcnow():%Y-%m}"
    assert service["by_month"][-1] == {"period": this_month, "submitted": 3, "resolved": 1}
    assert len(service["by_month"]) == 12

    [force] = body["task_forces"]
    assert (force["name"], force["tasks_total"], force["tasks_done"], force["progress"]) == (
        "示例·硬件专班", 2, 1, 0.75)
    assert body["enterprises"] == 2


async def test_monthly_report_carries_the_same_figures(
    app: FastAPI, signed_in: SignedInFactory
) -> None:
    world = await make_world(app, signed_in)
    await make_records(app, world)
    month = f"{utcnow():%Y-%m}"
    made = await world.officer.post("/api/industry/reports", json={"month": month})
    assert made.status_code == 201, made.text

    xlsx = await world.officer.get(f"/api/industry/reports/{month}/xlsx")
    book = load_workbook(BytesIO(xlsx.content))
    targets = list(book["目标指标"].iter_rows(min_row=2, values_only=True))
    assert targets == [("示例·领军企业", "家", 5, 2, 0.4, "2027-12-31")]
    assert book["目标指标"]["E2"].number_format == "0.0%"
    service = {row[0]: row[1:] for row in book["服务诉求"].iter_rows(min_row=2, values_only=True)}
    assert service[month] == (3, 1)
    assert service["当前在办"] == (1, None)
    forces = list(book["工作专班"].iter_rows(min_row=2, values_only=True))
    assert forces == [("示例·硬件专班", 2, 1, 0, 0.75)]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"

    pdf = await world.officer.get(f"/api/industry/reports/{month}/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "本月受理服务诉求 3 件，办结 1 件；当前在办 1 件" in text
    assert "示例·领军企业" in text and "40.0%" in text
    assert "示例·硬件专班" in text and "75%" in text
