"""A member files the yearly declaration, an officer confirms it, and the plan's industry-scale
target rises by exactly the declared revenue; the directory, scenarios, officer tools and
targets page in both languages and at phone width. Screenshots land in test-results/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser

# The demo's confirmed 2025 revenue is ¥8,445,040,000; the member's draft adds ¥600,000,000.
SCALE_BEFORE = "¥84.45 亿"
SCALE_AFTER = "¥90.45 亿"
MEMBER_ENTERPRISE = "示例·昆山澄曜微显示科技有限公司"


def _scale_row(page: Page) -> Locator:
    return page.locator('tr[data-metric="industry_revenue"]')


def _number_input(page: Page, testid: str) -> Locator:
    return page.locator(f'[data-testid="{testid}"] input, input[data-testid="{testid}"]').first


def test_declaration_confirmed_moves_the_target(page: Page) -> None:
    page.goto("/industry/targets")
    expect(_scale_row(page).get_by_test_id("target-current")).to_have_text(SCALE_BEFORE)
    expect(page.locator('tr[data-metric="leading_enterprises"]')).to_contain_text("已达成")
    shot(page, "60-industry-targets-before")

    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/industry/mine")
    expect(page.get_by_test_id("mine-position")).to_contain_text("近眼显示")
    draft = page.get_by_test_id("declaration-2025")
    expect(draft.get_by_test_id("declaration-status")).to_have_text("草稿")
    draft.get_by_test_id("declaration-edit").click()
    revenue = _number_input(page, "declaration-revenue")
    revenue.fill("600000000")
    revenue.blur()
    page.get_by_test_id("declaration-save").click()
    expect(page.get_by_test_id("declaration-dialog")).to_be_hidden()
    draft.get_by_test_id("declaration-submit").click()
    expect(draft.get_by_test_id("declaration-status")).to_have_text("待审核")
    shot(page, "61-industry-mine-submitted")
    logout(page)

    login(page, "officer", DEMO_PASSWORD)
    page.goto("/industry/manage")
    card = page.locator(f'[data-enterprise="{MEMBER_ENTERPRISE}"]')
    expect(card).to_contain_text("2025")
    shot(page, "62-industry-review-queue")
    card.get_by_test_id("declaration-confirm").click()
    expect(card).to_have_count(0)

    page.goto("/industry/targets")
    expect(_scale_row(page).get_by_test_id("target-current")).to_have_text(SCALE_AFTER)
    shot(page, "63-industry-targets-after")
    page.get_by_test_id("lang-switch").click()
    expect(_scale_row(page).get_by_test_id("target-current")).to_have_text("¥9.05 bn")
    shot(page, "64-industry-targets-en")
    page.get_by_test_id("lang-switch").click()
    logout(page)


def test_returned_declaration_shows_the_reason_to_the_member(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/industry/manage")
    card = page.get_by_test_id("declaration-queue").locator("article").first
    enterprise = card.get_attribute("data-enterprise")
    card.get_by_test_id("declaration-return").click()
    page.get_by_test_id("reason-text").fill("研发投入请附专项审计报告")
    page.get_by_test_id("reason-submit").click()
    expect(page.locator(f'[data-enterprise="{enterprise}"]')).to_have_count(0)
    page.get_by_test_id("declaration-status-filter").get_by_text("已退回").click()
    expect(page.locator(f'[data-enterprise="{enterprise}"]').first).to_contain_text(
        "研发投入请附专项审计报告")
    page.get_by_role("tab", name="企业称号").click()
    expect(page.get_by_test_id("label-card").first).to_be_visible()
    shot(page, "65-industry-labels")
    page.get_by_role("tab", name="产业空间").click()
    expect(page.get_by_test_id("space-total")).to_contain_text("325,500 m²")
    shot(page, "66-industry-spaces")
    logout(page)


def test_directory_filters_and_scenarios(page: Page) -> None:
    page.goto("/enterprises?segment=hardware")
    page.get_by_test_id("enterprise-label").click()
    page.get_by_role("option", name="领军企业").click()
    expect(page).to_have_url(re.compile(r"label=leading"))
    expect(page.get_by_test_id("enterprise-card")).to_have_count(4)
    expect(page.get_by_test_id("enterprise-label-tag").first).to_be_visible()
    shot(page, "67-enterprises-leading-hardware")

    page.goto("/industry/scenarios?field=culture-tourism")
    expect(page.get_by_test_id("scenario-card")).to_have_count(4)
    shot(page, "68-industry-scenarios")
    page.get_by_test_id("scenario-card").filter(has_text="周庄古镇沉浸式夜游").click()
    expect(page.get_by_test_id("scenario-title")).to_have_text("周庄古镇沉浸式夜游")
    expect(page.get_by_test_id("scenario-milestones")).to_contain_text("AR 导览全线开放")
    expect(page.get_by_test_id("scenario-edit")).to_have_count(0)
    shot(page, "69-industry-scenario-detail")


def test_phone_pages(phone: Page) -> None:
    phone.goto("/industry/targets")
    expect(phone.locator('tr[data-metric="industrial_space_area"]')).to_contain_text("325,500 m²")
    shot(phone, "70-industry-targets-phone")
    login(phone, "enterprise", DEMO_PASSWORD)
    phone.goto("/industry/mine")
    expect(phone.get_by_test_id("declaration-2024")).to_contain_text("已确认")
    shot(phone, "71-industry-mine-phone")
    phone.goto("/industry/scenarios")
    expect(phone.get_by_test_id("scenario-card").first).to_be_visible()
    shot(phone, "72-industry-scenarios-phone")


def test_member_adds_a_milestone_to_their_project(page: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/industry/scenarios?field=industry")
    page.get_by_test_id("scenario-card").filter(has_text="近眼显示产线质检").click()
    page.get_by_test_id("scenario-edit").click()
    page.get_by_test_id("scenario-add-milestone").click()
    milestone = page.get_by_test_id("scenario-milestone").last
    milestone.locator("input").first.fill("二期产线推广")
    due = milestone.locator("input").nth(1)
    due.fill("2026-06-30")
    due.press("Enter")
    shot(page, "73-industry-scenario-edit")
    page.get_by_test_id("scenario-save").click()
    expect(page.get_by_test_id("scenario-dialog")).to_be_hidden()
    expect(page.get_by_test_id("scenario-milestones")).to_contain_text("二期产线推广")
    expect(page.get_by_test_id("scenario-milestones")).to_contain_text("2026-06-30")
    page.goto("/industry/scenarios?field=commerce")
    page.get_by_test_id("scenario-card").first.click()
    expect(page.get_by_test_id("scenario-title")).to_be_visible()
    expect(page.get_by_test_id("scenario-edit")).to_have_count(0)  # another enterprise's
    logout(page)
