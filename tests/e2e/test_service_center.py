"""A member files a service request, an officer accepts and resolves it, the member sees it
resolved and rates it; task forces show their tasks and take progress and evidence."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser

TITLE = "审查海外经销合同（浏览器测试）"


def test_request_filed_resolved_and_rated(page: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/support")
    expect(page.get_by_test_id("service-card")).to_have_count(12)
    shot(page, "support-01-catalog")
    card = page.get_by_test_id("service-card").filter(has_text="合同审查与法律咨询")
    card.get_by_test_id("service-apply").click()
    page.get_by_test_id("request-title").fill(TITLE)
    page.get_by_test_id("request-description").fill("与德国经销商的三年期合同，请重点看知识产权条款。")
    shot(page, "support-02-file-request")
    page.get_by_test_id("request-submit").click()
    expect(page).to_have_url(re.compile(r"/support/requests/\d+$"))
    request_url = page.url
    expect(page.get_by_test_id("request-status")).to_have_text("已提交")
    page.get_by_test_id("comment-body").fill("合同为英文版，附件是扫描件。")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("request-comment")).to_have_count(1)
    page.get_by_test_id("attachment-input").set_input_files(files=[{
        "name": "合同说明.txt", "mimeType": "text/plain",
        "buffer": "经销合同要点：期限三年，独家代理。".encode(),
    }])
    expect(page.get_by_test_id("request-attachment")).to_have_count(1)
    shot(page, "support-03-request-submitted")
    logout(page)

    login(page, "officer", DEMO_PASSWORD)
    page.goto("/support/workbench")
    expect(page.get_by_test_id("request-card").first).to_be_visible()
    expect(page.get_by_test_id("support-figures")).to_be_visible()
    shot(page, "support-04-officer-workbench")
    page.goto(request_url)
    page.get_by_test_id("request-accept").click()
    expect(page.get_by_test_id("request-status")).to_have_text("已受理")
    page.get_by_test_id("request-start").click()
    expect(page.get_by_test_id("request-status")).to_have_text("办理中")
    page.get_by_test_id("request-resolve").click()
    page.get_by_test_id("resolve-text").fill("已出具合同审查意见书，建议修改第 7 条。")
    shot(page, "support-05-officer-resolves")
    page.get_by_test_id("resolve-confirm").click()
    expect(page.get_by_test_id("request-status")).to_have_text("已办结")
    logout(page)

    login(page, "enterprise", DEMO_PASSWORD)
    expect(page.get_by_test_id("notification-count")).to_contain_text(re.compile(r"\d"))
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notification-item").first).to_contain_text("已办结")
    shot(page, "support-06-notifications")
    page.get_by_test_id("notification-item").first.click()
    expect(page).to_have_url(request_url)
    expect(page.get_by_test_id("request-status")).to_have_text("已办结")
    expect(page.get_by_test_id("request-resolution")).to_contain_text("第 7 条")
    page.get_by_test_id("rate-stars").locator(".el-rate__item").nth(4).click()
    page.get_by_test_id("rate-comment").fill("响应很快，意见专业")
    page.get_by_test_id("rate-submit").click()
    expect(page.get_by_test_id("request-rated")).to_contain_text("响应很快")
    shot(page, "support-07-rated")
    page.goto("/support/requests")
    expect(page.get_by_test_id("request-card").filter(has_text=TITLE)).to_have_attribute(
        "data-status", "resolved")


def test_phone_and_english(phone: Page) -> None:
    login(phone, "enterprise", DEMO_PASSWORD)
    phone.goto("/support/requests")
    expect(phone.get_by_test_id("request-card").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "support-08-my-requests-phone")
    phone.get_by_test_id("request-open").first.click()
    expect(phone).to_have_url(re.compile(r"/support/requests/\d+$"))
    expect(phone.get_by_test_id("request-title-view")).to_be_visible()
    shot(phone, "support-09-request-phone")
    phone.get_by_test_id("lang-switch").click()
    phone.goto("/support")
    expect(phone.get_by_text("Innovation center · Services for enterprises")).to_be_visible()
    expect(phone.get_by_test_id("service-card")).to_have_count(12)
    shot(phone, "support-10-catalog-phone-en")


def test_task_force_progress_and_evidence(page: Page, phone: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/taskforces")
    expect(page.get_by_test_id("taskforce-card")).to_have_count(6)
    shot(page, "support-11-taskforces")
    page.get_by_test_id("taskforce-card").filter(has_text="工业元宇宙专班").click()
    expect(page.get_by_test_id("taskforce-name")).to_have_text("工业元宇宙专班")
    expect(page.get_by_test_id("task-late").first).to_be_visible()
    shot(page, "support-12-taskforce-tasks")
    page.get_by_test_id("task-row").filter(has_text="发布工业元宇宙场景清单") \
        .get_by_test_id("task-open").click()
    page.get_by_test_id("evidence-note").fill("场景清单已提交领导小组办公室审议")
    page.get_by_test_id("evidence-link").fill("https://example.org/kunshan/scenes")
    page.get_by_test_id("evidence-add").click()
    expect(page.get_by_test_id("task-evidence-item")).to_have_count(1)
    page.get_by_test_id("task-status").get_by_text("已完成").click()
    shot(page, "support-13-task-update")
    page.get_by_test_id("task-save").click()
    row = page.get_by_test_id("task-row").filter(has_text="发布工业元宇宙场景清单")
    expect(row).to_contain_text("已完成")
    expect(row.get_by_test_id("task-late")).to_have_count(0)

    login(phone, "officer", DEMO_PASSWORD)
    phone.goto("/taskforces")
    expect(phone.get_by_test_id("taskforce-card")).to_have_count(6)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "support-14-taskforces-phone")
