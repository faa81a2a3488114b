"""The login page in a real Chromium: a demo user logs in and lands on their start page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.conftest import assert_accessible, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_the_login_page_is_accessible_and_a_wrong_password_says_so(demo_server: str, page: Page) -> None:
    page.goto(demo_server + "/login")
    assert_accessible(page)
    page.get_by_label("Username").fill("specialist")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().strip() == "Incorrect username or password"
    assert_accessible(page)


def test_a_liaison_logs_in_and_out(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "liaison")
    assert page.get_by_text("liaison (liaison)").is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto(demo_server + "/")
    assert "/login" in page.url
