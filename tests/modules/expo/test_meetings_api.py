"""Negotiation meetings through the API: request, decide, notes, room, and who may do what."""

from __future__ import annotations

from sqlalchemy import select

from cityverse.core.audit import AuditEvent
from cityverse.core.notifications import Notification
from expo_support import Expo, current_slot


async def _notices(expo: Expo, kind: str) -> int:
    async with expo.app.state.sessionmaker() as session:
        return len(list(await session.scalars(
            select(Notification).where(Notification.kind == kind))))


async def _actions(expo: Expo, meeting: int) -> list[str]:
    async with expo.app.state.sessionmaker() as session:
        rows = await session.scalars(select(AuditEvent.action).where(
            AuditEvent.target_type == "expo_meeting", AuditEvent.target_id == str(meeting))
            .order_by(AuditEvent.id))
        return list(rows)


async def test_request_accept_notes_and_room(expo: Expo) -> None:
    product = (await expo.member_a.post("/api/commerce/seller/products", json={
        "name": "示例·VR 头显", "category": "hardware", "price_fen": 299900, "stock": 5,
        "published": True})).json()["id"]
    meeting = await expo.booked(offset=0)
    assert await _notices(expo, "expo.meeting_requested") == 1
    inbox = (await expo.member_a.get("/api/expo/meetings/inbox?status=requested")).json()
    assert [m["id"] for m in inbox["items"]] == [meeting]
    assert inbox["items"][0]["my_side"] == "enterprise"
    accepted = await expo.member_a.post(f"/api/expo/meetings/{meeting}/accept",
                                        json={"product_ids": [product]})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["room_open"] is True
    assert await _notices(expo, "expo.meeting_accepted") == 1

    room = (await expo.visitor.get(f"/api/expo/meetings/{meeting}/room")).json()
    assert room["instance_hint"] == f"meeting-{meeting}"
    assert room["space_key"] == "negotiation-room"
    assert [p["name"] for p in room["scene"]["table_products"]] == ["示例·VR 头显"]

    shared = await expo.visitor.put(f"/api/expo/meetings/{meeting}/notes/shared",
                                    json={"body": "下周寄送样机。"})
    assert shared.status_code == 200, shared.text
    own = await expo.visitor.put(f"/api/expo/meetings/{meeting}/notes/visitor",
                                 json={"body": "价格偏高，再比较。"})
    assert own.status_code == 200
    seen = (await expo.member_a.get(f"/api/expo/meetings/{meeting}/notes")).json()
    assert {n["side"]: n["body"] for n in seen} == {"shared": "下周寄送样机。", "enterprise": ""}
    peek = await expo.member_a.put(f"/api/expo/meetings/{meeting}/notes/visitor",
                                   json={"body": "x"})
    assert peek.status_code == 404
    assert await _actions(expo, meeting) == ["expo.meeting.requested", "expo.meeting.accepted"]


async def test_decline_needs_a_reason_and_frees_the_slot(expo: Expo) -> None:
    meeting = await expo.booked()
    no_reason = await expo.member_a.post(f"/api/expo/meetings/{meeting}/decline", json={})
    assert no_reason.status_code == 422
    declined = await expo.member_a.post(f"/api/expo/meetings/{meeting}/decline",
                                        json={"reason": "该时段有展会安排"})
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "该时段有展会安排"
    again = await expo.member_a.post(f"/api/expo/meetings/{meeting}/accept", json={})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "meeting_illegal_transition"
    assert (await expo.request(expo.stranger)).status_code == 201  # the slot is free again


async def test_the_same_slot_cannot_be_booked_twice(expo: Expo) -> None:
    assert (await expo.request()).status_code == 201
    taken = await expo.request(expo.stranger)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "meeting_slot_taken"
    slots = (await expo.visitor.get("/api/expo/meetings/slots", params={
        "enterprise_id": expo.enterprise_a,
        "date": current_slot(2).astimezone().date().isoformat()})).json()
    assert slots["slot_minutes"] == 30


async def test_bad_slots_are_refused(expo: Expo) -> None:
    unaligned = current_slot(2).replace(minute=current_slot(2).minute + 7)
    cases = {
        "meeting_slot_unaligned": {"starts_at": unaligned.isoformat()},
        "meeting_in_past": {"starts_at": current_slot(-2).isoformat()},
        "meeting_too_far": {"starts_at": current_slot(24 * 2 * 90).isoformat()},
        "meeting_time_needs_zone": {"starts_at": "2030-01-01T10:00:00"},
    }
    for code, fields in cases.items():
        response = await expo.request(**fields)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["error"]["code"] == code
    own = await expo.request(expo.member_a)
    assert own.json()["error"]["code"] == "meeting_with_own_enterprise"
    missing = await expo.request(enterprise_id=99999)
    assert missing.status_code == 404


async def test_other_people_cannot_see_or_decide(expo: Expo) -> None:
    meeting = await expo.booked()
    for client in (expo.stranger, expo.member_b):
        assert (await client.get(f"/api/expo/meetings/{meeting}")).status_code == 404
        assert (await client.get(f"/api/expo/meetings/{meeting}/room")).status_code == 404
        assert (await client.get(f"/api/expo/meetings/{meeting}/notes")).status_code == 404
        cancel = await client.post(f"/api/expo/meetings/{meeting}/cancel", json={})
        assert cancel.status_code == 404
    other = await expo.member_b.post(f"/api/expo/meetings/{meeting}/accept", json={})
    assert other.status_code == 404
    assert (await expo.visitor.post(f"/api/expo/meetings/{meeting}/accept",
                                    json={})).status_code == 403  # not an enterprise role
    inbox_b = (await expo.member_b.get("/api/expo/meetings/inbox")).json()
    assert inbox_b["total"] == 0


async def test_products_and_colleagues_must_be_the_enterprises_own(expo: Expo) -> None:
    foreign = (await expo.member_b.post("/api/commerce/seller/products", json={
        "name": "示例·别家商品", "category": "hardware", "price_fen": 100, "stock": 1,
        "published": True})).json()["id"]
    meeting = await expo.booked()
    refused = await expo.member_a.post(f"/api/expo/meetings/{meeting}/accept",
                                       json={"product_ids": [foreign]})
    assert refused.json()["error"]["code"] == "meeting_product_not_yours"
    visitor_id = (await expo.visitor.get("/api/auth/me")).json()["id"]
    refused = await expo.member_a.post(f"/api/expo/meetings/{meeting}/accept",
                                       json={"colleague_ids": [visitor_id]})
    assert refused.json()["error"]["code"] == "meeting_colleague_not_member"


async def test_cancel_and_no_show(expo: Expo) -> None:
    meeting = await expo.accepted(offset=2)
    early = await expo.member_a.post(f"/api/expo/meetings/{meeting}/no-show")
    assert early.json()["error"]["code"] == "meeting_not_started"
    cancelled = await expo.visitor.post(f"/api/expo/meetings/{meeting}/cancel",
                                        json={"reason": "行程变动"})
    assert cancelled.json()["status"] == "cancelled"
    assert await _notices(expo, "expo.meeting_cancelled") == 1
    now = await expo.accepted(offset=0)
    missed = await expo.member_a.post(f"/api/expo/meetings/{now}/no-show")
    assert missed.json()["status"] == "no_show"
    mine = (await expo.visitor.get("/api/expo/meetings/mine")).json()
    assert {m["status"] for m in mine["items"]} == {"cancelled", "no_show"}
    assert await _actions(expo, now) == ["expo.meeting.requested", "expo.meeting.accepted",
                                         "expo.meeting.no_show"]
