"""The cloud living room in the browser: two visitors see each other walk and chat, a host bans
one (who is then refused with the reason), a booth opens its enterprise panel, a guest on a
phone joins with a name. Screenshots go to test-results/hall-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import SHOTS, login, shot
from harness.browser import ServerProcess

HOST_NAME = "平台管理员"  # the demo admin hosts every space
VISITOR_NAME = "市民 周航"
BAN_REASON = "刷屏广告"
WALK_SECONDS = 1.2


@pytest.fixture
def contexts(browser: Browser, server: ServerProcess) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _new_page(browser: Browser, server: ServerProcess, opened: list[BrowserContext]) -> Page:
    context = browser.new_context(base_url=server.base_url, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    opened.append(context)
    return context.new_page()


def _enter_hall(page: Page, username: str) -> None:
    login(page, username, DEMO_PASSWORD)
    page.goto("/expo/hall")
    expect(page.get_by_test_id("hall-status")).to_have_attribute("data-status", "online",
                                                                 timeout=30_000)
    expect(page.get_by_test_id("hall-canvas").locator("canvas")).to_be_visible()


def _avatar(page: Page, name: str) -> str:
    return f'[data-testid="hall-avatar"][data-name="{name}"]'


def _z_of(page: Page, name: str) -> float:
    return float(page.locator(_avatar(page, name)).get_attribute("data-z") or "nan")


def _canvas_shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.get_by_test_id("hall-canvas").screenshot(path=str(SHOTS / f"{name}.png"))


def test_two_visitors_meet_walk_chat_and_a_host_bans(
    browser: Browser, server: ServerProcess, contexts: list[BrowserContext]
) -> None:
    host = _new_page(browser, server, contexts)
    visitor = _new_page(browser, server, contexts)
    _enter_hall(host, "admin")
    _enter_hall(visitor, "visitor")

    # Each sees the other's avatar (names come with avatar_info, positions with world updates).
    expect(host.locator(_avatar(host, VISITOR_NAME))).to_have_count(1, timeout=15_000)
    expect(visitor.locator(_avatar(visitor, HOST_NAME))).to_have_count(1, timeout=15_000)
    host.wait_for_timeout(800)  # interpolation settles on the spawn point
    before = _z_of(host, VISITOR_NAME)
    shot(host, "hall-01-host-sees-visitor")

    # The visitor walks forward (W = towards −z); the host sees the avatar move.
    visitor.keyboard.down("KeyW")
    visitor.wait_for_timeout(WALK_SECONDS * 1000)
    visitor.keyboard.up("KeyW")
    host.wait_for_function(
        "([selector, z]) => { const el = document.querySelector(selector);"
        " return el && Number(el.dataset.z) < z }",
        arg=[_avatar(host, VISITOR_NAME), before - 1.0], timeout=15_000,
    )
    me = visitor.get_by_test_id("hall-me")
    assert float(me.get_attribute("data-z") or "nan") < before - 1.0
    _canvas_shot(host, "hall-02-canvas-after-walk")

    # Hall chat both ways.
    visitor.get_by_test_id("hall-chat-input").fill("大家好，我在云上客厅！")
    visitor.get_by_test_id("hall-chat-send").click()
    expect(host.get_by_test_id("hall-chat-line").filter(has_text="大家好，我在云上客厅！")) \
        .to_be_visible(timeout=10_000)
    host.get_by_test_id("hall-chat-input").fill("欢迎光临")
    host.get_by_test_id("hall-chat-send").click()
    expect(visitor.get_by_test_id("hall-chat-line").filter(has_text="欢迎光临")).to_be_visible()
    shot(visitor, "hall-03-chat")

    # The host bans the visitor from the avatar's menu; the visitor sees why.
    host.locator(f'[data-testid="hall-person"][data-name="{VISITOR_NAME}"] button').click()
    expect(host.get_by_test_id("avatar-menu")).to_have_attribute("data-name", VISITOR_NAME)
    host.get_by_test_id("avatar-ban").click()
    host.locator(".el-message-box input").fill(BAN_REASON)
    host.locator(".el-message-box__btns .el-button--primary").click()
    expect(visitor.get_by_test_id("hall-refused")).to_contain_text(BAN_REASON, timeout=10_000)
    expect(host.locator(_avatar(host, VISITOR_NAME))).to_have_count(0, timeout=10_000)
    shot(visitor, "hall-04-visitor-banned")

    # A new session of the banned user is refused at the door, with the reason.
    again = _new_page(browser, server, contexts)
    login(again, "visitor", DEMO_PASSWORD)
    again.goto("/expo/hall")
    refused = again.get_by_test_id("hall-refused")
    expect(refused).to_contain_text("禁止进入", timeout=15_000)
    expect(refused).to_contain_text(BAN_REASON)
    shot(again, "hall-05-banned-refused")

    # Entering a booth (walking there from the booth list) opens its enterprise panel.
    host.get_by_test_id("hall-booth-select").click()
    host.get_by_test_id("hall-booth-option-booth-01").click()
    panel = host.locator('[data-testid="booth-panel"][data-booth="booth-01"]')
    expect(panel).to_be_visible(timeout=30_000)
    expect(panel.get_by_test_id("booth-enterprise")).to_contain_text("澄曜微显示")
    expect(panel.get_by_test_id("model-viewer").locator("canvas")).to_be_visible()
    expect(host.get_by_test_id("hall-me")).to_have_attribute("data-booth", "booth-01")
    host.wait_for_timeout(500)
    shot(host, "hall-06-booth-panel")
    # From the booth to a business meeting with its exhibitor (商务洽谈).
    panel.get_by_test_id("booth-book-meeting").click()
    expect(host).to_have_url(re.compile(r"/expo-meet/request\?enterprise=\d+&booth=booth-01"))


def test_a_guest_on_a_phone_joins_with_a_name(phone: Page) -> None:
    phone.goto("/expo/hall")
    phone.get_by_test_id("hall-guest-name").fill("访客小王")
    phone.get_by_test_id("hall-join").click()
    expect(phone.get_by_test_id("hall-status")).to_have_attribute("data-status", "online",
                                                                  timeout=30_000)
    expect(phone.get_by_test_id("hall-joystick")).to_be_visible()
    expect(phone.get_by_test_id("hall-chat-input")).to_be_disabled()  # guests may not chat
    expect(phone.get_by_test_id("hall-me")).to_have_attribute("data-name", "访客小王")
    phone.wait_for_timeout(500)
    shot(phone, "hall-07-phone-guest")


def test_a_dropped_socket_resumes_the_same_avatar(page: Page) -> None:
    # The world socket goes through a Playwright route, so the test can cut it as a network
    # failure would (no leave message); the page must come back with the same client id.
    sockets: list[WebSocketRoute] = []

    def through(route: WebSocketRoute) -> None:
        route.connect_to_server()
        sockets.append(route)

    page.route_web_socket(re.compile(r"/ws/world/"), through)
    _enter_hall(page, "creator")
    me = page.get_by_test_id("hall-me")
    expect(me).to_have_attribute("data-id", re.compile(r"^[1-9]"))
    first_id = me.get_attribute("data-id")
    sockets[0].close(code=4999, reason="network lost")
    for _ in range(100):  # the client retries after 0.5 s
        if len(sockets) == 2:
            break
        page.wait_for_timeout(200)
    assert len(sockets) == 2
    expect(page.get_by_test_id("hall-status")).to_have_attribute("data-status", "online",
                                                                 timeout=20_000)
    expect(me).to_have_attribute("data-id", first_id or "")
