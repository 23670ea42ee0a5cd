"""Labels and yearly declarations API (part of /api/industry)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, REVIEWERS, Principal, Role, Scope, roles_policy
from cityverse.core.http import Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.industry.registry import service
from cityverse.modules.industry.registry.models import Declaration, EnterpriseLabel
from cityverse.modules.industry.registry.schemas import (
    DeclarationIn,
    DeclarationOut,
    DeclarationPatch,
    DeclarationStatus,
    LabelGrantIn,
    LabelKind,
    LabelOut,
    LabelRevokeIn,
    ReturnIn,
)

router = make_router("/api/industry", "industry")

Anyone = Annotated[None, requires(PUBLIC)]
Officer = Annotated[Principal, requires(REVIEWERS)]
Member = Annotated[Principal, requires(roles_policy(Role.ENTERPRISE))]
MemberOrOfficer = Annotated[Principal, requires(
    roles_policy(Role.ENTERPRISE, Role.OFFICER, Role.ADMIN, scope=Scope.READ))]
Paging = Annotated[PageParams, Depends(page_params)]
# A member's edits are damped per user; a declaration is a handful of edits a year.
declaration_writes = RateLimiter("industry_declaration_writes", limit=30, window_seconds=60)


async def _labels_out(db: Db, labels: list[EnterpriseLabel]) -> list[LabelOut]:
    names = await service.enterprise_names(db, {label.enterprise_id for label in labels})
    return [LabelOut.model_validate(label).model_copy(update={
        "enterprise_name": names.get(label.enterprise_id, ""),
        "active": label.revoked_on is None}) for label in labels]


async def _declarations_out(db: Db, rows: list[Declaration]) -> list[DeclarationOut]:
    names = await service.enterprise_names(db, {row.enterprise_id for row in rows})
    return [DeclarationOut.model_validate(row).model_copy(
        update={"enterprise_name": names.get(row.enterprise_id, "")}) for row in rows]


@router.get("/labels", response_model=PageOut[LabelOut])
async def list_labels(
    db: Db, _: Anyone, paging: Paging,
    kind: LabelKind | None = Query(None, description="专精特新 / 领军企业 / 链主企业."),
    enterprise_id: int | None = Query(None),
    active: bool = Query(False, description="Only labels not revoked."),
) -> PageOut[LabelOut]:
    """Labels granted to enterprises, newest first; public, as the granting lists are."""
    page = await service.list_labels(db, paging, kind=kind, enterprise_id=enterprise_id,
                                     active_only=active)
    return PageOut[LabelOut](items=await _labels_out(db, page.items), total=page.total,
                             page=page.page, size=page.size)


@router.post("/labels", response_model=LabelOut, status_code=201)
async def grant_label(body: LabelGrantIn, db: Db, officer: Officer) -> LabelOut:
    """Grant a label (officers); 409 while the enterprise holds the same label."""
    label = await service.grant_label(db, officer, body)
    return (await _labels_out(db, [label]))[0]


@router.post("/labels/{label_id}/revoke", response_model=LabelOut)
async def revoke_label(label_id: int, body: LabelRevokeIn, db: Db, officer: Officer) -> LabelOut:
    """Revoke a label (officers); the record stays, with the date and reason."""
    label = await service.revoke_label(db, officer, label_id, body.revoked_on, body.reason)
    return (await _labels_out(db, [label]))[0]


@router.get("/declarations", response_model=PageOut[DeclarationOut])
async def list_declarations(
    db: Db, caller: MemberOrOfficer, paging: Paging,
    status: DeclarationStatus | None = Query(None),
    year: int | None = Query(None, ge=2000, le=2100),
    enterprise_id: int | None = Query(None),
) -> PageOut[DeclarationOut]:
    """Officers see every declaration (the review queue is `status=submitted`); members see
    their own enterprise's."""
    page = await service.list_declarations(db, caller, paging, status=status, year=year,
                                           enterprise_id=enterprise_id)
    return PageOut[DeclarationOut](items=await _declarations_out(db, page.items),
                                   total=page.total, page=page.page, size=page.size)


@router.post("/declarations", response_model=DeclarationOut, status_code=201)
async def create_declaration(body: DeclarationIn, db: Db, member: Member) -> DeclarationOut:
    """Start the caller's enterprise's declaration for a year, as a draft; one per year."""
    declaration_writes.hit(str(member.user_id))
    declaration = await service.create_declaration(db, member, body)
    return (await _declarations_out(db, [declaration]))[0]


@router.get("/declarations/{declaration_id}", response_model=DeclarationOut)
async def get_declaration(declaration_id: int, db: Db, caller: MemberOrOfficer) -> DeclarationOut:
    """One declaration; another enterprise's answers 404."""
    declaration = await service.get_declaration(db, caller, declaration_id)
    return (await _declarations_out(db, [declaration]))[0]


@router.patch("/declarations/{declaration_id}", response_model=DeclarationOut)
async def update_declaration(
    declaration_id: int, body: DeclarationPatch, db: Db, member: Member
) -> DeclarationOut:
    """Change a draft or returned declaration of the caller's enterprise."""
    declaration_writes.hit(str(member.user_id))
    declaration = await service.update_declaration(db, member, declaration_id, body)
    return (await _declarations_out(db, [declaration]))[0]


@router.post("/declarations/{declaration_id}/submit", response_model=DeclarationOut)
async def submit_declaration(declaration_id: int, db: Db, member: Member) -> DeclarationOut:
    """Send a draft or returned declaration to the officers."""
    declaration_writes.hit(str(member.user_id))
    declaration = await service.submit_declaration(db, member, declaration_id)
    return (await _declarations_out(db, [declaration]))[0]


@router.post("/declarations/{declaration_id}/confirm", response_model=DeclarationOut)
async def confirm_declaration(declaration_id: int, db: Db, officer: Officer) -> DeclarationOut:
    """Confirm a submitted declaration (officers); its figures count toward targets."""
    declaration = await service.review_declaration(db, officer, declaration_id, confirm=True)
    return (await _declarations_out(db, [declaration]))[0]


@router.post("/declarations/{declaration_id}/return", response_model=DeclarationOut)
async def return_declaration(
    declaration_id: int, body: ReturnIn, db: Db, officer: Officer
) -> DeclarationOut:
    """Return a submitted declaration with a reason the enterprise sees (officers)."""
    declaration = await service.review_declaration(
        db, officer, declaration_id, confirm=False, reason=body.reason)
    return (await _declarations_out(db, [declaration]))[0]
