"""The private negotiation room on the world server: only the invited may join, they chat,
and both entering makes the meeting held."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from commerce_support import make_enterprise
from expo_support import current_slot
from realtime.world_support import LiveWorld, Refused, WorldClient, serve_world, world_test_config

ROOM = "negotiation-room"


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveWorld]:
    async for found in serve_world(settings, world_test_config(settings)):
        yield found


async def _call(live: LiveWorld, cookie: str, method: str, path: str, **body: object) -> dict:
    response = await live.http.request(method, path, json=body if method != "GET" else None,
                                       headers={"Cookie": f"cv_session={cookie}"})
    assert response.status_code < 300, response.text
    return response.json()


async def _refused(live: LiveWorld, cookie: str | None, hint: str | None) -> Refused:
    with pytest.raises(Refused) as refused:
        await WorldClient.join(live.ws_base, ROOM, cookie=cookie, hint=hint)
    return refused.value


async def test_only_invited_people_enter_the_room(live: LiveWorld) -> None:
    member_id, member = await live.user("zhou_member", Role.ENTERPRISE)
    _, visitor = await live.user("li_visitor", Role.VISITOR)
    _, stranger = await live.user("wang_stranger", Role.VISITOR)
    enterprise = await make_enterprise(live.app, "demo-ent-01", "91320583DEMKN00012",
                                       member_id)
    meeting = await _call(live, visitor, "POST", "/api/expo/meetings", enterprise_id=enterprise,
                          starts_at=current_slot().isoformat(), topic="样机洽谈")
    hint = f"meeting-{meeting['id']}"
    early = await _refused(live, visitor, hint)  # requested, not yet accepted
    assert early.close_code == 4005
    await _call(live, member, "POST", f"/api/expo/meetings/{meeting['id']}/accept")
    room = await _call(live, visitor, "GET", f"/api/expo/meetings/{meeting['id']}/room")
    assert room["instance_hint"] == hint

    guest = await WorldClient.join(live.ws_base, ROOM, cookie=visitor, hint=hint)
    host = await WorldClient.join(live.ws_base, ROOM, cookie=member, hint=hint)
    assert guest.welcome.instance_id == host.welcome.instance_id == f"{ROOM}#{hint}"
    await guest.say("您好，想了解批量价格")
    await host.wait_for(lambda: any(c.text == "您好，想了解批量价格" for c in host.chats))

    intruder = await _refused(live, stranger, hint)
    assert intruder.close_code == 4005
    assert intruder.error is not None and intruder.error.code == "not_invited"
    assert "invited" in intruder.error.message
    assert (await _refused(live, stranger, None)).close_code == 4005
    assert (await _refused(live, stranger, "negotiation-room#1")).close_code == 4005
    assert (await _refused(live, None, hint)).close_code == 4001  # guests never
    held = await _call(live, visitor, "GET", f"/api/expo/meetings/{meeting['id']}")
    assert held["status"] == "held"
    await guest.close()
    await host.close()


async def test_room_talk_is_not_in_the_public_chat_history(live: LiveWorld) -> None:
    member_id, member = await live.user("zhou_member", Role.ENTERPRISE)
    _, visitor = await live.user("li_visitor", Role.VISITOR)
    enterprise = await make_enterprise(live.app, "demo-ent-01", "91320583DEMKN00012",
                                       member_id)
    meeting = await _call(live, visitor, "POST", "/api/expo/meetings", enterprise_id=enterprise,
                          starts_at=current_slot().isoformat(), topic="样机洽谈")
    await _call(live, member, "POST", f"/api/expo/meetings/{meeting['id']}/accept")
    talk = await WorldClient.join(live.ws_base, ROOM, cookie=visitor,
                                  hint=f"meeting-{meeting['id']}")
    await talk.say("报价单稍后发您")
    await talk.wait_for(lambda: any(c.text == "报价单稍后发您" for c in talk.chats))
    await talk.close()
    await asyncio.sleep(0.5)  # the chat writer stores in batches
    history = (await live.http.get(f"/api/world/{ROOM}/chat")).json()
    assert history["total"] == 0
