"""Monthly reports: made on demand and on schedule, stored, listed, downloaded by officers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from io import BytesIO

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from pypdf import PdfReader

from cityverse.cities.kunshan import industry_plan
from cityverse.cities.kunshan.loader import load_enterprises
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.modules.industry.dashboard import reports
from conftest import SignedInFactory
from tests_support import audit_actions

LoadEnterprises = Callable[[], Awaitable[None]]  # the `demo_enterprises` fixture


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


async def test_officer_makes_lists_and_downloads_a_report(
    app: FastAPI, signed_in: SignedInFactory, settings: Settings,
    demo_enterprises: LoadEnterprises,
) -> None:
    await demo_enterprises()
    officer = await signed_in("officer1", Role.OFFICER)
    made = await officer.post("/api/industry/reports", json={"month": "2025-10"})
    assert made.status_code == 201, made.text
    assert made.json()["month"] == "2025-10" and made.json()["trigger"] == "manual"
    listed = (await officer.get("/api/industry/reports")).json()
    assert [r["month"] for r in listed["items"]] == ["2025-10"]
    assert (settings.data_dir / "reports/industry/industry-report-2025-10.pdf").is_file()

    xlsx = await officer.get("/api/industry/reports/2025-10/xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames == ["概览", "目标指标", "申报汇总", "服务诉求", "工作专班"]
    overview = book["概览"]
    assert overview.freeze_panes == "A2"
    rows = {row[0]: row[1] for row in overview.iter_rows(min_row=2, values_only=True)}
    assert rows["报告月份"] == "2025-10"
    assert rows["产业链企业总数"] == 40
    assert rows["硬件 · 近眼显示"] >= 1
    hardware = sum(v for k, v in rows.items() if str(k).startswith("硬件 · "))
    assert hardware == 12
    assert overview["B4"].number_format == "#,##0"

    pdf = await officer.get("/api/industry/reports/2025-10/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "昆山元宇宙产业月报（2025-10）" in text
    assert "产业链企业总数：40 家" in text
    assert "硬件 12" in text  # the segment pie's label
    assert "industry.report.generate" in await audit_actions(app)


async def test_making_a_month_again_replaces_its_report(signed_in: SignedInFactory) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    first = (await officer.post("/api/industry/reports", json={"month": "2025-09"})).json()
    again = (await officer.post("/api/industry/reports", json={"month": "2025-09"})).json()
    assert again["id"] == first["id"]
    assert (await officer.get("/api/industry/reports")).json()["total"] == 1


async def test_bad_months_are_refused(signed_in: SignedInFactory) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    for month in ("2025-13", "2025-1", "October", ""):
        refused = await officer.post("/api/industry/reports", json={"month": month})
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "validation_error"
    future = await officer.post("/api/industry/reports", json={"month": "2999-01"})
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "industry_report_future_month"
    missing = await officer.get("/api/industry/reports/2024-02/pdf")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "industry_report_not_found"
    assert (await officer.get("/api/industry/reports/2024-02/doc")).status_code == 422
    assert (await officer.get("/api/industry/reports")).json()["total"] == 0


async def test_reports_are_for_officers_only(
    client: httpx.AsyncClient, signed_in: SignedInFactory
) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    await officer.post("/api/industry/reports", json={"month": "2025-10"})
    member = await signed_in("member1", Role.ENTERPRISE)
    assert (await member.get("/api/industry/reports")).status_code == 403
    assert (await member.get("/api/industry/reports/2025-10/pdf")).status_code == 403
    refused = await member.post("/api/industry/reports", json={"month": "2025-10"})
    assert refused.status_code == 403
    assert (await client.get("/api/industry/reports/2025-10/xlsx")).status_code == 401


async def test_schedule_makes_last_months_report_once(
    app: FastAPI, settings: Settings
) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        made = await reports.ensure_previous_month(session, settings, date(2026, 3, 1))
        assert made is not None and made.month == "2026-02" and made.trigger == "schedule"
    async with app.state.sessionmaker() as session, session.begin():
        assert await reports.ensure_previous_month(session, settings, date(2026, 3, 20)) is None
    async with app.state.sessionmaker() as session, session.begin():
        january = await reports.ensure_previous_month(session, settings, date(2026, 2, 1))
        assert january is not None and january.month == "2026-01"
    assert reports.report_path(settings, "2026-02", "xlsx").is_file()


def test_month_arithmetic() -> None:
    assert reports.previous_month(date(2026, 1, 1)) == "2025-12"
    assert reports.month_bounds("2025-12") == (
        datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    )


async def test_the_report_carries_the_figures_the_dashboard_shows(
    app: FastAPI, signed_in: SignedInFactory,
) -> None:
    """With the pack's year of declarations, labels, scenarios and spaces, the month's workbook
    and PDF state every target's current value exactly as the data screen does."""
    async with app.state.sessionmaker() as session, session.begin():
        enterprises = await load_enterprises(session, lambda *_: None)
        await industry_plan.load(session, enterprises, lambda *_: None)
    officer = await signed_in("officer1", Role.OFFICER)
    screen = (await officer.get("/api/industry/dashboard")).json()
    gauges = {t["name"]: t for t in screen["targets"]}
    assert len(gauges) >= 5 and any(t["current"] > 0 for t in gauges.values())

    month = datetime.now(UTC).strftime("%Y-%m")
    assert (await officer.post("/api/industry/reports", json={"month": month})).status_code == 201
    xlsx = await officer.get(f"/api/industry/reports/{month}/xlsx")
    book = load_workbook(BytesIO(xlsx.content))
    sheet = {row[0]: row for row in book["目标指标"].iter_rows(min_row=2, values_only=True)}
    assert set(sheet) == set(gauges)
    for name, gauge in gauges.items():
        _, unit, target, current, ratio, _ = sheet[name]
        assert (unit, target, current) == (gauge["unit"], gauge["target"], gauge["current"])
        assert ratio == pytest.approx(gauge["ratio"])
    overview = {row[0]: row[1] for row in book["概览"].iter_rows(min_row=2, values_only=True)}
    assert overview["产业链企业总数"] == screen["enterprises"]

    text = pdf_text((await officer.get(f"/api/industry/reports/{month}/pdf")).content)
    for gauge in gauges.values():
        assert f"{gauge['ratio']:.1%}" in text
        current = gauge["current"]
        assert (f"{current:,.0f}" if float(current).is_integer() else f"{current:,.2f}") in text
