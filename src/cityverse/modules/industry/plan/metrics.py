"""The fixed set of computable metrics a plan target can measure.

Every metric is reduced to dated records — (counts from, stops counting on, amount) — so the
value on any day, and so a quarterly trend, comes from one query per target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.industry.plan.models import IndustrialSpace, ScenarioProject
from cityverse.modules.industry.registry.models import Declaration, EnterpriseLabel


@dataclass(frozen=True)
class MetricInfo:
    zh: str
    en: str
    unit: str
    description_zh: str
    description_en: str


METRICS: dict[str, MetricInfo] = {
    "industry_revenue": MetricInfo(
        "产业规模", "Industry scale", "yuan",
        "截止年度已确认申报的元宇宙相关营业收入合计（按确认日期计入）",
        "Sum of confirmed declared metaverse revenue for the deadline's year, from the day "
        "each is confirmed"),
    "rd_spending": MetricInfo(
        "研发投入", "R&D spending", "yuan",
        "截止年度已确认申报的研发投入合计",
        "Sum of confirmed declared R&D for the deadline's year"),
    "scenario_projects_completed": MetricInfo(
        "典型应用场景项目", "Typical application scenarios", "projects",
        "已完成的典型应用场景项目数（按完成日期）",
        "Completed scenario projects, from their completion date"),
    "leading_enterprises": MetricInfo(
        "国际竞争力领军企业", "Internationally competitive leading enterprises", "enterprises",
        "持有“领军企业”称号的企业数", "Enterprises holding the 领军企业 label"),
    "specialized_smes": MetricInfo(
        "专精特新中小企业", "Specialized and innovative SMEs", "enterprises",
        "持有“专精特新”称号的企业数", "Enterprises holding the 专精特新 label"),
    "chain_leader_enterprises": MetricInfo(
        "链主企业", "Chain-leader enterprises", "enterprises",
        "持有“链主企业”称号的企业数", "Enterprises holding the 链主企业 label"),
    "industrial_space_area": MetricInfo(
        "产业空间面积", "Industrial space", "m2",
        "已投用的产业空间面积合计（平方米）", "Floor area of industrial space in service, m²"),
}

LABEL_OF_METRIC = {"leading_enterprises": "leading", "specialized_smes": "specialized",
                   "chain_leader_enterprises": "chain-leader"}

# (counts from, stops counting on — None for never, amount)
Record = tuple[date, date | None, int]


def value_on(records: list[Record], day: date) -> int:
    """The metric's value at the end of `day`."""
    return sum(amount for start, end, amount in records
               if start <= day and (end is None or end > day))


async def metric_records(session: AsyncSession, metric: str, year: int) -> list[Record]:
    """The dated records behind a metric; `year` is the declaration year for money metrics."""
    if metric in ("industry_revenue", "rd_spending"):
        column = Declaration.revenue if metric == "industry_revenue" else Declaration.rd_spending
        rows = await session.execute(select(Declaration.reviewed_at, column).where(
            Declaration.status == "confirmed", Declaration.year == year,
            Declaration.reviewed_at.is_not(None)))
        return [(at.date(), None, int(amount)) for at, amount in rows]
    if metric in LABEL_OF_METRIC:
        rows = await session.execute(
            select(EnterpriseLabel.granted_on, EnterpriseLabel.revoked_on)
            .where(EnterpriseLabel.kind == LABEL_OF_METRIC[metric]))
        return [(granted, revoked, 1) for granted, revoked in rows]
    if metric == "scenario_projects_completed":
        days = await session.scalars(select(ScenarioProject.completed_on).where(
            ScenarioProject.status == "completed", ScenarioProject.completed_on.is_not(None)))
        return [(day, None, 1) for day in days if day is not None]
    if metric == "industrial_space_area":
        rows = await session.execute(
            select(IndustrialSpace.in_service_on, IndustrialSpace.area_m2))
        return [(day, None, int(area)) for day, area in rows]
    raise ValueError(f"unknown metric {metric!r}")
