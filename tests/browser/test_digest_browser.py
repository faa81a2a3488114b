"""The digest pages in a real Chromium: the history by date, one digest, keyboard and axe.

Its own demo server (the runs change every caseload's flags, which other browser tests read):
two nightly runs with one opening filled between them and an admin's extra run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.api.loadgen import demo_server as serve_demo
from tests.browser.conftest import UNLIMITED_LOGINS, _require_browser, assert_accessible, log_in
from tests.browser.digest_runs import DemoDigests, prepare_digests

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture(scope="module")
def digests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoDigests]]:
    _require_browser()
    var: Path = tmp_path_factory.mktemp("digest-server")
    database_url = f"sqlite:///{var / 'placement.db'}"
    with serve_demo(var, database_url=database_url, workers=1, env=UNLIMITED_LOGINS) as url:
        yield url, prepare_digests(url, database_url, var)


def test_the_specialist_reads_the_digest_history_and_the_change(
    digests: tuple[str, DemoDigests], page: Page
) -> None:
    base, runs = digests
    log_in(page, base, "specialist")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Digests").click()
    page.wait_for_url("**/digests")
    assert_accessible(page)
    rows = page.locator("table.digests tbody tr")
    assert rows.count() == 3
    assert "started by an admin" in rows.nth(0).inner_text()
    assert "Nightly run" in rows.nth(1).inner_text() and "Nightly run" in rows.nth(2).inner_text()

    page.locator(f"a[href='/digests/{runs.second}']").click()
    page.wait_for_url(f"**/digests/{runs.second}")
    assert_accessible(page)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Morning digest for Demo Specialist, Monday 2 March 2026"
    gone = page.locator("section", has=page.get_by_role("heading", name="Suggestions gone"))
    assert runs.client in gone.inner_text() and "the opening was filled" in gone.inner_text()
    assert runs.filled in gone.inner_text()
    body = page.locator("main").inner_text()
    # only moves across the top-3 line are told: never "#7 to #6"
    for line in body.splitlines():
        if " to #" in line:
            assert "top 3" in line, line

    page.goto(base + f"/digests/{runs.extra}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Extra digest for Demo Specialist")


def test_another_specialists_digest_does_not_exist_for_them(
    digests: tuple[str, DemoDigests], page: Page
) -> None:
    base, runs = digests
    log_in(page, base, "specialist2")
    page.goto(base + f"/digests/{runs.second}")
    assert runs.client not in page.locator("main").inner_text()
    log_in(page, base, "liaison")
    response = page.goto(base + "/digests")
    assert response is not None and response.status == 404
