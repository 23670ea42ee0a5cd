"""Messages in the world: chat with the word filter and its history, rate limits, host
moderation, malformed frames."""

from __future__ import annotations

import msgpack
from websockets.asyncio.client import connect

from cityverse.core.auth.policy import Role
from cityverse.realtime.protocol import (
    ChatScope,
    Emote,
    Hello,
    Interact,
    InteractAction,
    Moderation,
    ModerationAction,
    decode_message,
)
from realtime.world_support import SPACE, LiveWorld, Refused, WorldClient, login_cookie
from tests_support import audit_actions


async def make_host(live: LiveWorld) -> WorldClient:
    host_id, _ = await live.user("host1")
    _, admin = await live.user("admin1", Role.ADMIN)
    current = (await live.http.get(f"/api/spaces/{SPACE}/settings")).json()
    response = await live.http.put(
        f"/api/spaces/{SPACE}/settings", headers={"Cookie": f"cv_session={admin}"},
        json={**{k: current[k] for k in ("capacity_per_instance", "allow_guests",
                                          "guests_can_chat")}, "host_user_ids": [host_id]},
    )
    assert response.status_code == 200, response.text
    return await WorldClient.join(live.ws_base, cookie=await login_cookie(live.http, "host1"))


async def test_chat_is_filtered_delivered_nearby_and_kept_in_history(live: LiveWorld) -> None:
    near = await live.join_as("near1")
    far = await live.join_as("far1")
    speaker = await live.join_as("speaker1")
    await far.move(-19, 23)  # more than the 40 m view range from the speaker
    await speaker.move(15, -19)
    await near.move(14, -18)
    await speaker.wait_for(lambda: speaker.world.get(far.client_id, (0,))[0] != -1900)
    # The speaker sees the near avatar where it moved: its pose reached the server first.
    await speaker.wait_for(lambda: speaker.world.get(near.client_id, (0,))[0] == 1400)
    await speaker.say("这里有人诈骗吗", ChatScope.NEARBY)
    await near.wait_for(lambda: near.chats)
    assert near.chats[0].text == "这里有人＊＊吗"
    await speaker.say("全场公告", ChatScope.HALL)
    await far.wait_for(lambda: far.chats)
    assert [c.text for c in far.chats] == ["全场公告"]
    await live.app.state.world.chat_writer.flush()
    page = (await live.http.get(f"/api/world/{SPACE}/chat", params={"size": 1})).json()
    assert page["total"] == 2 and page["items"][0]["text"] == "全场公告"
    nearby = (await live.http.get(f"/api/world/{SPACE}/chat",
                                  params={"scope": "nearby"})).json()
    assert [m["text"] for m in nearby["items"]] == ["这里有人＊＊吗"]
    for client in (near, far, speaker):
        await client.close()


async def test_emotes_and_interactions(live: LiveWorld) -> None:
    one = await WorldClient.join(live.ws_base, guest_name="甲")
    two = await WorldClient.join(live.ws_base, guest_name="乙")
    await one.send(Emote(3).encode())
    await two.wait_for(lambda: two.emotes)
    assert (two.emotes[0].emote_id, two.emotes[0].sender_id) == (3, one.client_id)
    await one.send(Interact(InteractAction.ENTER_BOOTH, "no-such-booth").encode())
    await one.wait_for(lambda: "unknown_target" in one.error_codes())
    scene = (await live.http.get(f"/api/spaces/{SPACE}")).json()["scene"]
    booth = scene["booths"][0]["key"]
    await one.send(Interact(InteractAction.ENTER_BOOTH, booth).encode())
    instance = live.app.state.world.spaces[SPACE][f"{SPACE}#1"]
    await one.wait_for(lambda: instance.interactions.get(f"enter_booth:{booth}") == 1)
    await one.close()
    await two.close()


async def test_chat_rate_limit(live: LiveWorld) -> None:
    talker = await live.join_as("talker1")
    listener = await WorldClient.join(live.ws_base, guest_name="听众")
    for n in range(12):
        await talker.say(f"第{n}条")
    await talker.wait_for(lambda: "rate_limited" in talker.error_codes())
    await listener.wait_for(lambda: len(listener.chats) >= 5)
    assert len(listener.chats) < 12  # burst of 5, then 2 a second
    await talker.close()
    await listener.close()


async def test_host_mutes_kicks_and_bans(live: LiveWorld) -> None:
    host = await make_host(live)
    visitor = await live.join_as("noisy1")
    other = await live.join_as("other1")
    await host.wait_for(lambda: visitor.client_id in host.world and other.client_id in host.world)

    await visitor.send(Moderation(ModerationAction.MUTE, host.client_id, "").encode())
    await visitor.wait_for(lambda: "forbidden" in visitor.error_codes())

    await host.send(Moderation(ModerationAction.MUTE, visitor.client_id, "刷屏").encode())
    await visitor.wait_for(lambda: visitor.moderation)
    await visitor.say("还能说话吗")
    await visitor.wait_for(lambda: "muted" in visitor.error_codes())

    await host.send(Moderation(ModerationAction.KICK, other.client_id, "请离开").encode())
    assert await other.wait_closed() == 4003

    await host.send(Moderation(ModerationAction.BAN, visitor.client_id, "屡次违规").encode())
    assert await visitor.wait_closed() == 4003
    await host.wait_for(lambda: visitor.client_id not in host.world)
    cookie = await login_cookie(live.http, "noisy1")
    try:
        await WorldClient.join(live.ws_base, cookie=cookie)
        raise AssertionError("a banned user joined")
    except Refused as refused:
        assert refused.close_code == 4003
        assert refused.error is not None and refused.error.code == "banned"
        assert "屡次违规" in refused.error.message
    assert "world.ban" in await audit_actions(live.app)
    await host.close()


async def test_malformed_frames_get_an_error_and_a_close_code(live: LiveWorld) -> None:
    async with connect(f"{live.ws_base}/ws/world/{SPACE}") as ws:
        await ws.send(msgpack.packb([1, 4, 0, 0, 0, 0, 0]))  # a pose before hello
        error = decode_message(await ws.recv())
        assert error.code == "expected_hello"  # type: ignore[attr-defined]
        await ws.wait_closed()
        assert ws.close_code == 4000
    async with connect(f"{live.ws_base}/ws/world/{SPACE}") as ws:
        await ws.send("hello as text")
        await ws.wait_closed()
        assert ws.close_code == 1003
    client = await WorldClient.join(live.ws_base, guest_name="坏帧")
    await client.send(b"\xc1 not msgpack")
    assert await client.wait_closed() == 4000
    assert "bad_shape" in client.error_codes()
    client = await WorldClient.join(live.ws_base, guest_name="坏版本")
    await client.send(msgpack.packb([9, 4, 0, 0, 0, 0, 0]))
    assert await client.wait_closed() == 4000
    assert "unknown_version" in client.error_codes()
    client = await WorldClient.join(live.ws_base, guest_name="坏数")
    await client.send(msgpack.packb([1, 4, float("nan"), 0, 0, 0, 0]))
    assert await client.wait_closed() == 4000
    assert "bad_number" in client.error_codes()
    # The server is unharmed: a new visitor still joins and hears the world.
    healthy = await WorldClient.join(live.ws_base, guest_name="正常")
    await healthy.close()


async def test_hello_twice_is_refused_politely(live: LiveWorld) -> None:
    client = await WorldClient.join(live.ws_base, guest_name="重复")
    await client.send(Hello(SPACE).encode())
    await client.wait_for(lambda: "unexpected_message" in client.error_codes())
    await client.close()
