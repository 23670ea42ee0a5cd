"""An owner who holds their own Ed25519 key in the browser gifts a collectible: the page asks
the server to prepare the gift, WebCrypto signs the exact bytes in Chromium and the server only
verifies the signature before the gift is recorded on the ledger."""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, shot

pytestmark = pytest.mark.browser


def _transferable_token(page: Page) -> tuple[int, int]:
    """A token the signed-in user holds past its holding period (from the demo pack)."""
    mine = page.request.get("/api/assets/tokens/mine", params={"frozen": "false"}).json()
    for token in mine["items"]:
        expired = page.evaluate("(at) => Date.parse(at) <= Date.now()", token["transferable_at"])
        if expired:
            return token["collection_id"], token["serial"]
    raise AssertionError("the demo pack gives this user no transferable token")


def test_an_own_key_owner_gifts_a_token_signed_in_the_browser(page: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/works")
    page.locator(".advanced summary").click()
    page.get_by_test_id("external-key-create").click()
    expect(page.get_by_test_id("identity-kind")).to_have_text(re.compile("自有密钥"))
    did = page.get_by_test_id("identity-did").inner_text()

    collection_id, serial = _transferable_token(page)
    page.goto(f"/collections/{collection_id}/tokens/{serial}")
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
