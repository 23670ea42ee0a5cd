"""Labels granted by officers, and yearly declarations filed by enterprise members.

Members only ever see their own enterprise's declarations: another enterprise's is answered
with 404, the same as one that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal, Role
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.industry.models import Enterprise, EnterpriseMember
from cityverse.modules.industry.registry import messages as _messages  # noqa: F401
from cityverse.modules.industry.registry.models import Declaration, EnterpriseLabel
from cityverse.modules.industry.registry.schemas import (
    DeclarationIn,
    DeclarationPatch,
    LabelGrantIn,
)

EDITABLE = ("draft", "returned")
FIGURES = ("revenue", "rd_spending", "headcount", "patents", "software_copyrights",
           "trademarks")


def is_officer(principal: Principal) -> bool:
    return principal.has_role(Role.OFFICER, Role.ADMIN)


async def member_enterprise_ids(session: AsyncSession, user_id: int) -> list[int]:
    rows = await session.scalars(
        select(EnterpriseMember.enterprise_id).where(EnterpriseMember.user_id == user_id)
        .order_by(EnterpriseMember.enterprise_id)
    )
    return list(rows)


async def enterprise_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_(ids)))
    return {row.id: row.name for row in rows}


# ---------------------------------------------------------------- labels

def label_active_on(when: date) -> Any:
    """SQL condition: a label counts on `when` if granted by then and not yet revoked."""
    return (EnterpriseLabel.granted_on <= when) & or_(
        EnterpriseLabel.revoked_on.is_(None), EnterpriseLabel.revoked_on > when
    )


async def list_labels(
    session: AsyncSession, params: PageParams, *, kind: str | None, enterprise_id: int | None,
    active_only: bool,
) -> Page[EnterpriseLabel]:
    query = select(EnterpriseLabel)
    if kind:
        query = query.where(EnterpriseLabel.kind == kind)
    if enterprise_id is not None:
        query = query.where(EnterpriseLabel.enterprise_id == enterprise_id)
    if active_only:
        query = query.where(EnterpriseLabel.revoked_on.is_(None))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, EnterpriseLabel, default="-granted_on", allowed={"id", "granted_on", "kind"}))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def active_labels_of(
    session: AsyncSession, enterprise_ids: list[int]
) -> dict[int, list[str]]:
    """Current (unrevoked) label kinds per enterprise, in one query for a whole page."""
    result: dict[int, list[str]] = {i: [] for i in enterprise_ids}
    if not enterprise_ids:
        return result
    rows = await session.execute(
        select(EnterpriseLabel.enterprise_id, EnterpriseLabel.kind)
        .where(EnterpriseLabel.enterprise_id.in_(enterprise_ids),
               EnterpriseLabel.revoked_on.is_(None))
        .order_by(EnterpriseLabel.kind)
    )
    for row in rows:
        result[row.enterprise_id].append(row.kind)
    return result


def _label_snapshot(label: EnterpriseLabel) -> dict[str, Any]:
    return {"enterprise_id": label.enterprise_id, "kind": label.kind,
            "granted_on": label.granted_on.isoformat(), "source": label.source,
            "revoked_on": label.revoked_on.isoformat() if label.revoked_on else None,
            "revoked_reason": label.revoked_reason}


async def grant_label(
    session: AsyncSession, officer: Principal, data: LabelGrantIn
) -> EnterpriseLabel:
    if await session.get(Enterprise, data.enterprise_id) is None:
        raise AppError(404, "not_found")
    holding = await session.scalar(select(EnterpriseLabel.id).where(
        EnterpriseLabel.enterprise_id == data.enterprise_id, EnterpriseLabel.kind == data.kind,
        EnterpriseLabel.revoked_on.is_(None)))
    if holding is not None:
        raise AppError(409, "industry_label_held")
    label = EnterpriseLabel(**data.model_dump())
    session.add(label)
    await session.flush()
    await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                       action="industry.label.grant", target_type="industry_label",
                       target_id=label.id, after=_label_snapshot(label))
    return label


async def revoke_label(
    session: AsyncSession, officer: Principal, label_id: int, revoked_on: date, reason: str
) -> EnterpriseLabel:
    label = await session.get(EnterpriseLabel, label_id)
    if label is None:
        raise AppError(404, "not_found")
    if label.revoked_on is not None:
        raise AppError(409, "industry_label_revoked")
    if revoked_on < label.granted_on:
        raise AppError(422, "validation_error",
                       fields=[FieldError("revoked_on", "industry_before_granted")])
    before = _label_snapshot(label)
    label.revoked_on, label.revoked_reason = revoked_on, reason
    await session.flush()
    await audit.record(session, actor_id=officer.user_id, actor_name=officer.username,
                       action="industry.label.revoke", target_type="industry_label",
                       target_id=label.id, before=before, after=_label_snapshot(label))
    return label


# ---------------------------------------------------------------- declarations

async def _visible_declarations(session: AsyncSession, caller: Principal) -> Select[Any]:
    query = select(Declaration)
    if not is_officer(caller):
        mine = await member_enterprise_ids(session, caller.user_id)
        query = query.where(Declaration.enterprise_id.in_(mine))
    return query


async def list_declarations(
    session: AsyncSession, caller: Principal, params: PageParams, *, status: str | None,
    year: int | None, enterprise_id: int | None,
) -> Page[Declaration]:
    query = await _visible_declarations(session, caller)
    if status:
        query = query.where(Declaration.status == status)
    if year is not None:
        query = query.where(Declaration.year == year)
    if enterprise_id is not None:
        query = query.where(Declaration.enterprise_id == enterprise_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, Declaration, default="-year",
        allowed={"id", "year", "revenue", "submitted_at", "updated_at"}))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def get_declaration(
    session: AsyncSession, caller: Principal, declaration_id: int
) -> Declaration:
    query = await _visible_declarations(session, caller)
    found: Declaration | None = await session.scalar(
        query.where(Declaration.id == declaration_id))
    if found is None:
        raise AppError(404, "not_found")
    return found


async def _own_declaration(
    session: AsyncSession, member: Principal, declaration_id: int
) -> Declaration:
    """A declaration of the caller's own enterprise; officers do not file on its behalf."""
    mine = await member_enterprise_ids(session, member.user_id)
    found = await session.get(Declaration, declaration_id)
    if found is None or found.enterprise_id not in mine:
        raise AppError(404, "not_found")
    return found


