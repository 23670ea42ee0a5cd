"""Real-name verification API: users submit, officers review."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from cityverse.core.auth import realname
from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import REVIEWERS, SIGNED_IN, SIGNED_IN_WRITE, Principal
from cityverse.core.auth.schemas import RealNameIn, RejectIn, VerificationOut
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter

router = make_router("/api/auth/realname", "real-name verification")

SignedIn = Annotated[Principal, requires(SIGNED_IN)]
SignedInWrite = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Reviewer = Annotated[Principal, requires(REVIEWERS)]
Paging = Annotated[PageParams, Depends(page_params)]

submit_limiter = RateLimiter("realname", limit=10, window_seconds=3600)


@router.get("", response_model=VerificationOut | None)
async def my_verification(db: Db, me: SignedIn) -> VerificationOut | None:
    """The caller's latest verification, or null when never submitted."""
    found = await realname.latest(db, me.user_id)
    return realname.to_out(found) if found else None


@router.post("", status_code=201, response_model=VerificationOut)
async def submit(
    body: RealNameIn, db: Db, settings: AppSettings, me: SignedInWrite
) -> VerificationOut:
    """Submit real name and resident ID number (GB 11643) for review."""
    submit_limiter.hit(str(me.user_id))
    return realname.to_out(
        await realname.submit(db, settings, me, body.real_name, body.id_number)
    )


@router.get("/requests", response_model=PageOut[VerificationOut])
async def list_requests(
    db: Db, _: Reviewer, paging: Paging,
    status: Literal["pending", "approved", "rejected"] | None = Query(None),
) -> PageOut[VerificationOut]:
    """The review queue (officers and admins)."""
    return (await realname.list_requests(db, paging, status)).to_out(realname.to_out)


@router.post("/requests/{verification_id}/approve", response_model=VerificationOut)
async def approve(verification_id: int, db: Db, me: Reviewer) -> VerificationOut:
    """Approve a pending verification."""
    return realname.to_out(await realname.review(db, me, verification_id, approve=True))


@router.post("/requests/{verification_id}/reject", response_model=VerificationOut)
async def reject(verification_id: int, body: RejectIn, db: Db, me: Reviewer) -> VerificationOut:
    """Reject a pending verification with a reason the user will see."""
    return realname.to_out(
        await realname.review(db, me, verification_id, approve=False, reason=body.reason)
    )
