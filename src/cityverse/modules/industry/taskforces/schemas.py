"""Request and response bodies of the task-force API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

TaskStatus = Literal["todo", "in_progress", "done", "blocked"]


class MemberOut(BaseModel):
    user_id: int
    display_name: str
    is_lead: bool


class ProgressOut(BaseModel):
    """One task force's progress, as the dashboard shows it."""

    taskforce_id: int
    key: str
    name: str
    name_en: str
    tasks: int
    done: int
    late: int = Field(description="Deadline passed and not done.")
    mean_progress: float = Field(description="Mean progress % of its tasks (0 when none).")


class TaskForceOut(BaseModel):
    id: int
    key: str
    name: str
    name_en: str
    description: str
    description_en: str
    members: list[MemberOut]
    progress: ProgressOut
    is_member: bool = Field(description="The caller belongs to this task force.")


class TaskIn(BaseModel):
    title: str = Field(min_length=2, max_length=160, examples=["建设工业元宇宙公共服务平台"])
    description: str = Field("", max_length=4000)
    owner_id: int | None = None
    deadline: date


class TaskUpdate(BaseModel):
    title: str | None = Field(None, min_length=2, max_length=160)
    description: str | None = Field(None, max_length=4000)
    owner_id: int | None = None
    deadline: date | None = None
    progress: int | None = Field(None, ge=0, le=100)
    status: TaskStatus | None = None


class TaskOut(BaseModel):
    id: int
    taskforce_id: int
    title: str
    description: str
    owner: MemberOut | None
    deadline: date
    progress: int
    status: TaskStatus
    late: bool = Field(description="Deadline passed and not done (computed today).")
    evidence_count: int
    updated_at: datetime
    done_at: datetime | None


class EvidenceIn(BaseModel):
    kind: Literal["note", "link"]
    note: str = Field("", max_length=4000)
    url: HttpUrl | None = Field(None, description="For a link.")


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    task_id: int
    kind: Literal["note", "link", "file"]
    note: str
    url: str | None
    filename: str | None
    content_type: str | None
    size: int | None
    author_name: str
    created_at: datetime


class MemberIn(BaseModel):
    user_id: int
    is_lead: bool = False
