"""A creator registers a work and downloads its certificate; an anonymous visitor verifies the
file on /verify (match), a modified file (no match), and the certificate from its QR link."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, logout, realname_user, shot


def artwork() -> bytes:
    """A picture no other run has registered (the platform registers each content once)."""
    seed = os.urandom(3)
    image = Image.new("RGB", (320, 200), tuple(seed))
    ImageDraw.Draw(image).ellipse((60, 30, 260, 170), fill=(255 - seed[0], 200, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def upload(page: Page, title: str, data: bytes) -> str:
    page.goto("/works")
    expect(page.get_by_test_id("identity-card")).to_be_visible()
    page.get_by_test_id("work-title").fill(title)
    page.get_by_test_id("work-file").set_input_files(
        {"name": "chenxi.png", "mimeType": "image/png", "buffer": data})
    page.get_by_test_id("work-submit").click()
    card = page.get_by_test_id("work-card").filter(has_text=title)
    expect(card.get_by_test_id("work-status")).to_have_text(re.compile("已登记"))
    work_id = card.get_attribute("data-work")
    assert work_id
    return work_id


def verdict(page: Page, expected: str) -> None:
    expect(page.get_by_test_id("verify-result")).to_have_attribute("data-verdict", expected,
                                                                   timeout=15_000)


def test_register_download_and_verify(page: Page, phone: Page, tmp_path: Path) -> None:
    original = artwork()
    login(page, "creator", DEMO_PASSWORD)
    work_id = upload(page, "锦溪晨曦", original)
    expect(page.get_by_test_id("identity-did")).to_contain_text("did:key:z6Mk")
    shot(page, "works-mine")

    card = page.get_by_test_id("work-card").filter(has_text="锦溪晨曦")
    with page.expect_download() as pdf:
        card.get_by_test_id("work-certificate").click()
    assert pdf.value.suggested_filename == f"certificate-{work_id}.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    with page.expect_download() as cert:
        card.get_by_test_id("work-certificate-json").click()
    certificate_path = tmp_path / "certificate.json"
    cert.value.save_as(certificate_path)
    certificate = json.loads(certificate_path.read_text("utf-8"))
    assert certificate["certificate_id"] == work_id
    with page.expect_download() as got:
        card.get_by_test_id("work-original").click()
    assert Path(got.value.path()).read_bytes() == original

    card.get_by_test_id("work-view").click()
    expect(page.get_by_test_id("work-sha256")).to_have_text(certificate["work"]["content_sha256"])
    expect(page.get_by_test_id("work-checkpoint")).to_contain_text("kunshan.cityverse/ledger")
    shot(page, "works-page")
    logout(page)

    # An anonymous visitor drops the original: the browser hashes it and checks the proofs.
    page.goto("/verify")
    page.get_by_test_id("verify-file").set_input_files(
        {"name": "chenxi.png", "mimeType": "image/png", "buffer": original})
    verdict(page, "match")
    expect(page.get_by_test_id("verify-checks").locator(".fail")).to_have_count(0)
    shot(page, "verify-match")

    # One changed byte: no registration has that hash.
    modified = bytearray(original)
    modified[-20] ^= 0xFF
    page.get_by_test_id("verify-clear").click()
    page.get_by_test_id("verify-file").set_input_files(
        {"name": "chenxi-edited.png", "mimeType": "image/png", "buffer": bytes(modified)})
    verdict(page, "not_registered")
    shot(page, "verify-not-registered")

    # With the certificate the modified file is told apart from the registered one.
    page.get_by_test_id("verify-file").set_input_files(str(certificate_path))
    expect(page.get_by_test_id("verify-cert-loaded")).to_contain_text(work_id)
    page.get_by_test_id("verify-file").set_input_files(
        {"name": "chenxi-edited.png", "mimeType": "image/png", "buffer": bytes(modified)})
    verdict(page, "tampered")
    expect(page.get_by_test_id("verify-checks").locator("[data-check=content].fail")).to_have_count(1)
    shot(page, "verify-tampered")

    # The QR code's link opens the certificate and proves it without any file.
    phone.goto(f"/verify?cert={work_id}")
    verdict(phone, "valid")
    shot(phone, "verify-qr-phone")
    phone.get_by_test_id("verify-file").set_input_files(
        {"name": "chenxi.png", "mimeType": "image/png", "buffer": original})
    verdict(phone, "match")


def test_pages_in_english_and_on_a_phone(page: Page, phone: Page) -> None:
    page.goto("/verify")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", name="Verify a work")).to_be_visible()
    page.get_by_test_id("verify-run").click()
    expect(page.get_by_test_id("verify-failure")).to_contain_text("Drop a file")
    shot(page, "verify-en")

    login(phone, "creator", DEMO_PASSWORD)
    phone.goto("/works")
    expect(phone.get_by_test_id("work-card").first).to_be_visible()
    shot(phone, "works-mine-phone")
    work_id = phone.get_by_test_id("work-card").first.get_attribute("data-work")
    phone.goto(f"/works/{work_id}")
    expect(phone.get_by_test_id("work-preview")).to_be_visible()
    shot(phone, "works-page-phone")


def test_a_visitor_without_a_verified_name_is_told_why(page: Page) -> None:
    login(page, "visitor", DEMO_PASSWORD)
    page.goto("/works")
    expect(page.get_by_test_id("identity-needs-realname")).to_be_visible()
    page.get_by_test_id("work-title").fill("未实名的作品")
    page.get_by_test_id("work-file").set_input_files(
        {"name": "x.png", "mimeType": "image/png", "buffer": artwork()})
    page.get_by_test_id("work-submit").click()
    expect(page.locator(".el-message--error")).to_contain_text("实名认证")
    shot(page, "works-needs-realname")


def test_an_own_browser_key_signs_the_registration(page: Page) -> None:
    """WebCrypto Ed25519 in Chromium: the key is made and kept in the browser, the server only
    verifies what it signs. A creator of this test's own takes the key: a user keeps the key
    they take."""
    password = realname_user(page, "designer_xu", "徐若岚", role="creator")
    login(page, "designer_xu", password)
    page.goto("/works")
    page.locator(".advanced summary").click()
    page.get_by_test_id("external-key-create").click()
    expect(page.get_by_test_id("identity-kind")).to_have_text(re.compile("自有密钥"))
    did = page.get_by_test_id("identity-did").inner_text()
    work_id = upload(page, "浏览器签名的设计稿", artwork())
    page.goto(f"/works/{work_id}")
    expect(page.get_by_test_id("work-did")).to_have_text(did)
    shot(page, "works-browser-signed")
