"""The life of a service request: submitted → accepted → in progress → resolved, or rejected.

Each step checks the state it starts from (409 otherwise), is audited, and tells the people
concerned — the requesting enterprise's members and the assigned officer — in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.notifications import notify_all
from cityverse.modules.industry.support import service
from cityverse.modules.industry.support.models import RequestComment, ServiceRequest


@dataclass(frozen=True)
class Step:
    action: str  # audit action suffix and error wording
    sources: tuple[str, ...]
    target: str
    title_zh: str  # notification, {title} is the request's title
    title_en: str


ACCEPT = Step("accept", ("submitted",), "accepted",
              "服务申请「{title}」已受理", "Service request '{title}' was accepted")
START = Step("start", ("accepted",), "in_progress",
             "服务申请「{title}」已开始办理", "Work started on service request '{title}'")
RESOLVE = Step("resolve", ("in_progress",), "resolved",
               "服务申请「{title}」已办结，欢迎评价", "Service request '{title}' was resolved; "
               "please rate it")
REJECT = Step("reject", ("submitted", "accepted", "in_progress"), "rejected",
              "服务申请「{title}」未予受理", "Service request '{title}' was rejected")


# The column that records when a request reached each state.
STAMPS = {"accepted": "accepted_at", "in_progress": "started_at", "resolved": "resolved_at",
          "rejected": "rejected_at"}


def link_to(request: ServiceRequest) -> str:
    return f"/support/requests/{request.id}"


async def tell_concerned(
    session: AsyncSession, actor: Principal, request: ServiceRequest, kind: str,
    title_zh: str, title_en: str,
) -> int:
    """Notify the enterprise's members and the assigned officer, except whoever acted."""
    recipients = set(await service.enterprise_member_ids(session, request.enterprise_id))
    if request.assignee_id is not None:
        recipients.add(request.assignee_id)
    recipients.discard(actor.user_id)
    return await notify_all(session, recipients, f"support.{kind}",
                            title_zh.replace("{title}", request.title),
                            title_en.replace("{title}", request.title), link_to(request))


def _state(request: ServiceRequest) -> dict[str, object]:
    return {"status": request.status, "assignee_id": request.assignee_id}


async def _move(
    session: AsyncSession, actor: Principal, request: ServiceRequest, step: Step,
    **details: object,
) -> ServiceRequest:
    if request.status not in step.sources:
        raise AppError(409, "support_illegal_transition", current=request.status,
                       action=step.action)
    before = _state(request)
    now = utcnow()
    request.status = step.target
    request.updated_at = now
    setattr(request, STAMPS[step.target], now)
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action=f"support.request.{step.action}", target_type="support_request",
                       target_id=request.id, before=before, after={**_state(request), **details})
    await tell_concerned(session, actor, request, f"request_{step.target}", step.title_zh,
                         step.title_en)
    return request


async def _check_assignable(session: AsyncSession, assignee_id: int) -> None:
    if assignee_id not in {p.id for p in await service.officers(session)}:
        raise AppError(422, "support_not_an_officer")


async def accept(
    session: AsyncSession, actor: Principal, request: ServiceRequest, assignee_id: int | None
) -> ServiceRequest:
    """Accept; the request goes to the officer named, or else stays with whoever it was
    assigned to, or else to the accepting officer, so someone always owns accepted work."""
    if assignee_id is not None:
        await _check_assignable(session, assignee_id)
    if request.status in ACCEPT.sources:
        request.assignee_id = assignee_id or request.assignee_id or actor.user_id
    return await _move(session, actor, request, ACCEPT)


async def start(session: AsyncSession, actor: Principal, request: ServiceRequest
                ) -> ServiceRequest:
    return await _move(session, actor, request, START)


async def resolve(
    session: AsyncSession, actor: Principal, request: ServiceRequest, resolution: str
) -> ServiceRequest:
    if request.status in RESOLVE.sources:
        request.resolution = resolution or None
    return await _move(session, actor, request, RESOLVE)


async def reject(
    session: AsyncSession, actor: Principal, request: ServiceRequest, reason: str
) -> ServiceRequest:
    if request.status in REJECT.sources:
        request.reject_reason = reason
    return await _move(session, actor, request, REJECT, reason=reason)


async def assign(
    session: AsyncSession, actor: Principal, request: ServiceRequest, assignee_id: int
) -> ServiceRequest:
    if request.status not in ("submitted", "accepted", "in_progress"):
        raise AppError(409, "support_illegal_transition", current=request.status,
                       action="assign")
    await _check_assignable(session, assignee_id)
    before = _state(request)
    request.assignee_id = assignee_id
    request.updated_at = utcnow()
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="support.request.assign", target_type="support_request",
                       target_id=request.id, before=before, after=_state(request))
    await tell_concerned(session, actor, request, "request_assigned",
                         "服务申请「{title}」已指派专员办理",
                         "An officer was assigned to service request '{title}'")
    return request


async def rate(
    session: AsyncSession, actor: Principal, request: ServiceRequest, score: int, comment: str
) -> ServiceRequest:
    if request.status != "resolved":
        raise AppError(409, "support_illegal_transition", current=request.status, action="rate")
    if request.requester_id != actor.user_id:
        raise AppError(403, "support_not_requester")
    if request.rating is not None:
        raise AppError(409, "support_already_rated")
    request.rating, request.rating_comment, request.rated_at = score, comment or None, utcnow()
    request.updated_at = request.rated_at
    await session.flush()
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="support.request.rate", target_type="support_request",
                       target_id=request.id, after={"rating": score})
    await tell_concerned(session, actor, request, "request_rated",
                         f"服务申请「{{title}}」获得 {score} 星评价",
                         f"Service request '{{title}}' was rated {score}/5")
    return request


async def comment(
    session: AsyncSession, actor: Principal, request: ServiceRequest, body: str
) -> RequestComment:
    added = await service.add_comment(session, actor, request, body)
    await audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                       action="support.request.comment", target_type="support_request",
                       target_id=request.id, after={"comment_id": added.id})
    await tell_concerned(session, actor, request, "request_commented",
                         f"{added.author_name} 在服务申请「{{title}}」中留言",
                         f"{added.author_name} commented on service request '{{title}}'")
    return added
