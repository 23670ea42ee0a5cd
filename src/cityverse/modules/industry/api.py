"""Enterprise directory API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, SIGNED_IN, Principal
from cityverse.core.http import Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.industry import service
from cityverse.modules.industry.schemas import EnterpriseOut, Segment

router = make_router("/api/industry", "industry")

Anyone = Annotated[None, requires(PUBLIC)]
SignedIn = Annotated[Principal, requires(SIGNED_IN)]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/enterprises", response_model=PageOut[EnterpriseOut])
async def list_enterprises(
    db: Db, _: Anyone, paging: Paging,
    segment: Segment | None = Query(None, description="Industry-chain segment."),
    q: str | None = Query(None, max_length=64, description="Part of the name, or the USCC."),
) -> PageOut[EnterpriseOut]:
    """Enterprises of Kunshan's metaverse industry chain."""
    page = await service.list_enterprises(db, paging, segment=segment, q=q)
    return page.to_out(EnterpriseOut.model_validate)


@router.get("/enterprises/mine", response_model=EnterpriseOut | None)
async def my_enterprise(db: Db, me: SignedIn) -> EnterpriseOut | None:
    """The enterprise the caller is a member of, if any."""
    found = await service.enterprise_of_user(db, me.user_id)
    return EnterpriseOut.model_validate(found) if found else None


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseOut)
async def get_enterprise(enterprise_id: int, db: Db, _: Anyone) -> EnterpriseOut:
    """One enterprise."""
    return EnterpriseOut.model_validate(await service.get_enterprise(db, enterprise_id))
