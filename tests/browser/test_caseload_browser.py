"""The specialist's client pages in a real Chromium against the demo: form, errors, access, XSS."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from tests.browser.conftest import assert_accessible, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


def _fail_on_dialog(page: Page) -> list[str]:
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


def _fill_client(page: Page, label: str, *, zip_code: str, min_hours: str, max_hours: str) -> None:
    page.get_by_label("Name or initials").fill(label)
    page.get_by_label("Home ZIP code").fill(zip_code)
    page.get_by_label("Public transit").check()
    page.get_by_label("Monday, morning (09:00 to 12:00)").check()
    page.get_by_label("Monday, afternoon (12:00 to 17:00)").check()
    page.get_by_label("Saturday: exact times").fill("10:00-14:00")
    page.get_by_label("Fewest hours a week").fill(min_hours)
    page.get_by_label("Most hours a week").fill(max_hours)
    page.get_by_label("Sustained attention").select_option(label="Moderate")
    page.get_by_label("Written or visual instructions and checklists: must have").check()
    page.get_by_label("Yes, the client chooses to disclose").check()
    page.get_by_label("Kinds of work the client wants").fill("working with animals")


def _create_client(page: Page, base: str, label: str) -> str:
    page.goto(base + "/clients/new")
    _fill_client(page, label, zip_code="60647", min_hours="10", max_hours="25")
    page.get_by_role("button", name="Add the client").click()
    page.wait_for_url(re.compile(r"/clients/C-[^/?]+\?done=created$"))
    return page.url.split("/clients/")[1].split("?")[0]


def test_a_specialist_adds_a_client_fixing_the_wrong_fields_after_the_errors(
    demo_server: str, page: Page
) -> None:
    dialogs = _fail_on_dialog(page)
    log_in(page, demo_server, "specialist")
    assert page.url.endswith("/caseload")
    assert_accessible(page)

    page.get_by_role("link", name="New client").click()
    page.wait_for_url("**/clients/new")
    assert_accessible(page)  # the empty form
    label = f"B.F. {uuid.uuid4().hex[:6]}"
    _fill_client(page, label, zip_code="00000", min_hours="30", max_hours="10")
    page.get_by_role("button", name="Add the client").click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert")
    assert "please fix these 2 problems" in summary.inner_text()
    zip_box = page.get_by_label("Home ZIP code")
    assert zip_box.get_attribute("aria-invalid") == "true"
    assert "There is no US ZIP code 00000" in page.locator("#profile-zip-error").inner_text()
    assert "more than the most hours (10)" in page.locator("#profile-min_hours-error").inner_text()
    assert zip_box.input_value() == "00000"  # what was typed is kept
    assert page.get_by_label("Monday, morning (09:00 to 12:00)").is_checked()
    assert page.get_by_label("Saturday: exact times").input_value() == "10:00-14:00"
    assert_accessible(page)  # the form with errors

    # The summary's link takes the keyboard to the field.
    summary.get_by_role("link", name=re.compile("ZIP code 00000")).click()
    assert page.evaluate("document.activeElement.id") == "profile-zip"
    zip_box.fill("60647")
    page.get_by_label("Fewest hours a week").fill("8")
    page.get_by_role("button", name="Add the client").click()
    page.wait_for_url(re.compile(r"/clients/C-[^/?]+\?done=created$"))

    assert page.get_by_role("heading", level=1).inner_text() == label
    assert page.get_by_role("status").inner_text() == "The client was added to your caseload."
    assert page.get_by_text("ZIP code 60647 (Chicago, IL)").is_visible()
    assert page.get_by_text("Between 8 and 10 hours a week.").is_visible()
    assert_accessible(page)  # the client page

    page.get_by_role("link", name="Caseload", exact=True).click()
    row = page.get_by_role("row").filter(has_text=label)
    assert row.get_by_text("No shortlist yet").is_visible()
    assert (
        row.get_by_role("link", name=re.compile("^Shortlist"))
        .get_attribute("href", timeout=2000)
        .endswith("/shortlist")
    )
    assert dialogs == []


def test_the_edit_form_shows_the_saved_client_and_is_accessible(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "specialist")
    client_id = _create_client(page, demo_server, f"E.D. {uuid.uuid4().hex[:6]}")
    page.get_by_role("link", name="Change the profile").click()
    page.wait_for_url(f"**/clients/{client_id}/edit")
    assert page.get_by_label("Home ZIP code").input_value() == "60647"
    assert page.get_by_label("Monday, afternoon (12:00 to 17:00)").is_checked()
    assert page.get_by_label("Sustained attention").input_value() == "3"
    assert page.get_by_label("Written or visual instructions and checklists: must have").is_checked()
    assert_accessible(page)
    page.get_by_label("Most hours a week").fill("20")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/clients/{client_id}?done=saved")
    assert page.get_by_text("Between 10 and 20 hours a week.").is_visible()


def test_a_hostile_client_name_renders_as_text(demo_server: str, page: Page) -> None:
    dialogs = _fail_on_dialog(page)
    log_in(page, demo_server, "specialist")
    client_id = _create_client(page, demo_server, HOSTILE)
    assert page.get_by_role("heading", level=1).inner_text() == HOSTILE
    assert page.locator('img[src="x"]').count() == 0
    page.goto(demo_server + "/caseload?q=" + "script")
    assert page.get_by_role("link", name=HOSTILE, exact=True).get_attribute("href") == f"/clients/{client_id}"
    assert page.locator('img[src="x"]').count() == 0
    page.goto(demo_server + f"/clients/{client_id}/edit")
    assert page.get_by_label("Name or initials").input_value() == HOSTILE
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []


def test_another_specialist_and_a_liaison_meet_not_found(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "specialist")
    client_id = _create_client(page, demo_server, f"P.V. {uuid.uuid4().hex[:6]}")
    page.context.clear_cookies()

    log_in(page, demo_server, "specialist2")
    response = page.goto(demo_server + f"/clients/{client_id}")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)
    page.context.clear_cookies()

    log_in(page, demo_server, "liaison")
    for path in ("/caseload", f"/clients/{client_id}", "/clients/new"):
        response = page.goto(demo_server + path)
        assert response is not None and response.status == 404, path
        assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
