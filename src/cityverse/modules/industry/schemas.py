"""Enterprise directory models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Segment = Literal["hardware", "software", "content", "application"]


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    name_en: str | None
    uscc: str
    segment: Segment
    sub_segment: str
    town_key: str | None
    description: str
    description_en: str
    founded_year: int | None
    employees: int | None
    is_demo: bool
