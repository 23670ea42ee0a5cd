"""The innovation center's and task forces' demo data tells a believable year."""

from __future__ import annotations

from collections import Counter

from fastapi import FastAPI
from sqlalchemy import select

from cityverse.cities.kunshan import loader
from cityverse.core.config import Settings
from cityverse.modules.industry.support import service as support
from cityverse.modules.industry.support.models import ServiceRequest, SupportService
from cityverse.modules.industry.taskforces import service as taskforces


async def test_a_year_of_requests_and_six_task_forces(app: FastAPI, settings: Settings) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await loader.load(session, settings, lambda *_: None)
    async with app.state.sessionmaker() as session:
        categories = set(await session.scalars(select(SupportService.category)))
        assert categories == {"technology", "finance", "legal", "ip", "talent", "space"}
        requests = list(await session.scalars(select(ServiceRequest)))
        statuses = Counter(r.status for r in requests)
        assert set(statuses) == {"submitted", "accepted", "in_progress", "resolved", "rejected"}
        assert len({r.enterprise_id for r in requests}) == 6
        figures = await support.stats(session)
        assert figures.overdue > 0
        assert figures.ratings > 10 and 3 < (figures.mean_satisfaction or 0) <= 5
        assert sum(1 for p in figures.by_month if p.submitted) >= 10  # spread over the year
        progress = await taskforces.progress_summary(session)
    assert [p.name for p in progress] == ["创新生态专班", "工业元宇宙专班", "文体旅元宇宙专班",
                                          "智慧城市元宇宙专班", "教育卫生元宇宙专班",
                                          "商业服务元宇宙专班"]
    assert sum(p.tasks for p in progress) == 30
    assert sum(p.late for p in progress) >= 5
