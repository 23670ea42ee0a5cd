"""Request and response models of labels and yearly declarations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

LabelKind = Literal["specialized", "leading", "chain-leader"]
DeclarationStatus = Literal["draft", "submitted", "returned", "confirmed"]

LABEL_NAMES: dict[str, tuple[str, str]] = {
    "specialized": ("专精特新", "Specialized and innovative SME"),
    "leading": ("领军企业", "Leading enterprise"),
    "chain-leader": ("链主企业", "Chain-leader enterprise"),
}

# Yuan and counts: non-negative, and below what a single enterprise could plausibly declare.
Yuan = Annotated[int, Field(ge=0, le=10**13, description="Yuan, integer.")]
Count = Annotated[int, Field(ge=0, le=10**7)]


class LabelGrantIn(BaseModel):
    enterprise_id: int
    kind: LabelKind
    granted_on: date
    source: str = Field(min_length=2, max_length=128, description="Granting body and batch.")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enterprise_id": 1, "kind": "specialized", "granted_on": "2024-08-16",
        "source": "苏州市工信局 2024 年第二批"}]})


class LabelRevokeIn(BaseModel):
    revoked_on: date
    reason: str = Field(min_length=2, max_length=200)


class LabelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    enterprise_name: str = ""
    kind: LabelKind
    granted_on: date
    source: str
    revoked_on: date | None
    revoked_reason: str | None
    active: bool = True


class DeclarationFigures(BaseModel):
    revenue: Yuan
    rd_spending: Yuan
    headcount: Count
    patents: Count
    software_copyrights: Count
    trademarks: Count


class DeclarationIn(DeclarationFigures):
    year: int = Field(ge=2000, le=2100)
    enterprise_id: int | None = Field(
        None, description="Needed only by members of several enterprises."
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "year": 2025, "revenue": 268000000, "rd_spending": 31500000, "headcount": 262,
        "patents": 48, "software_copyrights": 12, "trademarks": 6}]})


class DeclarationPatch(BaseModel):
    revenue: Yuan | None = None
    rd_spending: Yuan | None = None
    headcount: Count | None = None
    patents: Count | None = None
    software_copyrights: Count | None = None
    trademarks: Count | None = None


class ReturnIn(BaseModel):
    reason: str = Field(min_length=2, max_length=500, description="Shown to the enterprise.")


class DeclarationOut(DeclarationFigures):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    enterprise_name: str = ""
    year: int
    status: DeclarationStatus
    return_reason: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    updated_at: datetime
