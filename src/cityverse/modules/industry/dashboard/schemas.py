"""Shapes of the dashboard aggregate and of the monthly reports."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from cityverse.modules.industry.schemas import Segment

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class TownCount(BaseModel):
    town_key: str = Field(description="Key of the town in the city pack.")
    enterprises: int


class SegmentCount(BaseModel):
    segment: Segment
    sub_segment: str
    enterprises: int


class TargetGauge(BaseModel):
    """One plan target against its current value, in a unit fit for display."""

    key: str = Field(description="The target's id, as a string.")
    name: str
    name_en: str
    unit: str = Field(examples=["亿元"])
    unit_en: str = Field(examples=["100M yuan"])
    target: float
    current: float
    ratio: float = Field(description="current / target (may exceed 1).")
    deadline: date


class TrendPoint(BaseModel):
    quarter: str = Field(examples=["2025Q3"])
    value: float


class TargetTrend(BaseModel):
    key: str
    name: str
    name_en: str
    unit: str
    unit_en: str
    points: list[TrendPoint] = Field(description="Value at the end of each quarter.")


class ThroughputPoint(BaseModel):
    period: str = Field(description="Month, YYYY-MM.", examples=["2025-11"])
    submitted: int
    resolved: int


class ServiceThroughput(BaseModel):
    """Service-center requests: where they stand and how many flow through per month."""

    total: int
    open: int = Field(description="Filed, accepted or being handled.")
    overdue: int = Field(description="Open past their due time.")
    resolved: int
    rejected: int
    avg_resolution_days: float | None
    mean_satisfaction: float | None = Field(description="Mean rating 1–5.")
    by_month: list[ThroughputPoint] = Field(description="The last twelve months, oldest first.")


class TaskForceProgress(BaseModel):
    id: int
    name: str
    name_en: str
    tasks_total: int
    tasks_done: int
    tasks_late: int
    progress: float = Field(description="Mean progress of its tasks, 0–1.")


class DashboardOut(BaseModel):
    """Everything the big screen shows, in one answer (may be a few seconds old)."""

    generated_at: datetime
    enterprises: int
    by_town: list[TownCount]
    by_segment: list[SegmentCount]
    targets: list[TargetGauge]
    trends: list[TargetTrend]
    service: ServiceThroughput
    task_forces: list[TaskForceProgress]


class ReportIn(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN, examples=["2025-10"],
                       description="The month to report on, YYYY-MM.")


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    month: str
    generated_at: datetime
    trigger: str = Field(description="`manual` (an officer asked) or `schedule` (monthly job).")
    xlsx_bytes: int
    pdf_bytes: int
