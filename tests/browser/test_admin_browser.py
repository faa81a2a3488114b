"""The admin in a real Chromium: users, assignments, program settings; hostile text stays text."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tests.browser.conftest import assert_accessible, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _no_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_the_admin_creates_a_user_fixing_a_wrong_field(demo_server: str, page: Page) -> None:
    dialogs = _no_dialogs(page)
    log_in(page, demo_server, "admin")
    assert page.url.endswith("/admin")
    assert_accessible(page)
    page.get_by_role("link", name="Create a user").click()
    page.wait_for_url("**/admin/users/new")
    assert_accessible(page)
    username = f"nia-{uuid.uuid4().hex[:6]}"
    hostile_name = f"Nia {SCRIPT} {IMG}"
    page.get_by_label("Username").fill(f"{username}{SCRIPT}{IMG}")  # wrong: no markup in a username
    page.get_by_label("Full name").fill(hostile_name)
    page.get_by_label("Liaison: manages employers and their openings").check()
    page.get_by_label("First password").fill("a long enough password")
    page.get_by_role("button", name="Create user").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#username-error").is_visible()
    assert page.get_by_label("Full name").input_value() == hostile_name  # kept, as text
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("First password").fill("a long enough password")
    page.get_by_role("button", name="Create user").click()
    page.wait_for_url("**/admin?done=created")
    assert page.get_by_role("status").inner_text().strip() == "The user was created."
    page.get_by_label("Role").select_option("liaison")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text=username)
    assert hostile_name in row.inner_text()
    row.get_by_role("link", name=username).click()
    page.wait_for_url("**/admin/users/*")
    assert page.get_by_role("heading", name=f"User {username}").is_visible()
    assert_accessible(page)
    page.get_by_role("combobox", name="Role").select_option("auditor")
    page.get_by_role("button", name="Change role").click()
    page.wait_for_load_state()
    assert "The role was changed" in page.get_by_role("status").inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []


def test_the_admin_sees_and_changes_assignments(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "admin")
    page.goto(demo_server + "/admin/assignments")
    assert page.get_by_role("table", name="Clients and their specialists").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Employer assignments").first.click()
    page.wait_for_url("**/admin/assignments/employers")
    assert_accessible(page)
    page.get_by_role("link", name="Change liaisons").first.click()
    page.wait_for_url("**/admin/assignments/employers/*")
    assert_accessible(page)
    page.get_by_role("button", name="Save liaisons").click()  # as it was: saved again
    page.wait_for_url("**/admin/assignments/employers?done=assigned")
    assert "liaisons were saved" in page.get_by_role("status").inner_text()


def test_the_admin_changes_the_program_settings_after_an_error(demo_server: str, page: Page) -> None:
    dialogs = _no_dialogs(page)
    log_in(page, demo_server, "admin")
    page.get_by_role("link", name="Program settings").click()
    page.wait_for_url("**/admin/program")
    assert_accessible(page)
    page.get_by_label("Suggestions in a shortlist").fill("none")  # wrong: not a number
    page.get_by_label("Weight: pay").fill("-2")  # wrong: below 0
    note = f"Pay counts more {SCRIPT} {IMG}"
    page.get_by_label("Why it changes").fill(note)
    page.get_by_role("button", name="Save new version").click()
    page.wait_for_load_state()
    assert (
        page.locator("#ranking_k-error").is_visible()
        and page.locator("#scoring_weights_wage-error").is_visible()
    )
    assert "2 problems" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("Suggestions in a shortlist").fill("9")
    page.get_by_label("Weight: pay").fill("0.2")
    page.get_by_role("button", name="Save new version").click()
    page.wait_for_url("**/admin/program?done=saved")
    assert "in force" in page.get_by_role("status").inner_text()
    assert page.get_by_label("Suggestions in a shortlist").input_value() == "9"
    newest = page.locator("section").filter(has_text="(in force)").first
    assert f"Why: {note}" in newest.inner_text()
    changes = newest.get_by_role("table").inner_text()
    assert "Suggestions in a shortlist" in changes and "Weight: pay" in changes
    assert page.locator('img[src="x"]').count() == 0
    assert_accessible(page)
    assert dialogs == []
