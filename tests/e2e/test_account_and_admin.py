"""Account tools and administration that change state: profile, password, roles, deactivation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from e2e.browsing import login, logout, shot

pytestmark = pytest.mark.browser


def register_by_api(page: Page, username: str, password: str) -> None:
    """A fresh account for this test only (the server is shared by the browser tests)."""
    response = page.request.post("/api/auth/register", data={
        "username": username, "password": password, "display_name": username})
    assert response.status == 201, response.text()
    page.context.clear_cookies()


def test_profile_and_password_change(page: Page) -> None:
    register_by_api(page, "kunshan_reader", "Dianshan-lake-21")
    login(page, "kunshan_reader", "Dianshan-lake-21")
    page.goto("/account")
    page.get_by_test_id("profile-display-name").fill("淀山湖读者")
    page.get_by_test_id("profile-submit").click()
    expect(page.get_by_text("已保存").first).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("profile-display-name")).to_have_value("淀山湖读者")

    page.get_by_test_id("password-current").fill("not-my-password-1")
    page.get_by_test_id("password-new").fill("Jinxi-town-2025")
    page.get_by_test_id("password-new2").fill("Jinxi-town-2025")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_text("当前密码不正确").first).to_be_visible()
    page.get_by_test_id("password-current").fill("Dianshan-lake-21")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("password-current")).to_have_value("")
    shot(page, "18-account-password-changed")
    logout(page)
    login(page, "kunshan_reader", "Jinxi-town-2025")


def test_admin_gives_a_role_and_deactivates(page: Page) -> None:
    register_by_api(page, "huaqiao_dev", "Huaqiao-city-33")
    login(page, "admin", DEMO_PASSWORD)
    page.goto("/admin")
    page.get_by_test_id("admin-tab-users").click()
    page.get_by_test_id("users-search").fill("huaqiao_dev")
    page.get_by_test_id("users-search").press("Enter")
    roles = page.get_by_test_id("user-roles-huaqiao_dev")
    expect(roles).to_be_visible()
    roles.click()
    page.get_by_role("option", name="创作者").click()
    page.keyboard.press("Escape")
    page.get_by_test_id("user-active-huaqiao_dev").click()

    def target() -> dict[str, object]:
        found = page.request.get("/api/admin/users?q=huaqiao_dev").json()["items"][0]
        assert isinstance(found, dict)
        return found

    for _ in range(50):
        state = target()
        if state["is_active"] is False and "creator" in state["roles"]:  # type: ignore[operator]
            break
        page.wait_for_timeout(100)
    assert state["roles"] == ["creator", "visitor"] and state["is_active"] is False, state
    shot(page, "19-admin-user-edited")
    page.get_by_test_id("admin-tab-audit").click()
    expect(page.get_by_test_id("audit-table")).to_contain_text("user.update")
    logout(page)

    page.goto("/login")
    page.get_by_test_id("login-username").fill("huaqiao_dev")
    page.get_by_test_id("login-password").fill("Huaqiao-city-33")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_text("该账号已停用").first).to_be_visible()
