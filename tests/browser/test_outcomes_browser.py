"""Outcome reports and the fairness audit in a real Chromium: the pages, their charts, accessibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.conftest import assert_accessible, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _charts_drawn(page: Page) -> list[int]:
    """The natural width of each chart image (0: it did not load)."""
    widths: list[int] = page.eval_on_selector_all("img.chart", "imgs => imgs.map(i => i.naturalWidth)")
    return widths


def test_a_specialist_opens_the_outcomes_of_their_caseload(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "specialist")
    page.get_by_role("link", name="Outcomes").click()
    page.wait_for_url("**/outcomes")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Outcomes: your caseload").is_visible()
    assert page.get_by_role("table", name="Per specialist", exact=True).count() == 0
    assert len(_charts_drawn(page)) == 2 and all(w > 0 for w in _charts_drawn(page))
    page.get_by_label("Over time").select_option("quarter")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "By quarter" in page.locator("main").inner_text()
    assert_accessible(page)


def test_an_auditor_opens_the_fairness_audit_from_the_outcomes(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "auditor")
    page.goto(demo_server + "/outcomes")
    assert page.get_by_role("heading", name="Outcomes: the whole program").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Fairness audit").click()
    page.wait_for_url("**/audit/fairness")
    assert page.get_by_role("heading", name="Fairness audit").is_visible()
    assert page.get_by_role("heading", name="How it is computed").is_visible()
    # 40 demo clients: most groups are under 10 and suppressed, none shows its size.
    assert "suppressed" in page.locator("main").inner_text()
    assert_accessible(page)
