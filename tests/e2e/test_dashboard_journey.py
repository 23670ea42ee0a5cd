"""The industry data screen and monthly reports in the browser, as an officer sees them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import SHOTS, login, logout, shot

pytestmark = pytest.mark.browser


def kpi(page: Page, key: str) -> int:
    locator = page.get_by_test_id(f"dashboard-kpi-{key}")
    expect(locator).to_have_text(re.compile(r"^\d[\d,]*$"))
    return int(locator.inner_text().replace(",", ""))


def dashboard_figures(page: Page) -> dict[str, int]:
    page.goto("/dashboard")
    return {key: kpi(page, key) for key in ("service-total", "service-open", "service-resolved")}


def file_request(page: Page, title: str) -> str:
    page.goto("/support")
    card = page.get_by_test_id("service-card").filter(has_text="合同审查与法律咨询")
    card.get_by_test_id("service-apply").click()
    page.get_by_test_id("request-title").fill(title)
    page.get_by_test_id("request-description").fill("请审查与经销商的合作协议。")
    page.get_by_test_id("request-submit").click()
    expect(page).to_have_url(re.compile(r"/support/requests/\d+$"))
    expect(page.get_by_test_id("request-status")).to_have_text("已提交")
    return page.url


def handle_request(page: Page, request_url: str) -> None:
    page.goto(request_url)
    page.get_by_test_id("request-accept").click()
    expect(page.get_by_test_id("request-status")).to_have_text("已受理")
    page.get_by_test_id("request-start").click()
    expect(page.get_by_test_id("request-status")).to_have_text("办理中")
    page.get_by_test_id("request-resolve").click()
    page.get_by_test_id("resolve-text").fill("已出具审查意见。")
    page.get_by_test_id("resolve-confirm").click()
    expect(page.get_by_test_id("request-status")).to_have_text("已办结")


def test_a_handled_service_request_moves_the_screens_figures(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    before = dashboard_figures(page)
    shot(page, "dashboard-06-journey-before")
    logout(page)

    login(page, "enterprise", DEMO_PASSWORD)
    request_url = file_request(page, "审查合作协议（数据大屏测试）")
    logout(page)

    login(page, "officer", DEMO_PASSWORD)
    page.goto("/dashboard")
    # The aggregate may be a few seconds old; the screen's own polling picks the change up.
    expect(page.get_by_test_id("dashboard-kpi-service-total")).to_have_text(
        f"{before['service-total'] + 1:,}", timeout=30_000)
    expect(page.get_by_test_id("dashboard-kpi-service-open")).to_have_text(
        f"{before['service-open'] + 1:,}", timeout=30_000)
    handle_request(page, request_url)
    page.goto("/dashboard")
    expect(page.get_by_test_id("dashboard-kpi-service-resolved")).to_have_text(
        f"{before['service-resolved'] + 1:,}", timeout=30_000)
    expect(page.get_by_test_id("dashboard-kpi-service-open")).to_have_text(
        f"{before['service-open']:,}")
    expect(page.get_by_test_id("dashboard-kpi-service-total")).to_have_text(
        f"{before['service-total'] + 1:,}")
    page.wait_for_timeout(1500)
    shot(page, "dashboard-07-journey-after")


def test_officer_watches_the_data_screen_and_goes_full_screen(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.get_by_test_id("nav-group-industry").click()
    page.get_by_test_id("nav-dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_test_id("dashboard-kpi-enterprises")).to_have_text("40")
    expect(page.get_by_test_id("dashboard-updated")).to_contain_text("数据更新于")
    expect(page.get_by_test_id("dashboard-panel-map").locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("dashboard-panel-segments").locator("canvas").first).to_be_visible()
    page.wait_for_timeout(1500)  # let the charts finish their entry animation
    shot(page, "dashboard-01-screen")

    page.get_by_test_id("dashboard-fullscreen").click()
    expect(page.get_by_test_id("dashboard-fullscreen")).to_have_text("退出全屏")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "dashboard-02-fullscreen.png"))
    page.get_by_test_id("dashboard-fullscreen").click()
    expect(page.get_by_test_id("dashboard-fullscreen")).to_have_text("全屏")


def test_kiosk_layout_fills_a_1920_by_1080_display(page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/dashboard?kiosk=1")
    expect(page.get_by_test_id("dashboard-kpi-enterprises")).to_have_text("40")
    box = page.get_by_test_id("dashboard").bounding_box()
    assert box is not None and (box["width"], box["height"]) == (1920, 1080)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "dashboard-03-kiosk-1920x1080.png"))


def test_screen_in_english_and_on_a_phone(phone: Page) -> None:
    login(phone, "officer", DEMO_PASSWORD)
    phone.goto("/dashboard")
    expect(phone.get_by_test_id("dashboard-kpi-enterprises")).to_have_text("40")
    phone.wait_for_timeout(1000)
    shot(phone, "dashboard-04-phone")


def test_others_do_not_get_the_screen(page: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    expect(page.get_by_test_id("nav-dashboard")).to_have_count(0)
    page.goto("/dashboard")
    expect(page.get_by_test_id("dashboard")).to_have_count(0)
    logout(page)


def test_officer_makes_and_downloads_a_monthly_report(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
    page.goto("/dashboard")
    page.get_by_test_id("dashboard-reports").click()
    expect(page).to_have_url(re.compile(r"/dashboard/reports$"))
    month = page.get_by_test_id("report-month").locator("input")
    month.fill("2025-10")
    month.press("Enter")
    page.get_by_test_id("report-generate").click()
    expect(page.get_by_test_id("report-row-2025-10")).to_be_visible()
    shot(page, "dashboard-05-reports")
    with page.expect_download() as download:
        page.get_by_test_id("report-pdf-2025-10").click()
    assert download.value.suggested_filename == "industry-report-2025-10.pdf"
