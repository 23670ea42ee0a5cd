"""A collectible's life in the browser: a creator registers a work and proposes a collection of
it, an officer approves and the editions are minted, the creator gifts one once the holding
period is over, an officer freezes it, the recipient sees it frozen, and anyone, signed out,
sees the provenance proofs and the work's certificate verified in the browser."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.modules.assets.tokens import service as tokens
from e2e.browsing import login, logout, on_server_database, shot
from e2e.test_works_verify import artwork, upload

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (180, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _collection_id(page: Page, title: str) -> int:
    found = page.request.get("/api/assets/collections", params={"q": title}).json()
    collection_id: int = found["items"][0]["id"]
    return collection_id


def _wait_for_verified_proofs(page: Page, url: str) -> None:
    """Events newer than the last checkpoint wait for the next one (about a second)."""
    for _ in range(20):
        page.goto(url)
        expect(page.get_by_test_id("provenance-event").first).to_be_visible()
        statuses = page.get_by_test_id("proof-status")
        if all(s.get_attribute("data-status") == "verified" for s in statuses.all()):
            return
        page.wait_for_timeout(500)
    raise AssertionError("the provenance proofs never verified")


def test_register_review_mint_gift_freeze_and_verify_publicly(
    page: Page, server_data: Path
) -> None:
    """The whole lifecycle of one work and its collection, as issue 4's "done when" lists it:
    register → review → mint → gift after the holding period → freeze → verify publicly."""
    login(page, "creator", DEMO_PASSWORD)
    work_id = upload(page, "千灯古镇晨曦", artwork())  # 确权: registered on the ledger
    shot(page, "assets-00-work-registered")
    page.get_by_test_id("nav-group-assets").click()
    page.get_by_test_id("nav-collections").click()
    page.get_by_test_id("collections-propose").click()
    page.get_by_test_id("propose-title").fill("千灯古镇晨曦")
    page.get_by_test_id("propose-description").fill("千灯古镇石板街的清晨，三幅一组。")
    page.get_by_test_id("propose-editions").locator("input").fill("3")
    page.get_by_test_id("propose-work").click()
    page.get_by_test_id("propose-work-option").filter(has_text=work_id).click()
    page.get_by_test_id("propose-documents").locator("input[type=file]").set_input_files(
        files=[{"name": "IP授权书.png", "mimeType": "image/png", "buffer": _png()}])
    shot(page, "assets-01-propose-form")
    page.get_by_test_id("propose-submit").click()
    mine = page.get_by_test_id("my-collection").filter(has_text="千灯古镇晨曦")
    expect(mine.get_by_test_id("my-collection-status")).to_have_text("待审核")
    shot(page, "assets-02-proposal-pending")
    logout(page)

    login(page, "officer", DEMO_PASSWORD)
    page.get_by_test_id("nav-group-assets").click()
    page.get_by_test_id("nav-collections").click()
    page.get_by_test_id("collections-review").click()
    item = page.locator('[data-testid=collection-review-item][data-title="千灯古镇晨曦"]')
    expect(item.get_by_test_id("collection-review-document")).to_have_text("IP授权书.png")
    shot(page, "assets-03-review-queue")
    item.get_by_test_id("collection-review-approve").click()
    expect(item).to_have_count(0)
    new_id = _collection_id(page, "千灯古镇晨曦")
    page.goto(f"/collections/{new_id}")
    expect(page.get_by_test_id("edition")).to_have_count(3)
    expect(page.get_by_test_id("collection-issuer")).to_have_text("数字艺术家 林悦")
    shot(page, "assets-04-collection-minted")
    logout(page)

    # Fresh editions wait out the holding period: first the gift is refused, then (the
    # server's clock cannot jump) the editions are moved 181 days into the past.
    login(page, "creator", DEMO_PASSWORD)
    page.get_by_test_id("nav-group-assets").click()
    page.get_by_test_id("nav-my-collectibles").click()
    card = page.locator(f'[data-testid=my-token][data-token="{new_id}.1"]')
    expect(card.get_by_test_id("my-token-countdown")).to_contain_text("还需持有")
    expect(card.get_by_test_id("my-token-gift")).to_be_disabled()
    shot(page, "assets-05-holding-period")
    _backdate(server_data, new_id, days=181)
    page.reload()
    expect(card.get_by_test_id("my-token-countdown")).to_have_text("可以转赠")
    card.get_by_test_id("my-token-gift").click()
    page.get_by_test_id("gift-to").fill("enterprise")
    shot(page, "assets-06-gift-dialog")
    page.get_by_test_id("gift-submit").click()
    expect(card).to_have_count(0)
    logout(page)

    login(page, "officer", DEMO_PASSWORD)
    page.goto(f"/collections/{new_id}/tokens/1")
    expect(page.get_by_test_id("token-owner")).to_have_text("星瞳光学 陈立")
    page.get_by_test_id("token-freeze").click()
    page.get_by_test_id("reason-input").fill("接到举报，核查期间暂停流转")
    page.get_by_test_id("reason-submit").click()
    expect(page.get_by_test_id("token-frozen")).to_be_visible()
    expect(page.get_by_test_id("token-unfreeze")).to_be_visible()
    logout(page)

    login(page, "enterprise", DEMO_PASSWORD)
    page.get_by_test_id("nav-group-assets").click()
    page.get_by_test_id("nav-my-collectibles").click()
    received = page.locator(f'[data-testid=my-token][data-token="{new_id}.1"]')
    expect(received.get_by_test_id("my-token-frozen")).to_be_visible()
    expect(received.get_by_test_id("my-token-gift")).to_be_disabled()
    shot(page, "assets-07-recipient-sees-frozen")
    logout(page)

    # Publicly, signed out: the provenance proofs and the work's certificate check in the
    # browser against the signed checkpoint.
    _wait_for_verified_proofs(page, f"/collections/{new_id}/tokens/1")
    kinds = [e.get_attribute("data-kind") for e in page.get_by_test_id("provenance-event").all()]
    assert kinds == ["mint", "transfer", "freeze"]
    browser_checks = page.get_by_test_id("proof-browser")
    expect(browser_checks).to_have_count(3)
    for check in browser_checks.all():
        expect(check).to_have_attribute("data-ok", "yes")
    shot(page, "assets-08-provenance-verified")
    page.goto(f"/verify?cert={work_id}")
    expect(page.get_by_test_id("verify-result")).to_have_attribute("data-verdict", "valid",
                                                                 timeout=15_000)
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    shot(page, "assets-09-work-certificate-verified")


def _backdate(server_data: Path, collection_id: int, days: int) -> None:
    """Move a collection's mint and holdings into the past (the demo loader's helper)."""
    on_server_database(
        server_data, lambda session: tokens.backdate_collection(session, collection_id, days))


def test_a_holder_turns_the_3d_work_and_phones_fit(page: Page, phone: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    vr = _collection_id(page, "玉峰塔")
    page.goto(f"/collections/{vr}/tokens/1")
    canvas = page.get_by_test_id("model-viewer").locator("canvas")
    expect(canvas).to_be_visible()
    page.wait_for_timeout(500)
    shot(page, "assets-10-3d-viewer")

    login(phone, "enterprise", DEMO_PASSWORD)
    phone.goto("/my/collectibles")
    expect(phone.get_by_test_id("my-token").first).to_be_visible()
    shot(phone, "assets-11-phone-my-collectibles")
    phone.goto(f"/collections/{vr}")
    expect(phone.get_by_test_id("edition").first).to_be_visible()
    expect(phone.get_by_test_id("work-image")).to_be_visible()
    shot(phone, "assets-12-phone-collection")
    phone.goto("/collections")
    expect(phone.get_by_test_id("collection-card").first).to_be_visible()
    phone.get_by_role("button", name=re.compile("English|EN", re.I)).first.click()
    expect(phone.get_by_text("Digital collectibles")).to_be_visible()
    shot(phone, "assets-13-phone-collections-en")
