from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from cityverse.core.auth.policy import Role
from cityverse.core.notifications import Notification
from cityverse.core.storage import BlobStore
from cityverse.modules.industry.support.models import RequestAttachment
from modules.industry.support_fixtures import PDF, PNG, World, file_request, make_world
from tests_support import audit_actions

API = "/api/industry/support"


@pytest.fixture
async def world(app: FastAPI, signed_in) -> World:
    return await make_world(app, signed_in)


async def test_catalog_is_public_and_officers_keep_it(
    client: httpx.AsyncClient, world: World
) -> None:
    page = (await client.get(f"{API}/services?category=finance")).json()
    assert page["total"] == 1
    assert page["items"][0]["providers"][0]["name"] == "示例·昆山农商行科技支行"
    assert (await client.get(f"{API}/services?category=legal")).json()["total"] == 0
    assert (await client.get(f"{API}/services?category=mining")).status_code == 422
    refused = await world.alpha.post(f"{API}/services", json={"category": "legal", "name": "x"})
    assert refused.status_code == 403
    changed = await world.officer.patch(f"{API}/services/{world.service_id}", json={
        "sla_days": 5, "providers": [{"name": "示例·新提供方"}]})
    assert changed.json()["sla_days"] == 5
    assert [p["name"] for p in changed.json()["providers"]] == ["示例·新提供方"]
    await world.officer.patch(f"{API}/services/{world.service_id}", json={"is_active": False})
    assert (await client.get(f"{API}/services")).json()["total"] == 0
    gone = await world.alpha.post(f"{API}/requests", json={"service_id": world.service_id,
                                                           "title": "再申请"})
    assert gone.status_code == 422
    assert gone.json()["error"]["code"] == "support_unknown_service"


async def test_the_whole_workflow_with_audit(app: FastAPI, world: World) -> None:
    filed = await file_request(world)
    assert filed["status"] == "submitted"
    assert filed["overdue"] is False
    assert filed["enterprise_id"] == world.enterprise_a
    rid = filed["id"]
    accepted = await world.officer.post(f"{API}/requests/{rid}/accept",
                                        json={"assignee_id": world.officer_id})
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["assignee"]["id"] == world.officer_id
    started = await world.officer.post(f"{API}/requests/{rid}/start", json={})
    assert started.json()["status"] == "in_progress"
    resolved = await world.officer.post(f"{API}/requests/{rid}/resolve",
                                        json={"resolution": "已放款"})
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution"] == "已放款"
    rated = await world.alpha.post(f"{API}/requests/{rid}/rating",
                                   json={"score": 5, "comment": "很及时"})
    assert rated.json()["rating"] == 5
    again = await world.alpha.post(f"{API}/requests/{rid}/rating", json={"score": 4})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "support_already_rated"
    actions = [a for a in await audit_actions(app) if a.startswith("support.request")]
    assert actions == ["support.request.submit", "support.request.accept",
                       "support.request.start", "support.request.resolve",
                       "support.request.rate"]


