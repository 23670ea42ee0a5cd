"""NGSI-LD subscriptions (clauses 6.10–6.11): create, list, retrieve, update and delete, each
with its delivery status. The notifier picks changes up only after the transaction commits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.http import ERROR_RESPONSES, Db
from cityverse.modules.twin import changes
from cityverse.modules.twin.api import READERS, WRITERS, paging_links
from cityverse.modules.twin.binding import Call, NgsiLdRoute, answer, call_of, int_param, read_body
from cityverse.modules.twin.models import TwinSubscription
from cityverse.modules.twin.ngsild.entity import iso, now_utc, parse_datetime
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.terms import TermMaps
from cityverse.modules.twin.subscription import (
    CompiledSubscription,
    check_document,
    compile_subscription,
)

# Where the city's data is sent is a change that matters: every write is audited.
Writer = Annotated[Principal, WRITERS]

router = APIRouter(
    prefix="/ngsi-ld/v1/subscriptions", tags=["NGSI-LD subscriptions"], route_class=NgsiLdRoute,
    responses=ERROR_RESPONSES,
)


def compiler(terms: TermMaps) -> Any:
    async def compile_row(row: TwinSubscription) -> CompiledSubscription | None:
        return await compile_subscription(
            row.document, row.tenant, row.context, terms.for_context(row.context),
            active=row.is_active,
        )

    return compile_row


@router.post("", status_code=201)
async def create_subscription(request: Request, db: Db, writer: Writer) -> Response:
    call = call_of(request)
    body = await read_body(request, call)
    document = check_document(body.document)
    compiled = await compile_subscription(document, call.tenant, body.context,
                                          call.terms(body.context))
    request.app.state.twin_endpoint_guard.check_uri(compiled.endpoint)
    if await _find(db, call.tenant, document["id"]) is not None:
        raise NgsiLdError(ErrorKind.AlreadyExists, f"the subscription {document['id']} exists")
    moment = now_utc()
    row = TwinSubscription(
        tenant=call.tenant, subscription_id=document["id"], document=document,
        context=body.context, is_active=document.get("isActive", True),
        expires_at=_expiry(document), created_at=moment, modified_at=moment,
    )
    db.add(row)
    await db.flush()
    await _audit(db, writer, "twin.subscription.create", row, after=_summary(row))
    _reload_after_commit(request, row)
    return Response(status_code=201,
                    headers={"Location": f"/ngsi-ld/v1/subscriptions/{document['id']}"})


@router.get("", dependencies=[READERS])
async def list_subscriptions(request: Request, db: Db) -> Response:
    call = call_of(request)
    params = request.query_params
    limit = int_param(params.get("limit"), "limit", 20, low=0, high=1000)
    offset = int_param(params.get("offset"), "offset", 0, low=0, high=10**9)
    total = await db.scalar(select(func.count()).select_from(TwinSubscription)
                            .where(TwinSubscription.tenant == call.tenant))
    rows = await db.scalars(
        select(TwinSubscription).where(TwinSubscription.tenant == call.tenant)
        .order_by(TwinSubscription.id).offset(offset).limit(limit)
    )
    headers = paging_links(request, offset, limit, int(total or 0))
    if params.get("count") == "true":
        headers["NGSILD-Results-Count"] = str(total or 0)
    return answer(request, call, [_shown(row) for row in rows], headers=headers)


@router.get("/{subscription_id}", dependencies=[READERS])
async def retrieve_subscription(request: Request, subscription_id: str, db: Db) -> Response:
    call = call_of(request)
    return answer(request, call, _shown(await _existing(db, call, subscription_id)))


@router.patch("/{subscription_id}", status_code=204)
async def update_subscription(
    request: Request, subscription_id: str, db: Db, writer: Writer
) -> Response:
    call = call_of(request)
    body = await read_body(request, call, merge_patch=True)
    update = check_document(body.document, partial=True)
    if update.get("id", subscription_id) != subscription_id:
        raise NgsiLdError(ErrorKind.BadRequestData, "the id of a subscription cannot change")
    row = await _existing(db, call, subscription_id)
    document = {**row.document, **update}
    check_document(document)
    context = body.context if body.context is not None else row.context
    compiled = await compile_subscription(document, call.tenant, context, call.terms(context))
    request.app.state.twin_endpoint_guard.check_uri(compiled.endpoint)
    before = _summary(row)
    row.document = document
    row.context = context
    row.is_active = document.get("isActive", True)
    row.expires_at = _expiry(document)
    row.modified_at = now_utc()
    await db.flush()
    await _audit(db, writer, "twin.subscription.update", row, before=before,
                 after=_summary(row))
    _reload_after_commit(request, row)
    return Response(status_code=204)


@router.delete("/{subscription_id}", status_code=204)
async def delete_subscription(
    request: Request, subscription_id: str, db: Db, writer: Writer
) -> Response:
    call = call_of(request)
    row = await _existing(db, call, subscription_id)
    await _audit(db, writer, "twin.subscription.delete", row, before=_summary(row))
    await db.delete(row)
    notifier = request.app.state.twin_notifier

    async def forget() -> None:
        notifier.forget(subscription_id)

    changes.on_commit(forget)
    return Response(status_code=204)


def _expiry(document: dict[str, Any]) -> datetime | None:
    raw = document.get("expiresAt")
    return parse_datetime(raw, "expiresAt") if raw is not None else None


def _reload_after_commit(request: Request, row: TwinSubscription) -> None:
    notifier = request.app.state.twin_notifier

    async def reload() -> None:
        await notifier.load(row)

    changes.on_commit(reload)


async def _find(db: Db, tenant: str, subscription_id: str) -> TwinSubscription | None:
    found: TwinSubscription | None = await db.scalar(select(TwinSubscription).where(
        TwinSubscription.tenant == tenant, TwinSubscription.subscription_id == subscription_id))
    return found


async def _existing(db: Db, call: Call, subscription_id: str) -> TwinSubscription:
    row = await _find(db, call.tenant, subscription_id)
    if row is None:
        raise NgsiLdError(ErrorKind.ResourceNotFound, f"no subscription {subscription_id}")
    return row


def _shown(row: TwinSubscription) -> dict[str, Any]:
    """The subscription as stored plus its status members (clause 5.2.12)."""
    document = dict(row.document)
    expires = document.get("expiresAt")
    expired = expires is not None and expires <= iso(now_utc())
    document["isActive"] = row.is_active
    document["status"] = "expired" if expired else ("active" if row.is_active else "paused")
    notification = dict(document.get("notification") or {})
    notification["timesSent"] = row.times_sent
    for key, value in (("lastNotification", row.last_notification),
                       ("lastSuccess", row.last_success), ("lastFailure", row.last_failure)):
        if value is not None:
            notification[key] = iso(value)
    if row.last_notification is not None:
        notification["status"] = "ok" if row.last_notification == row.last_success else "failed"
    document["notification"] = notification
    return document


def _summary(row: TwinSubscription) -> dict[str, Any]:
    """What the audit keeps of a subscription: where it sends and what it watches."""
    document = row.document
    endpoint = (document.get("notification") or {}).get("endpoint") or {}
    return {"tenant": row.tenant, "endpoint": endpoint.get("uri"),
            "entities": document.get("entities"), "watchedAttributes":
            document.get("watchedAttributes"), "isActive": row.is_active}


async def _audit(
    db: Db, writer: Principal, action: str, row: TwinSubscription,
    *, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> None:
    await audit.record(db, actor_id=writer.user_id, actor_name=writer.username, action=action,
                       target_type="twin_subscription", target_id=row.subscription_id,
                       before=before, after=after)
