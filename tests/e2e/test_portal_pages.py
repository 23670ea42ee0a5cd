"""The portal, directories, account tools and administration in both languages and at phone
width; screenshots of each page land in test-results/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser


def test_portal_in_english_and_live_figures(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("summary-enterprises")).to_contain_text("40")
    identity = page.locator('[data-testid="system-card"][data-system="digital-identity"]')
    expect(identity).to_have_attribute("data-status", "live")
    assets = page.locator('[data-testid="system-card"][data-system="digital-assets"]')
    expect(assets).to_have_attribute("data-status", "live")
    expect(page.locator('[data-testid="system-card"][data-status="coming"]')).to_have_count(13)
    living_room = page.locator('[data-testid="system-card"][data-system="living-room"]')
    expect(living_room).to_contain_text("云上客厅")
    page.get_by_test_id("lang-switch").click()
    expect(living_room).to_contain_text("Cloud living room")
    shot(page, "10-portal-home-en")
    page.reload()  # the choice is remembered
    expect(living_room).to_contain_text("Cloud living room")
    identity.get_by_test_id("system-open").click()
    expect(page).to_have_url(re.compile(r"/login\?redirect="))


def test_directories_filter(page: Page) -> None:
    page.goto("/enterprises")
    expect(page.get_by_test_id("enterprise-card").first).to_be_visible()
    page.get_by_test_id("enterprise-search").fill("光学")
    page.get_by_test_id("enterprise-search").press("Enter")
    expect(page.get_by_test_id("enterprise-card").first).to_contain_text("光学")
    shot(page, "11-enterprises")
    page.goto("/places")
    expect(page.get_by_test_id("place-card")).to_have_count(28)
    expect(page.get_by_test_id("place-list")).to_contain_text("周庄古镇")
    shot(page, "12-places")


def test_guests_are_sent_to_login_and_unknown_pages_say_so(page: Page) -> None:
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/login\?redirect=(%2F|/)admin$"))
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    shot(page, "16-login")
    page.goto("/no/such/page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    shot(page, "17-not-found")


def test_wrong_password_message(page: Page) -> None:
    page.goto("/login")
    page.get_by_test_id("login-username").fill("visitor")
    page.get_by_test_id("login-password").fill("not-the-password-1")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_text("用户名或密码错误").first).to_be_visible()


def test_admin_changes_roles_and_reads_the_audit_log(page: Page) -> None:
    login(page, "admin", DEMO_PASSWORD)
    page.goto("/admin")
    page.get_by_test_id("admin-tab-users").click()
    expect(page.get_by_test_id("users-table")).to_contain_text("citizen_li")
    shot(page, "13-admin-users")
    page.get_by_test_id("admin-tab-audit").click()
    # Other modules' demo data and the other browser tests fill the first page; the filter
    # finds the review decisions.
    page.get_by_test_id("audit-action-filter").fill("realname.approve")
    page.get_by_test_id("audit-action-filter").press("Enter")
    expect(page.get_by_test_id("audit-table")).to_contain_text("realname.approve")
    shot(page, "14-admin-audit")
    logout(page)


def test_officer_sees_only_the_review_queue(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/admin")
    expect(page.get_by_test_id("admin-tab-review")).to_be_visible()
    expect(page.get_by_test_id("admin-tab-users")).to_have_count(0)
    expect(page.get_by_test_id("admin-tab-audit")).to_have_count(0)


def test_api_token_is_shown_once(page: Page) -> None:
    login(page, "creator", DEMO_PASSWORD)
    page.goto("/account")
    page.get_by_test_id("token-name").fill("作品同步脚本")
    page.get_by_test_id("token-create").click()
    expect(page.get_by_test_id("new-token-value")).to_have_text(re.compile(r"^cvt_\S{40,}$"))
    shot(page, "15-new-token")
    page.get_by_test_id("new-token-close").click()
    expect(page.get_by_test_id("token-list")).to_contain_text("作品同步脚本")


def test_phone_width_pages(phone: Page) -> None:
    phone.goto("/")
    expect(phone.get_by_test_id("system-card")).to_have_count(15)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the home page scrolls sideways on a phone ({width}px)"
    shot(phone, "20-phone-home")
    phone.get_by_test_id("nav-toggle").click()
    expect(phone.get_by_test_id("nav-mobile")).to_be_visible()
    shot(phone, "21-phone-menu")
    login(phone, "citizen_sun", DEMO_PASSWORD)
    phone.goto("/account")
    expect(phone.get_by_test_id("realname-status")).to_have_text("未通过")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "22-phone-account")
    logout(phone)
    login(phone, "officer", DEMO_PASSWORD)
    phone.goto("/admin")
    expect(phone.get_by_test_id("review-list")).to_be_visible()
    shot(phone, "23-phone-review")
