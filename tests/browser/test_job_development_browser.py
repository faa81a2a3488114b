"""Job development in a real Chromium: a specialist records an employer and an opening."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_liaison_browser import XSS_IMG, XSS_SCRIPT, fill_opening

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_specialist_records_an_employer_and_an_opening(demo_server: str, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, demo_server, "specialist")
    tag = uuid.uuid4().hex[:6]
    name = f"Lakeview {tag} {XSS_SCRIPT}"
    page.goto(demo_server + "/openings")
    page.get_by_role("link", name="Record an employer").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Contact person").fill(f"Dana {XSS_IMG}")
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_role("button", name="Record the employer").click()
    assert page.get_by_role("alert").is_visible()  # the error summary; nothing saved
    assert_accessible(page)
    page.get_by_label("E-mail").fill("dana@lakeview.example")
    page.get_by_role("button", name="Record the employer").click()
    assert "recorded" in page.get_by_role("status").inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert_accessible(page)
    href = page.get_by_role("link", name=f"Edit {name}").get_attribute("href")
    assert href is not None
    employer = href.split("/")[2]
    page.goto(demo_server + "/openings/new")
    assert page.get_by_role("heading", level=1).inner_text() == "Record an opening"
    assert_accessible(page)
    fill_opening(page, employer, f"Dog walker {tag}", wage="16")
    page.get_by_role("button", name="Save the opening").click()
    assert "Developed by" in page.inner_text("main")
    assert page.get_by_role("link", name="Edit", exact=True).is_visible()
    assert_accessible(page)
    assert dialogs == []