def _snapshot(declaration: Declaration) -> dict[str, Any]:
    return {"enterprise_id": declaration.enterprise_id, "year": declaration.year,
            "status": declaration.status, "return_reason": declaration.return_reason,
            **{name: getattr(declaration, name) for name in FIGURES}}


async def _record(session: AsyncSession, caller: Principal, action: str,
                  declaration: Declaration, before: dict[str, Any] | None) -> None:
    await audit.record(session, actor_id=caller.user_id, actor_name=caller.username,
                       action=f"industry.declaration.{action}",
                       target_type="industry_declaration", target_id=declaration.id,
                       before=before, after=_snapshot(declaration))


async def create_declaration(
    session: AsyncSession, member: Principal, data: DeclarationIn
) -> Declaration:
    mine = await member_enterprise_ids(session, member.user_id)
    if not mine:
        raise AppError(403, "industry_not_a_member")
    enterprise_id = data.enterprise_id if data.enterprise_id is not None else mine[0]
    if enterprise_id not in mine:
        raise AppError(404, "not_found")
    taken = await session.scalar(select(Declaration.id).where(
        Declaration.enterprise_id == enterprise_id, Declaration.year == data.year))
    if taken is not None:
        raise AppError(409, "industry_declaration_exists", year=data.year)
    declaration = Declaration(enterprise_id=enterprise_id, year=data.year, status="draft",
                              **data.model_dump(include=set(FIGURES)))
    session.add(declaration)
    await session.flush()
    await _record(session, member, "create", declaration, None)
    return declaration


async def update_declaration(
    session: AsyncSession, member: Principal, declaration_id: int, data: DeclarationPatch
) -> Declaration:
    declaration = await _own_declaration(session, member, declaration_id)
    if declaration.status not in EDITABLE:
        raise AppError(409, "industry_declaration_locked", state=declaration.status)
    before = _snapshot(declaration)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(declaration, name, value)
    declaration.updated_at = utcnow()
    await session.flush()
    await _record(session, member, "update", declaration, before)
    return declaration


