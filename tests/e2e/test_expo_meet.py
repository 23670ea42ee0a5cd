"""Business negotiation end to end, in two browsers: a visitor books a slot with an exhibitor,
the exhibitor's member accepts with a product on the table, both enter the private room, chat
and save notes. And the booth editor: a member edits the booth, the public booth shows it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, shot
from harness.browser import ServerProcess

pytestmark = pytest.mark.browser

TOPIC = "采购 Micro-OLED 样品（浏览器测试）"


def _context(browser: Browser, server: ServerProcess) -> BrowserContext:
    # The hall's slots are days of Asia/Shanghai; the browser lives there too.
    return browser.new_context(base_url=server.base_url, locale="zh-CN",
                               timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})


@pytest.fixture
def two(browser: Browser, server: ServerProcess) -> Iterator[tuple[Page, Page]]:
    visitor, member = _context(browser, server), _context(browser, server)
    yield visitor.new_page(), member.new_page()
    visitor.close()
    member.close()


def _enterprise_id(member: Page) -> int:
    response = member.request.get("/api/expo/booths/mine")
    assert response.ok, response.text()
    return int(response.json()["enterprise_id"])


def test_book_accept_meet_chat_and_take_notes(two: tuple[Page, Page]) -> None:
    visitor, member = two
    response = visitor.request.post("/api/auth/register", data={
        "username": "buyer_chen", "password": "Dianshan-lake-77", "display_name": "采购商 陈默"})
    assert response.status == 201, response.text()
    visitor.context.clear_cookies()
    login(visitor, "buyer_chen", "Dianshan-lake-77")
    login(member, "enterprise", DEMO_PASSWORD)
    enterprise = _enterprise_id(member)

    visitor.goto(f"/expo-meet/request?enterprise={enterprise}&booth=booth-01")
    visitor.locator("[data-testid=meeting-slot]:not(.is-disabled)").first.click()
    visitor.get_by_test_id("meeting-topic").fill(TOPIC)
    visitor.get_by_test_id("meeting-message").fill("想了解批量价格与交付周期。")
    shot(visitor, "expo-meet-01-request")
    visitor.get_by_test_id("meeting-submit").click()
    expect(visitor).to_have_url(re.compile(r"/expo-meet/meetings/\d+$"))
    expect(visitor.get_by_test_id("meeting-status")).to_have_text("待确认")
    room_url = visitor.url

    member.goto("/expo-meet/inbox")
    card = member.get_by_test_id("meeting-card").filter(has_text=TOPIC)
    expect(card).to_have_count(1)
    shot(member, "expo-meet-02-inbox")
    card.get_by_test_id("meeting-accept").click()
    member.get_by_test_id("meeting-product").first.click()
    member.get_by_test_id("meeting-dialog-submit").click()
    expect(member.get_by_text("已接受，访客已收到通知").first).to_be_visible()
    member.goto(room_url)
    expect(member.get_by_test_id("room-chat")).to_have_attribute("data-state", "joined")
    expect(member.get_by_test_id("room-product")).to_have_count(1)

    visitor.reload()
    expect(visitor.get_by_test_id("meeting-status")).to_have_text(re.compile("已确认|已洽谈"))
    expect(visitor.get_by_test_id("room-chat")).to_have_attribute("data-state", "joined")
    visitor.get_by_test_id("room-chat-input").fill("您好，想先看看样品参数")
    visitor.get_by_test_id("room-chat-send").click()
    expect(member.get_by_test_id("room-chat-line").filter(
        has_text="您好，想先看看样品参数")).to_have_count(1)
    member.get_by_test_id("room-chat-input").fill("好的，参数表已放在桌上")
    member.get_by_test_id("room-chat-input").press("Enter")
    expect(visitor.get_by_test_id("room-chat-line").filter(
        has_text="参数表已放在桌上")).to_have_count(1)

    visitor.get_by_test_id("notes-shared").fill("双方约定下周寄送两片样品。")
    visitor.get_by_test_id("notes-own").fill("价格需与另一家比较。")
    visitor.get_by_test_id("notes-save").click()
    expect(visitor.get_by_text("纪要已保存").first).to_be_visible()
    shot(visitor, "expo-meet-03-room-visitor")
    member.reload()
    expect(member.get_by_test_id("notes-shared")).to_have_value(
        "双方约定下周寄送两片样品。")
    expect(member.get_by_test_id("notes-own")).to_have_value("")
    shot(member, "expo-meet-04-room-enterprise")


def test_a_stranger_is_refused_at_the_room(page: Page) -> None:
    response = page.request.post("/api/auth/register", data={
        "username": "curious_wu", "password": "Qiandeng-town-55", "display_name": "市民 吴"})
    assert response.status == 201
    page.context.clear_cookies()
    login(page, "curious_wu", "Qiandeng-town-55")
    page.goto("/expo-meet/meetings/1")
    expect(page.get_by_text("没有这个洽谈，或您不是洽谈的一方")).to_be_visible()


def test_booth_editor_changes_the_public_booth(page: Page) -> None:
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/expo-meet/booth")
    expect(page.get_by_test_id("booth-form")).to_be_visible()
    page.get_by_test_id("booth-panel-zh").fill("星瞳光学 · 浏览器测试展板")
    page.get_by_test_id("booth-website").fill("https://example.com/xingtong")
    page.get_by_test_id("booth-video-url").fill(
        "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD")
    page.get_by_test_id("booth-add-video").click()
    expect(page.get_by_test_id("booth-media-item")).to_have_count(2)  # the demo video + this
    shot(page, "expo-meet-05-booth-editor")
    page.get_by_test_id("booth-save").click()
    expect(page.get_by_text("展位已保存，展厅已更新").first).to_be_visible()
    page.get_by_test_id("booth-view-public").click()
    expect(page.get_by_test_id("public-booth-panel")).to_have_text("星瞳光学 · 浏览器测试展板")
    expect(page.get_by_test_id("public-booth-contact")).to_contain_text("example.com/xingtong")
    shot(page, "expo-meet-06-public-booth")
    scene = page.request.get("/api/spaces/cloud-living-room").json()["scene"]
    booth = next(b for b in scene["booths"] if b["key"] == "booth-01")
    assert booth["panel"]["text_zh"] == "星瞳光学 · 浏览器测试展板"
