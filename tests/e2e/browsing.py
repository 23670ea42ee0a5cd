"""Steps shared by the browser tests."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.auth.id_numbers import resident_id_check_char
from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker

SHOTS = Path(__file__).parents[2] / "test-results"
# The password of the users realname_user makes.
USER_PASSWORD = "Qiandeng-town-2026"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def _resident_id(username: str) -> str:
    """A valid Kunshan resident ID number of the username's own (born 1980–2007)."""
    seed = int.from_bytes(hashlib.sha256(username.encode()).digest()[:4], "big")
    born = date(1980, 1, 1) + timedelta(days=seed % 10_000)
    first17 = f"320583{born:%Y%m%d}{seed // 10_000 % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def realname_user(page: Page, username: str, real_name: str, role: str = "visitor") -> str:
    """Registers a new user through the API, with their real name approved by the demo
    officer, and returns the password. Leaves the page's browser context signed out.

    For tests that change what a user is for good (an own key, say): a user of the test's own
    keeps the demo users as every other test expects them."""
    api = page.request
    response = api.post("/api/auth/register", data={
        "username": username, "password": USER_PASSWORD, "display_name": real_name,
        "role": role})
    assert response.status == 201, response.text()  # and signed in
    response = api.post("/api/auth/realname", data={
        "real_name": real_name, "id_number": _resident_id(username)})
    assert response.status == 201, response.text()
    verification = response.json()["id"]
    page.context.clear_cookies()
    response = api.post("/api/auth/login", data={"username": "officer", "password": DEMO_PASSWORD})
    assert response.ok, response.text()
    response = api.post(f"/api/auth/realname/requests/{verification}/approve")
    assert response.ok, response.text()
    page.context.clear_cookies()
    return USER_PASSWORD


def on_server_database(
    server_data: Path, work: Callable[[AsyncSession], Awaitable[None]]
) -> None:
    """Runs ``work`` in one transaction on the browser-test server's database, from a thread
    of its own: sync Playwright holds this thread's event loop."""

    async def run() -> None:
        settings = Settings(_env_file=None, env="dev", data_dir=server_data)  # type: ignore[call-arg]
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                await work(session)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result()
