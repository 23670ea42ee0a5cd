"""A real server (migrated, Kunshan pack loaded) and headless Chromium for browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from harness.browser import ServerProcess, chromium_available, launch_chromium, run_server
from harness.ports import free_port

ROOT = Path(__file__).parents[2]
CLI = Path(sys.executable).parent / "cityverse"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def server_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's data folder (its SQLite database is `cityverse.db` in it)."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def server(server_data: Path) -> Iterator[ServerProcess]:
    if not (ROOT / "src/cityverse/static/index.html").is_file():
        pytest.fail("the web UI is not built: run `make web`")
    data = server_data
    env = {"CITYVERSE_DATA_DIR": str(data), "CITYVERSE_ENV": "dev",
           "CITYVERSE_LOG_LEVEL": "WARNING",
           # Negotiation meetings can be booked at any hour, so the tests run at any time.
           "CITYVERSE_EXPO_MEETING_HOURS": "00:00-24:00",
           # The demo's device simulator publishes to the embedded broker (on a port of its
           # own) every 10 s, so the city view can be watched changing.
           "CITYVERSE_MQTT_PORT": str(free_port()), "CITYVERSE_TWIN_SIMULATOR": "on",
           "CITYVERSE_TWIN_SIMULATOR_INTERVAL_S": "10"}
    for command in ("migrate", "demo"):
        subprocess.run([str(CLI), command], env={**os.environ, **env}, check=True,
                       capture_output=True)
    with run_server([str(CLI), "serve", "--port", "{port}"], env=env) as process:
        yield process


# Module scope, not session: sync Playwright keeps an event loop running while it is open,
# and async tests collected after the browser tests need the thread's loop free.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; scripts/system-deps.sh installs it")
        pytest.skip("chromium is not installed")
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(base_url=server.base_url, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(base_url=server.base_url, locale="zh-CN",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    opened = context.new_page()
    yield opened
    context.close()
