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


def test_officer_watches_the_data_screen_and_goes_full_screen(page: Page) -> None:
    login(page, "officer", DEMO_PASSWORD)
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
