from __future__ import annotations

from fastapi import FastAPI

from cityverse.core import notifications
from cityverse.core.auth.policy import Role
from modules.industry.support_fixtures import user_id


async def test_list_count_and_mark_read(app: FastAPI, signed_in) -> None:
    ann = await signed_in("ann", Role.VISITOR)
    bob = await signed_in("bob", Role.VISITOR)
    ann_id = await user_id(ann)
    async with app.state.sessionmaker() as session, session.begin():
        for n in range(3):
            await notifications.notify(session, ann_id, "test.kind", f"第{n}条", f"No. {n}",
                                       f"/somewhere/{n}")
    assert (await ann.get("/api/notifications/unread-count")).json() == {"unread": 3}
    page = (await ann.get("/api/notifications?size=2")).json()
    assert page["total"] == 3
    assert [n["title_en"] for n in page["items"]] == ["No. 2", "No. 1"]  # newest first
    first = page["items"][0]["id"]
    # Someone else's notice is not found for bob, and stays unread.
    assert (await bob.post(f"/api/notifications/{first}/read")).status_code == 404
    marked = await ann.post(f"/api/notifications/{first}/read")
    assert marked.json()["read_at"] is not None
    assert (await ann.get("/api/notifications/unread-count")).json() == {"unread": 2}
    unread = (await ann.get("/api/notifications?unread_only=true")).json()
    assert unread["total"] == 2
    assert (await ann.post("/api/notifications/read-all")).json() == {"marked": 2}
    assert (await ann.get("/api/notifications/unread-count")).json() == {"unread": 0}
    assert (await bob.get("/api/notifications")).json()["total"] == 0


async def test_notify_all_sends_each_user_once(app: FastAPI, make_user) -> None:
    one = await make_user("one")
    two = await make_user("two")
    async with app.state.sessionmaker() as session, session.begin():
        sent = await notifications.notify_all(session, [one, two, one], "k", "标题", "Title")
        assert sent == 2
        assert await notifications.unread_count(session, one) == 1
