"""The dashboard's figures, computed from requests with known dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from cityverse.modules.industry import service as industry
from cityverse.modules.industry.support import service
from cityverse.modules.industry.support.models import ServiceRequest, SupportService
from modules.industry.support_fixtures import BASE

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


async def _seed(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        enterprise = await industry.upsert_enterprise(
            session, {**BASE, "key": "a", "name": "示例·甲", "uscc": "91320583DEMKN00012"})
        offered = SupportService(category="legal", name="法律咨询", sla_days=10)
        session.add(offered)
        await session.flush()

        def request(status: str, submitted: datetime, *, resolved: datetime | None = None,
                    due_in: int = 10, rating: int | None = None) -> ServiceRequest:
            return ServiceRequest(
                service_id=offered.id, enterprise_id=enterprise.id, title="t", status=status,
                submitted_at=submitted, due_at=submitted + timedelta(days=due_in),
                resolved_at=resolved, rating=rating, updated_at=submitted,
            )

        session.add_all([
            # Out of the 12-month window (Dec 2025 – Nov 2026): counted in totals only.
            request("resolved", at(10, 1, 2025), resolved=at(10, 11, 2025), rating=2),
            # Resolved in 4 and 6 days, rated 5 and 4.
            request("resolved", at(1, 10), resolved=at(1, 14), rating=5),
            request("resolved", at(3, 28), resolved=at(4, 3), rating=4),
            # Open and overdue (due 2026-11-10 < NOW), open and not yet due, rejected.
            request("in_progress", at(10, 31)),
            request("submitted", at(11, 15)),
            request("rejected", at(5, 5)),
            request("accepted", at(2, 1), due_in=400),
        ])


async def test_stats_exact_figures(app: FastAPI) -> None:
    await _seed(app)
    async with app.state.sessionmaker() as session:
        figures = await service.stats(session, now=NOW)
    months = {p.period: (p.submitted, p.resolved) for p in figures.by_month}
    assert [*months][::11] == ["2025-12", "2026-11"]
    assert len(months) == 12
    assert months["2026-01"] == (1, 1)
    assert months["2026-02"] == (1, 0)
    assert months["2026-03"] == (1, 0)
    assert months["2026-04"] == (0, 1)
    assert months["2026-10"] == (1, 0)
    assert months["2026-11"] == (1, 0)
    assert sum(s for s, _ in months.values()) == 6
    quarters = {p.period: (p.submitted, p.resolved) for p in figures.by_quarter}
    assert quarters == {"2025-Q4": (0, 0), "2026-Q1": (3, 1), "2026-Q2": (1, 1),
                        "2026-Q3": (0, 0), "2026-Q4": (2, 0)}
    assert (figures.total, figures.open, figures.overdue) == (7, 3, 1)
    assert (figures.resolved, figures.rejected) == (3, 1)
    # (10 + 4 + 6) / 3 days; (2 + 5 + 4) / 3 stars.
    assert figures.avg_resolution_days == 6.7
    assert figures.mean_satisfaction == 3.67
    assert figures.ratings == 3


async def test_stats_of_nothing(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        figures = await service.stats(session, now=NOW)
    assert figures.total == 0
    assert figures.avg_resolution_days is None and figures.mean_satisfaction is None
    assert all(p.submitted == 0 for p in figures.by_month)


async def test_stats_api_is_for_officers(app: FastAPI, signed_in) -> None:
    await _seed(app)
    officer = await signed_in("officer1", "officer")
    member = await signed_in("member1", "enterprise")
    response = await officer.get("/api/industry/support/stats")
    assert response.status_code == 200
    assert response.json()["total"] == 7
    assert response.json()["open"] == 3
    refused: httpx.Response = await member.get("/api/industry/support/stats")
    assert refused.status_code == 403
