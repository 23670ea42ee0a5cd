"""Joining the world server: who may join, instances, following a friend, resume."""

from __future__ import annotations

import pytest

from cityverse.core.auth.policy import Role
from cityverse.realtime.protocol import ChatScope
from realtime.world_support import SPACE, LiveWorld, Refused, WorldClient


async def admin_cookie(live: LiveWorld) -> str:
    return (await live.user("admin1", Role.ADMIN))[1]


async def put_settings(live: LiveWorld, cookie: str, **changes: object) -> None:
    current = (await live.http.get(f"/api/spaces/{SPACE}/settings")).json()
    body = {k: current[k] for k in ("capacity_per_instance", "allow_guests", "guests_can_chat",
                                    "host_user_ids")}
    response = await live.http.put(f"/api/spaces/{SPACE}/settings", json={**body, **changes},
                                   headers={"Cookie": f"cv_session={cookie}"})
    assert response.status_code == 200, response.text


async def test_two_members_see_each_other_move_and_chat(live: LiveWorld) -> None:
    wang = await live.join_as("wang")
    li = await live.join_as("li")
    assert wang.welcome.instance_id == li.welcome.instance_id == f"{SPACE}#1"
    await wang.move(3.5, -2.0, 90)
    await li.wait_for(lambda: li.world.get(wang.client_id, (0,))[0] == 350)
    assert li.world[wang.client_id] == (350, 0, -200, 9000, 1)
    assert li.names[wang.client_id] == "wang"
    await li.say("大家好", ChatScope.HALL)
    await wang.wait_for(lambda: any(c.text == "大家好" for c in wang.chats))
    assert wang.chats[-1].sender_id == li.client_id
    await wang.close()
    await li.close()


async def test_guest_joins_read_only(live: LiveWorld) -> None:
    guest = await WorldClient.join(live.ws_base, guest_name="小游客")
    await guest.say("hello")
    await guest.wait_for(lambda: "guests_cannot_chat" in guest.error_codes())
    await guest.close()


async def test_guest_refused_when_space_is_members_only(live: LiveWorld) -> None:
    await put_settings(live, await admin_cookie(live), allow_guests=False)
    with pytest.raises(Refused) as refused:
        await WorldClient.join(live.ws_base)
    assert refused.value.close_code == 4001
    assert refused.value.error is not None and refused.value.error.code == "sign_in_required"


async def test_unknown_space_and_bad_credentials_are_refused(live: LiveWorld) -> None:
    with pytest.raises(Refused) as unknown:
        await WorldClient.join(live.ws_base, "no-such-space")
    assert unknown.value.close_code == 4004
    with pytest.raises(Refused) as stale:
        await WorldClient.join(live.ws_base, cookie="not-a-session")
    assert stale.value.close_code == 4001
    with pytest.raises(Refused) as mismatch:
        await WorldClient.join(live.ws_base, hello_space="negotiation-room")
    assert mismatch.value.close_code == 4000


async def test_full_instance_overflows_and_friends_follow(live: LiveWorld) -> None:
    await put_settings(live, await admin_cookie(live), capacity_per_instance=2)
    a = await live.join_as("visitor_a")
    b = await live.join_as("visitor_b")
    c = await live.join_as("visitor_c")
    assert [x.welcome.instance_id for x in (a, b, c)] == [f"{SPACE}#1", f"{SPACE}#1",
                                                          f"{SPACE}#2"]
    await a.ws.send(b"\x93\x01\x03\xa0")  # leave(""): #1 has room again
    await a.wait_closed()
    d = await live.join_as("visitor_d", hint="user:visitor_c")
    assert d.welcome.instance_id == f"{SPACE}#2"
    await c.wait_for(lambda: d.client_id in c.world)
    for client in (b, c, d):
        await client.close()


async def test_resume_keeps_one_avatar(live: LiveWorld) -> None:
    watcher = await WorldClient.join(live.ws_base, guest_name="观众")
    _, cookie = await live.user("zhao")
    first = await WorldClient.join(live.ws_base, cookie=cookie)
    await first.move(1, 1)
    await watcher.wait_for(lambda: first.client_id in watcher.world)
    await first.close()  # the socket drops without a leave message
    again = await WorldClient.join(live.ws_base, cookie=cookie,
                                   resume=first.welcome.resume_token)
    assert again.client_id == first.client_id
    assert again.welcome.resume_token != first.welcome.resume_token
    await again.move(2, 2)
    await watcher.wait_for(lambda: watcher.world.get(again.client_id, (0,))[0] == 200)
    server = live.app.state.world
    assert server.population(SPACE) == {f"{SPACE}#1": 2}
    # The old token is spent: using it again makes a fresh avatar, never a second copy.
    await again.close()
    await watcher.close()


async def test_dropped_avatar_leaves_after_resume_window(live: LiveWorld) -> None:
    watcher = await WorldClient.join(live.ws_base, guest_name="观众")
    gone = await WorldClient.join(live.ws_base, guest_name="路人")
    await gone.move(1, 1)
    await watcher.wait_for(lambda: gone.client_id in watcher.world)
    await gone.close()
    await watcher.wait_for(lambda: gone.client_id not in watcher.world, seconds=6)
    late = await WorldClient.join(live.ws_base, resume=gone.welcome.resume_token)
    assert late.client_id != gone.client_id
    await late.close()
    await watcher.close()
