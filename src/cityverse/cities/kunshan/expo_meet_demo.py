"""The Kunshan pack's negotiation meetings and booth edits: the `enterprise` account's booth
(demo-ent-01) carries its own profile, and its inbox holds a request, an accepted meeting and
a declined one. Dates are relative to the day `cityverse demo` runs. Idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal, scopes_for
from cityverse.core.config import Settings
from cityverse.modules.expo import service as expo

Progress = Callable[[str, int, int], None]
MEMBER = "enterprise"  # the demo account that works at demo-ent-01


async def _principal(session: AsyncSession, username: str) -> Principal:
    user = await accounts.find_user(session, username)
    if user is None:
        raise ValueError(f"demo meetings: no demo user {username}")
    roles = frozenset(user.role_names)
    return Principal(user.id, user.username, roles, scopes_for(roles), "session", 0, "none")


async def load(
    session: AsyncSession, settings: Settings, enterprises: dict[str, int], progress: Progress
) -> dict[str, int]:
    text = resources.files("cityverse.cities.kunshan").joinpath("data", "expo_meet.json")
    data = json.loads(text.read_text("utf-8"))
    member = await _principal(session, MEMBER)
    booth = dict(data["booth"])
    await expo.demo_booth(session, settings.city, member, enterprises[booth.pop("enterprise")],
                          booth)
    made = 0
    for index, item in enumerate(data["meetings"], 1):
        made += await expo.demo_meeting(
            session, settings, await _principal(session, item["visitor"]), member,
            enterprises[item["enterprise"]], item["days_ahead"], item["time"], item["topic"],
            item["message"], item["outcome"], item.get("reason"))
        progress("meetings", index, len(data["meetings"]))
    return {"demo_meetings": len(data["meetings"])}
