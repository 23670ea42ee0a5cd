"""Request and response models of plan targets, industrial spaces and scenario projects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cityverse.modules.industry.chain import ApplicationField

Metric = Literal[
    "industry_revenue", "rd_spending", "scenario_projects_completed", "leading_enterprises",
    "specialized_smes", "chain_leader_enterprises", "industrial_space_area",
]
Unit = Literal["yuan", "projects", "enterprises", "m2"]
ScenarioStatus = Literal["planned", "in_progress", "completed", "suspended"]
# A path inside the platform (a space, a twin view), never an outside address.
LINK_PATTERN = r"^(/[A-Za-z0-9._~\-/?=&%#]*)?$"


class MetricOut(BaseModel):
    key: Metric
    zh: str
    en: str
    unit: Unit
    description_zh: str
    description_en: str


class TargetIn(BaseModel):
    plan_name: str = Field(min_length=2, max_length=128)
    plan_name_en: str = Field("", max_length=160)
    name_zh: str = Field(min_length=2, max_length=128)
    name_en: str = Field(min_length=2, max_length=160)
    metric: Metric
    target_value: int = Field(gt=0, le=10**15)
    starts_on: date | None = Field(None, description="Start of the trend; default 1 Jan of the "
                                   "deadline's year.")
    deadline: date

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "plan_name": "昆山市元宇宙产业发展规划（2026—2028年）",
        "plan_name_en": "Kunshan Metaverse Industry Plan (2026–2028)",
        "name_zh": "元宇宙产业规模", "name_en": "Metaverse industry scale",
        "metric": "industry_revenue", "target_value": 150000000000, "deadline": "2028-12-31"}]})


class TargetPatch(BaseModel):
    plan_name: str | None = Field(None, min_length=2, max_length=128)
    plan_name_en: str | None = Field(None, max_length=160)
    name_zh: str | None = Field(None, min_length=2, max_length=128)
    name_en: str | None = Field(None, min_length=2, max_length=160)
    target_value: int | None = Field(None, gt=0, le=10**15)
    starts_on: date | None = None
    deadline: date | None = None


class TrendPoint(BaseModel):
    quarter: str = Field(examples=["2025Q3"])
    end: date = Field(description="Last day of the quarter, or the as-of date for the current.")
    value: int


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str | None
    plan_name: str
    plan_name_en: str
    name_zh: str
    name_en: str
    metric: Metric
    target_value: int
    unit: Unit
    starts_on: date
    deadline: date


class TargetProgressOut(TargetOut):
    """A target with its value computed from live records on `as_of`."""

    as_of: date
    current_value: int
    gap: int = Field(description="How much is still missing (0 once met).")
    percent: float = Field(description="Current value as a percentage of the target, 1 decimal.")
    met: bool
    trend: list[TrendPoint] = Field(description="Value at the end of each quarter.")


class IndustrialSpaceIn(BaseModel):
    park_name: str = Field(min_length=2, max_length=128)
    town: str = Field(min_length=2, max_length=64)
    area_m2: int = Field(gt=0, le=10**8)
    in_service_on: date
    note: str = Field("", max_length=500)

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "park_name": "昆山元宇宙产业园（一期）", "town": "花桥镇", "area_m2": 68000,
        "in_service_on": "2023-06-30"}]})


class SpacePatch(BaseModel):
    park_name: str | None = Field(None, min_length=2, max_length=128)
    town: str | None = Field(None, min_length=2, max_length=64)
    area_m2: int | None = Field(None, gt=0, le=10**8)
    in_service_on: date | None = None
    note: str | None = Field(None, max_length=500)


class IndustrialSpaceOut(IndustrialSpaceIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime


class MilestoneIn(BaseModel):
    title: str = Field(min_length=2, max_length=128)
    due_on: date
    done_on: date | None = None


class MilestoneOut(MilestoneIn):
    model_config = ConfigDict(from_attributes=True)

    id: int


class ScenarioIn(BaseModel):
    name: str = Field(min_length=2, max_length=128)
    name_en: str = Field("", max_length=160)
    field: ApplicationField
    owner_enterprise_id: int | None = Field(
        None, description="Officers name the owner; a member's project is their enterprise's.")
    description: str = Field("", max_length=2000)
    status: ScenarioStatus = "planned"
    started_on: date | None = None
    completed_on: date | None = Field(None, description="Defaults to today when completed.")
    link_path: str = Field("", max_length=200, pattern=LINK_PATTERN,
                           description="Platform path of the space or twin view showing it.")
    milestones: list[MilestoneIn] = Field(default=[], max_length=30)

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "周庄古镇沉浸式夜游", "field": "culture-tourism", "status": "in_progress",
        "started_on": "2025-03-01", "link_path": "/spaces/zhouzhuang-night",
        "milestones": [{"title": "方案评审", "due_on": "2025-04-30", "done_on": "2025-04-28"}]}]})


class ScenarioPatch(BaseModel):
    name: str | None = Field(None, min_length=2, max_length=128)
    name_en: str | None = Field(None, max_length=160)
    field: ApplicationField | None = None
    owner_enterprise_id: int | None = None
    description: str | None = Field(None, max_length=2000)
    status: ScenarioStatus | None = None
    started_on: date | None = None
    completed_on: date | None = None
    link_path: str | None = Field(None, max_length=200, pattern=LINK_PATTERN)
    milestones: list[MilestoneIn] | None = Field(
        None, max_length=30, description="When given, replaces the whole list.")


class ScenarioOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    name_en: str
    field: ApplicationField
    owner_enterprise_id: int
    owner_name: str = ""
    description: str
    status: ScenarioStatus
    started_on: date | None
    completed_on: date | None
    link_path: str
    milestones: list[MilestoneOut] = []
    updated_at: datetime
