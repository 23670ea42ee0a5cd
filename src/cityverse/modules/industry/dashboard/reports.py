"""Monthly industry reports: what goes into them, where their files live, who made them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.core.storage import write_atomically
from cityverse.modules.industry.dashboard import service
from cityverse.modules.industry.dashboard.models import IndustryReport
from cityverse.modules.industry.dashboard.schemas import (
    SegmentCount,
    ServiceThroughput,
    TargetGauge,
    TargetTrend,
    TaskForceProgress,
)
from cityverse.modules.industry.registry import service as registry

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class ReportData:
    """Everything one monthly report shows; both file formats render this same data."""

    month: str
    generated_at: datetime
    enterprises: int
    by_segment: list[SegmentCount]
    targets: list[TargetGauge]
    trends: list[TargetTrend]
    declarations: list[SummaryRow]
    service: ServiceThroughput
    task_forces: list[TaskForceProgress]

    @property
    def service_month(self) -> tuple[int, int]:
        """(submitted, resolved) during the report's month."""
        for point in self.service.by_month:
            if point.period == self.month:
                return point.submitted, point.resolved
        return 0, 0


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) in UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def previous_month(today: date) -> str:
    last_day = today.replace(day=1) - timedelta(days=1)
    return f"{last_day.year:04d}-{last_day.month:02d}"


async def declarations_summary(session: AsyncSession, month: str) -> list[SummaryRow]:
    """Yearly declarations: confirmed during the month, waiting for review, and the totals of
    each declaration year as confirmed by the month's end."""
    figures = await registry.declaration_figures(session, *month_bounds(month))
    rows = [SummaryRow("本月确认申报", figures.confirmed_in_period, "份"),
            SummaryRow("当前待审核申报", figures.waiting_for_review, "份")]
    for totals in figures.years:
        year = totals.year
        rows += [
            SummaryRow(f"{year} 年度已确认申报企业", totals.enterprises, "家"),
            SummaryRow(f"{year} 年度元宇宙相关营业收入", round(totals.revenue / 1e8, 2), "亿元"),
            SummaryRow(f"{year} 年度研发投入", round(totals.rd_spending / 1e8, 2), "亿元"),
            SummaryRow(f"{year} 年度从业人员", totals.headcount, "人"),
            SummaryRow(f"{year} 年度专利", totals.patents, "件"),
            SummaryRow(f"{year} 年度软件著作权", totals.software_copyrights, "件"),
            SummaryRow(f"{year} 年度商标", totals.trademarks, "件"),
        ]
    return rows


async def gather(session: AsyncSession, month: str, now: datetime) -> ReportData:
    _, end = month_bounds(month)
    as_of = min(now, end - timedelta(microseconds=1))
    dashboard = await service.build_dashboard(session, as_of)
    return ReportData(
        month=month, generated_at=now, enterprises=dashboard.enterprises,
        by_segment=dashboard.by_segment, targets=dashboard.targets, trends=dashboard.trends,
        declarations=await declarations_summary(session, month), service=dashboard.service,
        task_forces=dashboard.task_forces,
    )


def report_dir(settings: Settings) -> Path:
    return settings.data_dir / "reports" / "industry"


def report_path(settings: Settings, month: str, fmt: str) -> Path:
    return report_dir(settings) / f"industry-report-{month}.{fmt}"


def _render_files(data: ReportData) -> tuple[bytes, bytes]:
    # Imported here: the renderers pull in openpyxl and reportlab, which only this needs.
    from cityverse.modules.industry.dashboard.pdf import render_pdf
    from cityverse.modules.industry.dashboard.workbook import render_workbook

    return render_workbook(data), render_pdf(data)


async def generate(
    session: AsyncSession, settings: Settings, month: str, *, actor: Principal | None,
    now: datetime | None = None,
) -> IndustryReport:
    """Make (or remake) the report of `month`: both files, one row, one audit entry."""
    now = now or utcnow()
    start, _ = month_bounds(month)
    if start > now:
        raise AppError(422, "industry_report_future_month", month=month)
    data = await gather(session, month, now)
    # Rendering is CPU work of a second or so; keep the event loop serving meanwhile.
    xlsx, pdf = await asyncio.to_thread(_render_files, data)
    for fmt, content in (("xlsx", xlsx), ("pdf", pdf)):
        await asyncio.to_thread(write_atomically, report_path(settings, month, fmt), content)
    report = await session.scalar(select(IndustryReport).where(IndustryReport.month == month))
    before = None if report is None else {"generated_at": report.generated_at.isoformat()}
    if report is None:
        report = IndustryReport(month=month)
        session.add(report)
    report.generated_at = now
    report.generated_by = actor.user_id if actor else None
    report.trigger = "manual" if actor else "schedule"
    report.xlsx_bytes, report.pdf_bytes = len(xlsx), len(pdf)
    await session.flush()
    await audit.record(
        session, actor_id=actor.user_id if actor else None,
        actor_name=actor.username if actor else None, action="industry.report.generate",
        target_type="industry_report", target_id=month, before=before,
        after={"generated_at": now.isoformat(), "trigger": report.trigger},
    )
    return report


async def ensure_previous_month(
    session: AsyncSession, settings: Settings, today: date
) -> IndustryReport | None:
    """The monthly schedule: from the 1st on, make last month's report unless it exists."""
    month = previous_month(today)
    exists = await session.scalar(
        select(IndustryReport.id).where(IndustryReport.month == month)
    )
    if exists is not None:
        return None
    return await generate(session, settings, month, actor=None)


async def list_reports(session: AsyncSession, params: PageParams) -> Page[IndustryReport]:
    query = select(IndustryReport)
    total = await session.scalar(select(func.count()).select_from(IndustryReport))
    rows = await session.scalars(params.apply(
        query, IndustryReport, default="-month", allowed={"month", "generated_at"}
    ))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def report_file(
    session: AsyncSession, settings: Settings, month: str, fmt: str
) -> Path:
    found = await session.scalar(select(IndustryReport.id).where(IndustryReport.month == month))
    path = report_path(settings, month, fmt)
    if found is None or not path.is_file():
        raise AppError(404, "industry_report_not_found", month=month)
    return path
