"""Request and response bodies of the innovation-center service API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["technology", "finance", "legal", "ip", "talent", "space"]
RequestStatus = Literal["submitted", "accepted", "in_progress", "resolved", "rejected"]
OPEN_STATUSES: tuple[str, ...] = ("submitted", "accepted", "in_progress")


class ProviderIn(BaseModel):
    name: str = Field(min_length=2, max_length=128, examples=["示例·昆山科创技术转移中心"])
    contact: str = Field("", max_length=128, examples=["0512-5000 0001"])
    description: str = Field("", max_length=2000)


class ProviderOut(ProviderIn):
    model_config = ConfigDict(from_attributes=True)

    id: int


class ServiceIn(BaseModel):
    category: Category
    name: str = Field(min_length=2, max_length=128, examples=["技术成果转化对接"])
    name_en: str = Field("", max_length=160, examples=["Technology transfer matching"])
    description: str = Field("", max_length=4000)
    description_en: str = Field("", max_length=4000)
    sla_days: int = Field(10, ge=1, le=365, description="Days promised to resolve a request.")
    providers: list[ProviderIn] = Field(default_factory=list, max_length=20)


class ServiceUpdate(BaseModel):
    category: Category | None = None
    name: str | None = Field(None, min_length=2, max_length=128)
    name_en: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=4000)
    description_en: str | None = Field(None, max_length=4000)
    sla_days: int | None = Field(None, ge=1, le=365)
    is_active: bool | None = None
    providers: list[ProviderIn] | None = Field(
        None, max_length=20, description="When given, replaces the service's providers."
    )


class ServiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    category: Category
    name: str
    name_en: str
    description: str
    description_en: str
    sla_days: int
    is_active: bool
    providers: list[ProviderOut]


class RequestIn(BaseModel):
    service_id: int
    title: str = Field(min_length=2, max_length=120, examples=["申请高新技术企业认定辅导"])
    description: str = Field("", max_length=4000)
    enterprise_id: int | None = Field(
        None, description="For members of several enterprises; default: the caller's one."
    )


class AcceptIn(BaseModel):
    assignee_id: int | None = Field(None, description="Officer to handle it (optional).")


class AssignIn(BaseModel):
    assignee_id: int


class ResolveIn(BaseModel):
    resolution: str = Field("", max_length=4000, examples=["已完成对接，合作协议已签署。"])


class RejectIn(BaseModel):
    reason: str = Field(min_length=2, max_length=500, examples=["不属于本中心服务范围"])


class RatingIn(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


class PersonOut(BaseModel):
    id: int
    display_name: str


class RequestOut(BaseModel):
    id: int
    service_id: int
    service_name: str
    service_name_en: str
    category: Category
    enterprise_id: int
    enterprise_name: str
    requester: PersonOut | None
    assignee: PersonOut | None
    title: str
    description: str
    status: RequestStatus
    reject_reason: str | None
    resolution: str | None
    due_at: datetime
    overdue: bool = Field(description="Still open after its due date (computed now).")
    submitted_at: datetime
    accepted_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    rejected_at: datetime | None
    rating: int | None
    rating_comment: str | None
    updated_at: datetime


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author_name: str
    from_officer: bool
    body: str
    created_at: datetime


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    uploader_name: str
    filename: str
    content_type: str
    size: int
    created_at: datetime


class PeriodCount(BaseModel):
    period: str = Field(examples=["2026-03", "2026-Q1"])
    submitted: int
    resolved: int


class SupportStatsOut(BaseModel):
    by_month: list[PeriodCount]
    by_quarter: list[PeriodCount]
    total: int
    open: int
    overdue: int
    resolved: int
    rejected: int
    avg_resolution_days: float | None = Field(description="From submission to resolution.")
    mean_satisfaction: float | None = Field(description="Mean rating 1–5 of rated requests.")
    ratings: int