async def test_rejection_needs_a_reason_and_ends_the_request(world: World) -> None:
    rid = (await file_request(world))["id"]
    no_reason = await world.officer.post(f"{API}/requests/{rid}/reject", json={})
    assert no_reason.status_code == 422
    rejected = await world.officer.post(f"{API}/requests/{rid}/reject",
                                        json={"reason": "不属于本中心服务范围"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reject_reason"] == "不属于本中心服务范围"
    for action in ("accept", "start", "resolve"):
        late = await world.officer.post(f"{API}/requests/{rid}/{action}", json={})
        assert late.status_code == 409, action
    reassign = await world.officer.post(f"{API}/requests/{rid}/assign",
                                        json={"assignee_id": world.officer_id})
    assert reassign.status_code == 409


@pytest.mark.parametrize(("steps", "illegal"), [
    ([], "start"), ([], "resolve"), (["accept"], "accept"), (["accept"], "resolve"),
    (["accept", "start"], "start"), (["accept", "start"], "accept"),
    (["accept", "start", "resolve"], "reject"), (["accept", "start", "resolve"], "start"),
])
async def test_illegal_transitions_are_409(world: World, steps: list[str], illegal: str) -> None:
    rid = (await file_request(world))["id"]
    for step in steps:
        assert (await world.officer.post(f"{API}/requests/{rid}/{step}",
                                         json={})).status_code == 200
    before = (await world.officer.get(f"{API}/requests/{rid}")).json()["status"]
    body = {"reason": "理由充分"} if illegal == "reject" else {}
    response = await world.officer.post(f"{API}/requests/{rid}/{illegal}", json=body)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "support_illegal_transition"
    assert before in error["message"]
    assert (await world.officer.get(f"{API}/requests/{rid}")).json()["status"] == before


async def test_rating_only_by_the_requester_after_resolution(world: World) -> None:
    rid = (await file_request(world))["id"]
    early = await world.alpha.post(f"{API}/requests/{rid}/rating", json={"score": 3})
    assert early.status_code == 409
    for step in ("accept", "start", "resolve"):
        await world.officer.post(f"{API}/requests/{rid}/{step}", json={})
    colleague = await world.alpha2.post(f"{API}/requests/{rid}/rating", json={"score": 3})
    assert colleague.status_code == 403
    outsider = await world.beta.post(f"{API}/requests/{rid}/rating", json={"score": 3})
    assert outsider.status_code == 404
    out_of_range = await world.alpha.post(f"{API}/requests/{rid}/rating", json={"score": 6})
    assert out_of_range.status_code == 422


async def test_only_officers_accept_assign_and_reject(world: World) -> None:
    rid = (await file_request(world))["id"]
    for action, body in (("accept", {}), ("assign", {"assignee_id": world.officer_id}),
                         ("start", {}), ("resolve", {}), ("reject", {"reason": "不行不行"})):
        response = await world.alpha.post(f"{API}/requests/{rid}/{action}", json=body)
        assert response.status_code == 403, action
    # An officer can only hand work to officers.
    to_member = await world.officer.post(f"{API}/requests/{rid}/assign",
                                         json={"assignee_id": world.alpha_id})
    assert to_member.status_code == 422
    assert to_member.json()["error"]["code"] == "support_not_an_officer"
    assigned = await world.officer.post(f"{API}/requests/{rid}/assign",
                                        json={"assignee_id": world.officer_id})
    assert assigned.json()["assignee"]["id"] == world.officer_id
    assert assigned.json()["status"] == "submitted"


async def test_other_enterprises_see_nothing(world: World, signed_in) -> None:
    rid = (await file_request(world))["id"]
    assert (await world.beta.get(f"{API}/requests/{rid}")).status_code == 404
    assert (await world.beta.get(f"{API}/requests")).json()["total"] == 0
    assert (await world.beta.get(f"{API}/requests/{rid}/comments")).status_code == 404
    assert (await world.beta.post(f"{API}/requests/{rid}/comments",
                                  json={"body": "hi"})).status_code == 404
    assert (await world.beta.get(f"{API}/requests/{rid}/attachments")).status_code == 404
    assert (await world.alpha2.get(f"{API}/requests/{rid}")).status_code == 200
    assert (await world.alpha2.get(f"{API}/requests")).json()["total"] == 1
    assert (await world.officer.get(f"{API}/requests")).json()["total"] == 1
    loner = await signed_in("loner", Role.VISITOR)
    refused = await loner.post(f"{API}/requests", json={"service_id": world.service_id,
                                                        "title": "没有企业"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "support_not_a_member"
    for_other = await world.alpha.post(f"{API}/requests", json={
        "service_id": world.service_id, "title": "替别人申请", "enterprise_id": world.enterprise_b})
    assert for_other.status_code == 403


async def test_comments_from_both_sides(world: World) -> None:
    rid = (await file_request(world))["id"]
    await world.alpha.post(f"{API}/requests/{rid}/comments", json={"body": "请尽快处理"})
    await world.officer.post(f"{API}/requests/{rid}/comments", json={"body": "已收到"})
    comments = (await world.alpha2.get(f"{API}/requests/{rid}/comments")).json()
    assert [(c["body"], c["from_officer"]) for c in comments] == [("请尽快处理", False),
                                                                 ("已收到", True)]
    empty = await world.alpha.post(f"{API}/requests/{rid}/comments", json={"body": ""})
    assert empty.status_code == 422


async def test_filters_for_the_officer_queue(app: FastAPI, world: World) -> None:
    first = (await file_request(world, "第一件"))["id"]
    second = (await file_request(world, "第二件"))["id"]
    await world.officer.post(f"{API}/requests/{second}/accept",
                             json={"assignee_id": world.officer_id})
    # Make the first one overdue by moving its due date into the past.
    async with app.state.sessionmaker() as session, session.begin():
        from cityverse.modules.industry.support.models import ServiceRequest
        row = await session.get(ServiceRequest, first)
        assert row is not None
        row.due_at = row.submitted_at - timedelta(days=1)
    queue = f"{API}/requests"
    officer = world.officer

    async def titles(query: str) -> list[str]:
        response = await officer.get(f"{queue}?{query}")
        assert response.status_code == 200, response.text
        return [r["title"] for r in response.json()["items"]]

    assert await titles("status=submitted") == ["第一件"]
    assert await titles("overdue=true") == ["第一件"]
    assert await titles("overdue=false") == ["第二件"]
    assert await titles(f"assignee_id={world.officer_id}") == ["第二件"]
    assert await titles("unassigned=true") == ["第一件"]
    assert await titles("sort=id") == ["第一件", "第二件"]
    assert (await officer.get(f"{queue}?sort=password")).status_code == 422
    one = (await officer.get(f"{queue}/{first}")).json()
    assert one["overdue"] is True


async def test_attachments_are_checked_stored_and_downloadable(
    app: FastAPI, world: World, settings
) -> None:
    rid = (await file_request(world))["id"]
    uploaded = await world.alpha.post(f"{API}/requests/{rid}/attachments",
                                      files={"file": ("营业执照.pdf", PDF, "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["content_type"] == "application/pdf"  # told by the bytes, not the client
    assert body["filename"] == "营业执照.pdf"
    for reader in (world.alpha2, world.officer):
        download = await reader.get(f"{API}/attachments/{body['id']}")
        assert download.status_code == 200
        assert download.content == PDF
        assert download.headers["x-content-type-options"] == "nosniff"
        assert "filename*=UTF-8''" in download.headers["content-disposition"]
    assert (await world.beta.get(f"{API}/attachments/{body['id']}")).status_code == 404
    listed = (await world.officer.get(f"{API}/requests/{rid}/attachments")).json()
    assert [a["filename"] for a in listed] == ["营业执照.pdf"]
    png = await world.officer.post(f"{API}/requests/{rid}/attachments",
                                   files={"file": ("../../etc/图.png", PNG, "image/png")})
    assert png.json()["filename"] == "图.png"
    assert "support.request.attach" in await audit_actions(app)


async def _stored(app: FastAPI, settings) -> tuple[int, list[str]]:
    async with app.state.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(RequestAttachment))
    root = BlobStore.for_settings(settings).root
    files = [p.name for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return rows or 0, files


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,  # a Windows program
    b"PK\x03\x04" + b"\x00" * 40,  # a zip that is not a docx/xlsx
    b"GIF89a" + b"\x00" * 20,  # a picture type we do not take
])
async def test_wrong_types_are_415_and_nothing_is_stored(
    app: FastAPI, world: World, settings, content: bytes
) -> None:
    rid = (await file_request(world))["id"]
    response = await world.alpha.post(f"{API}/requests/{rid}/attachments",
                                      files={"file": ("说明.pdf", content, "application/pdf")})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "upload_type_not_allowed"
    assert await _stored(app, settings) == (0, [])


@pytest.fixture
def small_uploads(settings):
    settings.upload_max_bytes = 2048
    return settings


async def test_too_big_is_413_and_nothing_is_stored(
    app: FastAPI, world: World, small_uploads
) -> None:
    rid = (await file_request(world))["id"]
    response = await world.alpha.post(f"{API}/requests/{rid}/attachments",
                                      files={"file": ("big.txt", b"a" * 4096, "text/plain")})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "upload_too_large"
    assert await _stored(app, small_uploads) == (0, [])


async def test_a_failed_request_leaves_no_blob(app: FastAPI, world: World, settings) -> None:
    """The blob is written before the row; when the transaction rolls back it is deleted."""
    from cityverse.core.auth.policy import Principal, scopes_for
    from cityverse.modules.industry.support import service
    from cityverse.modules.industry.support.models import ServiceRequest

    store = BlobStore.for_settings(settings)
    roles = frozenset({"enterprise"})
    me = Principal(world.alpha_id, "alpha", roles, scopes_for(roles), "session", 0, "none")
    rid = (await file_request(world))["id"]
    with pytest.raises(RuntimeError):
        async with app.state.sessionmaker() as session, session.begin():
            request = await session.get(ServiceRequest, rid)
            assert request is not None
            await service.add_attachment(session, store, me, request, "a.txt", b"hello", 100)
            raise RuntimeError("the request failed after the upload")
    assert await _stored(app, settings) == (0, [])


async def test_notifications_reach_members_and_the_assignee(
    app: FastAPI, world: World
) -> None:
    rid = (await file_request(world))["id"]
    await world.officer.post(f"{API}/requests/{rid}/accept",
                             json={"assignee_id": world.officer_id})
    await world.alpha.post(f"{API}/requests/{rid}/comments", json={"body": "谢谢"})
    async with app.state.sessionmaker() as session:
        rows = (await session.execute(select(Notification.user_id, Notification.kind)
                                      .order_by(Notification.id))).tuples().all()
    assert rows == [
        # Accepted by the officer: both members hear of it, the acting officer does not.
        (world.alpha_id, "support.request_accepted"), (world.alpha2_id, "support.request_accepted"),
        # A member's comment: the other member and the assigned officer.
        (world.alpha2_id, "support.request_commented"),
        (world.officer_id, "support.request_commented"),
    ]
    inbox = (await world.alpha.get("/api/notifications")).json()
    assert inbox["items"][0]["link"] == f"/support/requests/{rid}"
    assert "已受理" in inbox["items"][0]["title_zh"]
    assert (await world.beta.get("/api/notifications/unread-count")).json() == {"unread": 0}


async def test_accepting_without_an_assignee_takes_the_request(world: World) -> None:
    rid = (await file_request(world))["id"]
    accepted = (await world.officer.post(f"{API}/requests/{rid}/accept", json={})).json()
    assert accepted["assignee"]["id"] == world.officer_id


async def test_a_member_filing_in_a_loop_is_slowed_down_and_nothing_half_written(
    app: FastAPI, world: World
) -> None:
    rid = (await file_request(world))["id"]
    answers = [(await world.alpha.post(f"{API}/requests/{rid}/comments",
                                       json={"body": f"第{n}条"})).status_code
               for n in range(31)]
    assert answers[:29] == [201] * 29  # the request itself was the first write of the window
    assert answers[29] == 429
    limited = await world.alpha.post(f"{API}/requests", json={"service_id": world.service_id,
                                                              "title": "再来一个"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert "retry-after" in limited.headers
    comments = (await world.alpha.get(f"{API}/requests/{rid}/comments")).json()
    assert len(comments) == 29
    # The limit is the member's own: officers keep working the queue.
    officer = await world.officer.post(f"{API}/requests/{rid}/comments", json={"body": "收到"})
    assert officer.status_code == 201
