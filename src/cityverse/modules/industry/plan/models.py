"""Plan targets, industrial space records and typical application scenario projects."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow

# Targets reach ¥100 bn: past 2^31. SQLite's INTEGER is 64-bit already.
Amount = BigInteger().with_variant(Integer(), "sqlite")


class PlanTarget(Base):
    """One quantified goal of a plan; its current value is computed, never stored."""

    __tablename__ = "industry_plan_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # city-pack identity
    plan_name: Mapped[str] = mapped_column(String(128))
    plan_name_en: Mapped[str] = mapped_column(String(160), default="")
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(160))
    metric: Mapped[str] = mapped_column(String(40))
    target_value: Mapped[int] = mapped_column(Amount)
    unit: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class IndustrialSpace(Base):
    """Floor space of a park put in service for the industry (counts from its service date)."""

    __tablename__ = "industry_spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)
    park_name: Mapped[str] = mapped_column(String(128))
    town: Mapped[str] = mapped_column(String(64))
    area_m2: Mapped[int] = mapped_column(Integer)
    in_service_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ScenarioProject(Base):
    """A typical application scenario (典型应用场景) run by one enterprise."""

    __tablename__ = "industry_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    field: Mapped[str] = mapped_column(String(24), index=True)
    owner_enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("industry_enterprises.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True, default="planned")
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    link_path: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ScenarioMilestone(Base):
    __tablename__ = "industry_scenario_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("industry_scenarios.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(128))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
