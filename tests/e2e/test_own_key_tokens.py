"""An owner who holds their own Ed25519 key in the browser gifts a collectible: the page asks
the server to prepare the gift, WebCrypto signs the exact bytes in Chromium and the server only
verifies the signature before the gift is recorded on the ledger."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.modules.assets.tokens import service as tokens
from e2e.browsing import login, logout, on_server_database, realname_user, shot

pytestmark = pytest.mark.browser


def _transferable_token(page: Page) -> tuple[int, int]:
    """A token the signed-in user holds past its holding period (from the demo pack)."""
    mine = page.request.get("/api/assets/tokens/mine", params={"frozen": "false"}).json()
    for token in mine["items"]:
        expired = page.evaluate("(at) => Date.parse(at) <= Date.now()", token["transferable_at"])
        if expired:
            return token["collection_id"], token["serial"]
    raise AssertionError("the demo pack gives this user no transferable token")


def _token_for(page: Page, server_data: Path, username: str) -> tuple[int, int]:
    """The demo enterprise (custodial, and it stays so) gives the user one of its tokens, held
    past the holding period (moved back in the server's database: its clock cannot jump)."""
    login(page, "enterprise", DEMO_PASSWORD)
    collection_id, serial = _transferable_token(page)
    response = page.request.post(
        f"/api/assets/collections/{collection_id}/tokens/{serial}/gift",
        data={"to_username": username})
    assert response.ok, response.text()
    logout(page)
    on_server_database(server_data, lambda session: tokens.backdate_latest_event(
        session, collection_id, serial, days=181))
    return collection_id, serial


def test_an_own_key_owner_gifts_a_token_signed_in_the_browser(
    page: Page, server_data: Path
) -> None:
    # A user of this test's own takes the key: a user keeps the key they take.
    password = realname_user(page, "owner_gu", "顾清和")
    collection_id, serial = _token_for(page, server_data, "owner_gu")
    login(page, "owner_gu", password)
    page.goto("/works")
    page.locator(".advanced summary").click()
    page.get_by_test_id("external-key-create").click()
    expect(page.get_by_test_id("identity-kind")).to_have_text(re.compile("自有密钥"))
    did = page.get_by_test_id("identity-did").inner_text()

    page.goto(f"/collections/{collection_id}/tokens/{serial}")
    expect(page.get_by_test_id("token-owner")).to_have_text("顾清和")
    page.get_by_test_id("token-gift").click()
    page.get_by_test_id("gift-to").fill("creator")
    shot(page, "assets-14-own-key-gift")
    page.get_by_test_id("gift-submit").click()
    expect(page.get_by_test_id("token-owner")).to_have_text("数字艺术家 林悦")

    # The gift's log entry was signed by the key made in this browser, not by the platform.
    provenance = page.request.get(
        f"/api/assets/collections/{collection_id}/tokens/{serial}/provenance").json()
    gift = provenance["events"][-1]
    assert gift["kind"] == "transfer"
    signed = json.loads(base64.b64decode(gift["entry"]))
    assert signed["payload"]["actor"] == did and signed["payload"]["type"] == "token.transfer"
    shot(page, "assets-15-own-key-gift-recorded")
