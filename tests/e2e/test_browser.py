"""A new user's first minutes, in a real browser with CSRF and CSP as in production."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.e2e.conftest import LiveServer, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page: Page, server: LiveServer, role: Role) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Email").fill(server.users[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_sign_in_then_switch_to_chinese_and_back(page: Page, live_server: LiveServer):
    sign_in(page, live_server, Role.PMO)
    expect(page.get_by_role("link", name="Portfolio", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    screenshot(page, "home-en")

    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("欢迎，E2E pmo")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("link", name="项目组合", exact=True)).to_be_visible()
    screenshot(page, "home-zh")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, E2E pmo")


def test_wrong_password_keeps_the_email_and_explains(page: Page, live_server: LiveServer):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(live_server.users[Role.VIEWER])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value(live_server.users[Role.VIEWER])
    screenshot(page, "login-error")


def test_admin_creates_a_user_and_signs_out(page: Page, live_server: LiveServer):
    sign_in(page, live_server, Role.ADMIN)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name=re.compile("Users")).first.click()
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Email").fill("newcomer@e2e.example")
    page.get_by_label("Display name").fill("Newcomer Zhao")
    page.get_by_label("Role").select_option("executive")
    page.get_by_label("New password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Repeat the new password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status").first).to_contain_text("User Newcomer Zhao created.")
    expect(page.get_by_role("link", name="Newcomer Zhao")).to_be_visible()
    screenshot(page, "admin-users")

    page.get_by_role("button", name=re.compile("E2E admin")).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Tollgate")


def test_anonymous_visitor_is_sent_to_sign_in_and_back(page: Page, live_server: LiveServer):
    page.goto(f"{live_server.url}/admin/users")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(live_server.users[Role.ADMIN])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/users")
