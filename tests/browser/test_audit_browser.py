"""The auditor in a real Chromium: recent recommendations, one trail, reconstruction, the chain check."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _api(base: str, path: str, token: str | None = None, form: dict[str, str] | None = None) -> Any:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(base + "/api/v1" + path, data=data)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def make_recommendation(base: str) -> str:
    """As the demo's specialist, ask the JSON API for a shortlist; its recommendation record id."""
    login = {"username": "specialist", "password": DEMO_PASSWORD}
    token = _api(base, "/login/access-token", form=login)["access_token"]
    client = _api(base, "/clients", token)["data"][0]
    shortlist = _api(base, f"/clients/{client['id']}/shortlist", token)
    return str(shortlist["recommendation_id"])


def test_an_auditor_opens_a_trail_reconstructs_it_and_verifies_the_chain(
    demo_server: str, page: Page
) -> None:
    record_id = make_recommendation(demo_server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, demo_server, "auditor")
    assert page.url.endswith("/audit")
    assert page.get_by_role("heading", name="Audit trail: recommendations").is_visible()
    assert_accessible(page)

    page.get_by_label("Record id").fill(record_id)
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=f"Trail of {record_id[:8]}").click()
    page.wait_for_url(f"**/audit/recommendations/{record_id}")
    assert page.get_by_role("heading", name=f"Trail of recommendation {record_id}").is_visible()
    first = page.get_by_role("table", name="Points of suggestion 1 (out of 100 in all)")
    assert "yes (checked on the server)" in first.inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Reconstruct").click()
    page.wait_for_load_state()
    assert "Identical:" in page.locator("#reconstruction").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Verify the whole chain").first.click()
    page.wait_for_url("**/audit/verify")
    assert_accessible(page)
    page.get_by_role("button", name="Verify chain").click()
    page.wait_for_load_state()
    status = page.get_by_role("status").inner_text()
    assert "OK:" in status and "events checked" in status
    assert_accessible(page)
    assert dialogs == []


def test_a_wrong_filter_is_shown_beside_its_field(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "auditor")
    page.goto(demo_server + "/audit?since=2026-03-09&until=2026-03-01")
    assert page.locator("#until-error").is_visible()
    assert_accessible(page)
