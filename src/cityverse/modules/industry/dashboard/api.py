"""Dashboard aggregate and monthly reports; for government officers only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Request
from fastapi.responses import FileResponse

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import Principal, Role, Scope, roles_policy
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.industry.dashboard import messages as _messages  # noqa: F401 - registers
from cityverse.modules.industry.dashboard import reports, service
from cityverse.modules.industry.dashboard.schemas import (
    MONTH_PATTERN,
    DashboardOut,
    ReportIn,
    ReportOut,
)

router = make_router("/api/industry", "industry-dashboard")

OFFICERS_READ = roles_policy(Role.OFFICER, Role.ADMIN, scope=Scope.READ)
OFFICERS_WRITE = roles_policy(Role.OFFICER, Role.ADMIN, scope=Scope.WRITE)
OfficerReader = Annotated[Principal, requires(OFFICERS_READ)]
OfficerWriter = Annotated[Principal, requires(OFFICERS_WRITE)]
Paging = Annotated[PageParams, Depends(page_params)]
Month = Annotated[str, Path(pattern=MONTH_PATTERN, examples=["2025-10"])]


async def dashboard_cache(request: Request) -> service.DashboardCache:
    cache: service.DashboardCache = request.app.state.industry_dashboard_cache
    return cache


@router.get("/dashboard", response_model=DashboardOut)
async def dashboard(
    db: Db, _: OfficerReader, cache: Annotated[service.DashboardCache, Depends(dashboard_cache)]
) -> DashboardOut:
    """Every panel of the data screen in one answer; shared by all callers for a few seconds."""
    return await cache.get(lambda: service.build_dashboard(db))


@router.post("/reports", response_model=ReportOut, status_code=201)
async def generate_report(
    body: ReportIn, db: Db, settings: AppSettings, me: OfficerWriter
) -> ReportOut:
    """Make the monthly report (Excel and PDF) of a month now; an existing one is remade."""
    report = await reports.generate(db, settings, body.month, actor=me)
    return ReportOut.model_validate(report)


@router.get("/reports", response_model=PageOut[ReportOut])
async def list_reports(db: Db, _: OfficerReader, paging: Paging) -> PageOut[ReportOut]:
    """Reports made so far, newest month first (`sort=month`: oldest first)."""
    page = await reports.list_reports(db, paging)
    return page.to_out(ReportOut.model_validate)


@router.get("/reports/{month}/{fmt}", response_class=FileResponse,
            responses={200: {"content": {media: {} for media in reports.FORMATS.values()},
                             "description": "The report file."}})
async def download_report(
    month: Month, fmt: Literal["xlsx", "pdf"], db: Db, settings: AppSettings, _: OfficerReader
) -> FileResponse:
    """One report file: `xlsx` (Excel workbook) or `pdf`."""
    path = await reports.report_file(db, settings, month, fmt)
    return FileResponse(path, media_type=reports.FORMATS[fmt], filename=path.name)
