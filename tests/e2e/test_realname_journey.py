"""A person registers, submits real-name details, an officer approves, the status changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.auth.id_numbers import resident_id_check_char
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser


def test_register_verify_and_get_approved(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("system-card")).to_have_count(15)
    shot(page, "01-portal-home")

    page.goto("/register")
    page.get_by_test_id("register-username").fill("xiaoming")
    page.get_by_test_id("register-display-name").fill("王小明")
    page.get_by_test_id("register-password").fill("Zhouzhuang-2025")
    page.get_by_test_id("register-password2").fill("Zhouzhuang-2025")
    shot(page, "02-register")
    page.get_by_test_id("register-submit").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_test_id("realname-status")).to_have_text("未认证")

    first17 = "32058320000101031"
    page.get_by_test_id("realname-name").fill("王小明")
    page.get_by_test_id("realname-id").fill("32058320000101031X")  # wrong check digit first
    page.get_by_test_id("realname-submit").click()
    expect(page.get_by_text("身份证号校验位不正确")).to_be_visible()
    page.get_by_test_id("realname-id").fill(first17 + resident_id_check_char(first17))
    page.get_by_test_id("realname-submit").click()
    expect(page.get_by_test_id("realname-status")).to_have_text("审核中")
    shot(page, "03-account-pending")
    logout(page)

    login(page, "officer", DEMO_PASSWORD)
    page.goto("/admin")
    page.get_by_test_id("admin-tab-review").click()
    expect(page.get_by_test_id("review-row-xiaoming")).to_be_visible()
    shot(page, "04-officer-review-queue")
    page.get_by_test_id("review-approve-xiaoming").click()
    expect(page.get_by_test_id("review-row-xiaoming")).to_have_count(0)
    logout(page)

    login(page, "xiaoming", "Zhouzhuang-2025")
    page.goto("/account")
    expect(page.get_by_test_id("realname-status")).to_have_text("已认证")
    shot(page, "05-account-approved")


def test_officer_rejects_with_a_reason(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/admin")
    page.get_by_test_id("admin-tab-review").click()
    page.get_by_test_id("review-reject-citizen_zhao").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox").fill("证件信息与姓名不一致")
    shot(page, "06-reject-dialog")
    dialog.get_by_role("button", name=re.compile("驳回|确定|确认")).click()
    expect(page.get_by_test_id("review-row-citizen_zhao")).to_have_count(0)
    logout(page)
    login(page, "citizen_zhao", DEMO_PASSWORD)
    page.goto("/account")
    expect(page.get_by_test_id("realname-status")).to_have_text("未通过")
    expect(page.get_by_text("证件信息与姓名不一致")).to_be_visible()