async def submit_declaration(
    session: AsyncSession, member: Principal, declaration_id: int
) -> Declaration:
    declaration = await _own_declaration(session, member, declaration_id)
    if declaration.status not in EDITABLE:
        raise AppError(409, "industry_declaration_locked", state=declaration.status)
    before = _snapshot(declaration)
    declaration.status, declaration.submitted_at = "submitted", utcnow()
    declaration.updated_at = utcnow()
    await session.flush()
    await _record(session, member, "submit", declaration, before)
    return declaration


async def review_declaration(
    session: AsyncSession, officer: Principal, declaration_id: int, *, confirm: bool,
    reason: str | None = None,
) -> Declaration:
    """Confirm (it counts toward targets from now on) or return it with a reason."""
    declaration = await session.get(Declaration, declaration_id)
    if declaration is None:
        raise AppError(404, "not_found")
    if declaration.status != "submitted":
        raise AppError(409, "industry_declaration_not_submitted", state=declaration.status)
    before = _snapshot(declaration)
    declaration.status = "confirmed" if confirm else "returned"
    declaration.return_reason = None if confirm else reason
    declaration.reviewed_at, declaration.reviewed_by = utcnow(), officer.user_id
    declaration.updated_at = utcnow()
    await session.flush()
    await _record(session, officer, "confirm" if confirm else "return", declaration, before)
    return declaration


# ---------------------------------------------------------------- city pack

async def load_pack_label(
    session: AsyncSession, enterprise_id: int, data: LabelGrantIn, *,
    revoked_on: date | None = None, revoked_reason: str | None = None,
) -> EnterpriseLabel:
    """A label of the city pack, identified by enterprise, kind and grant date."""
    found = await session.scalar(select(EnterpriseLabel).where(
        EnterpriseLabel.enterprise_id == enterprise_id, EnterpriseLabel.kind == data.kind,
        EnterpriseLabel.granted_on == data.granted_on))
    if found is None:
        found = EnterpriseLabel(**data.model_dump())
        session.add(found)
    found.source, found.revoked_on, found.revoked_reason = data.source, revoked_on, revoked_reason
    await session.flush()
    return found


async def load_pack_declaration(
    session: AsyncSession, enterprise_id: int, data: DeclarationIn, *, status: str,
    submitted_at: datetime | None, reviewed_at: datetime | None, return_reason: str | None,
) -> Declaration:
    """A declaration of the city pack; one already filed is left as the enterprise made it,
    so loading the pack again never undoes what people did in the demo."""
    found = await session.scalar(select(Declaration).where(
        Declaration.enterprise_id == enterprise_id, Declaration.year == data.year))
    if found is not None:
        return found
    declaration = Declaration(
        enterprise_id=enterprise_id, year=data.year, status=status,
        submitted_at=submitted_at, reviewed_at=reviewed_at, return_reason=return_reason,
        updated_at=reviewed_at or submitted_at or utcnow(),
        **data.model_dump(include=set(FIGURES)))
    session.add(declaration)
    await session.flush()
    return declaration


@dataclass(frozen=True)
class YearTotals:
    """Sums of one declaration year's confirmed figures."""

    year: int
    enterprises: int
    revenue: int
    rd_spending: int
    headcount: int
    patents: int
    software_copyrights: int
    trademarks: int


@dataclass(frozen=True)
class DeclarationFigures:
    confirmed_in_period: int
    waiting_for_review: int
    years: list[YearTotals]  # newest year first, as confirmed by the period's end


async def declaration_figures(
    session: AsyncSession, start: datetime, end: datetime
) -> DeclarationFigures:
    """What the monthly report says of declarations for the period [start, end)."""
    confirmed = (Declaration.status == "confirmed", Declaration.reviewed_at < end)
    in_period = await session.scalar(select(func.count()).where(
        *confirmed, Declaration.reviewed_at >= start))
    waiting = await session.scalar(select(func.count()).where(Declaration.status == "submitted"))
    sums = [func.coalesce(func.sum(getattr(Declaration, name)), 0) for name in FIGURES]
    rows = await session.execute(
        select(Declaration.year, func.count(), *sums).where(*confirmed)
        .group_by(Declaration.year).order_by(Declaration.year.desc()))
    years = [YearTotals(int(year), int(count), *(int(value) for value in values))
             for year, count, *values in rows]
    return DeclarationFigures(in_period or 0, waiting or 0, years)
