"""Enterprise directory API: the chain taxonomy, enterprises, and chain positions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, REVIEWERS, SIGNED_IN, Principal
from cityverse.core.http import Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.industry import service
from cityverse.modules.industry.chain import CHAIN
from cityverse.modules.industry.models import Enterprise
from cityverse.modules.industry.registry.schemas import LabelKind
from cityverse.modules.industry.schemas import (
    ChainPositionIn,
    ChainPositionOut,
    ChainSegmentOut,
    EnterpriseOut,
    Segment,
)

router = make_router("/api/industry", "industry")

Anyone = Annotated[None, requires(PUBLIC)]
SignedIn = Annotated[Principal, requires(SIGNED_IN)]
Officer = Annotated[Principal, requires(REVIEWERS)]
Paging = Annotated[PageParams, Depends(page_params)]


async def _with_labels(db: Db, enterprises: list[Enterprise]) -> list[EnterpriseOut]:
    labels = await service.labels_by_enterprise(db, enterprises)
    return [EnterpriseOut.model_validate(e).model_copy(update={"labels": labels.get(e.id, [])})
            for e in enterprises]


@router.get("/chain", response_model=list[ChainSegmentOut])
async def chain_taxonomy(_: Anyone) -> list[ChainSegmentOut]:
    """The industry chain: segments and the positions in each, with zh/en names."""
    return [ChainSegmentOut(key=s.key, zh=s.zh, en=s.en, positions=[
        ChainPositionOut(key=p.key, zh=p.zh, en=p.en) for p in s.positions]) for s in CHAIN]


@router.get("/enterprises", response_model=PageOut[EnterpriseOut])
async def list_enterprises(
    db: Db, _: Anyone, paging: Paging,
    segment: Segment | None = Query(None, description="Industry-chain segment."),
    sub_segment: str | None = Query(None, max_length=32, description="Position on the chain."),
    label: LabelKind | None = Query(None, description="Only holders of this label."),
    q: str | None = Query(None, max_length=64, description="Part of the name, or the USCC."),
) -> PageOut[EnterpriseOut]:
    """Enterprises of Kunshan's metaverse industry chain."""
    page = await service.list_enterprises(db, paging, segment=segment, q=q,
                                          sub_segment=sub_segment, label=label)
    return PageOut[EnterpriseOut](items=await _with_labels(db, page.items), total=page.total,
                                  page=page.page, size=page.size)


@router.get("/enterprises/mine", response_model=EnterpriseOut | None)
async def my_enterprise(db: Db, me: SignedIn) -> EnterpriseOut | None:
    """The enterprise the caller is a member of, if any."""
    found = await service.enterprise_of_user(db, me.user_id)
    return (await _with_labels(db, [found]))[0] if found else None


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseOut)
async def get_enterprise(enterprise_id: int, db: Db, _: Anyone) -> EnterpriseOut:
    """One enterprise."""
    return (await _with_labels(db, [await service.get_enterprise(db, enterprise_id)]))[0]


@router.put("/enterprises/{enterprise_id}/chain-position", response_model=EnterpriseOut)
async def set_chain_position(
    enterprise_id: int, body: ChainPositionIn, db: Db, officer: Officer
) -> EnterpriseOut:
    """Place an enterprise on the industry chain (officers)."""
    found = await service.set_chain_position(db, officer, enterprise_id, body.segment,
                                             body.sub_segment)
    return (await _with_labels(db, [found]))[0]
