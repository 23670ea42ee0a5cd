"""No double booking: many visitors ask for one exhibitor's slot at the same moment.

Runs on SQLite and, with CITYVERSE_TEST_DATABASE=postgres, on a real PostgreSQL server.
"""

from __future__ import annotations

import asyncio

from cityverse.core.auth.policy import Role
from expo_support import Expo

VISITORS = 8


async def test_concurrent_requests_book_a_slot_once(expo: Expo, signed_in) -> None:
    visitors = [await signed_in(f"rush_{index}", Role.VISITOR) for index in range(VISITORS)]
    answers = await asyncio.gather(*(expo.request(visitor, offset=3) for visitor in visitors))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (VISITORS - 1), [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == \
        {"meeting_slot_taken"}
    inbox = (await expo.member_a.get("/api/expo/meetings/inbox")).json()
    assert inbox["total"] == 1


async def test_one_visitor_cannot_hold_two_exhibitors_at_once(expo: Expo) -> None:
    first, second = await asyncio.gather(
        expo.request(offset=4), expo.request(offset=4, enterprise_id=expo.enterprise_b))
    assert sorted((first.status_code, second.status_code)) == [201, 409]
