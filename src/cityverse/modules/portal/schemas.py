"""Portal models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class FigureOut(BaseModel):
    key: str
    label_zh: str
    label_en: str
    value: int


class SystemOut(BaseModel):
    key: str
    number: int
    name_zh: str
    name_en: str
    summary_zh: str
    summary_en: str
    status: Literal["live", "coming"]
    path: str | None
    counts: list[FigureOut]


class SummaryOut(BaseModel):
    users: int
    verified_users: int
    enterprises: int
    places: int


class CityOut(BaseModel):
    key: str
    name_zh: str
    name_en: str


class MetaOut(BaseModel):
    version: str
    city: CityOut
    dev_mode: bool
