"""Enterprise directory models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from cityverse.modules.industry.chain import Segment
from cityverse.modules.industry.registry.schemas import LabelKind

__all__ = ["ChainPositionIn", "ChainPositionOut", "ChainSegmentOut", "EnterpriseOut", "Segment"]


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
    labels: list[LabelKind] = Field(default=[], description="Labels held now.")


class ChainPositionIn(BaseModel):
    segment: Segment
    sub_segment: str = Field(min_length=2, max_length=32, examples=["optics"])


class ChainPositionOut(BaseModel):
    key: str
    zh: str
    en: str


class ChainSegmentOut(BaseModel):
    key: Segment
    zh: str
    en: str
    positions: list[ChainPositionOut]
