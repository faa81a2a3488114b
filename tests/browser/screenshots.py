"""Screenshots of the pages for the documentation: ``make screenshots`` (writes docs/workspace/img/).

Serves the demo (as the browser tests do), logs in as the demo specialist in Debian's
Chromium and saves the caseload, a shortlist and the printable shortlist (print media),
then the liaison's openings and the auditor's trail, the admin's outcome report and the
auditor's fairness audit (``shoot_outcomes``); last, after two nightly runs with one
opening filled between them and an admin's extra run, the specialist's digests (history
and one digest). Run it again after a page changes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tests.api.loadgen import demo_server
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

OUT = REPO / "docs" / "workspace" / "img"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        raise SystemExit("screenshots need Debian's chromium on PATH (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="screenshots-"))
    try:
        database_url = f"sqlite:///{var / 'placement.db'}"
        with demo_server(var, database_url=database_url, workers=1) as base:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                shoot(browser, base, args.out)
                shoot_outcomes(browser, base, args.out, database_url)
                shoot_digests(browser, base, args.out, database_url, var)  # runs change the caseload: last
                browser.close()
    finally:
        shutil.rmtree(var, ignore_errors=True)
    return 0


def shoot(browser: Browser, base: str, out: Path) -> None:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    log_in(page, base, "specialist")
    page.goto(base + "/caseload")
    page.screenshot(path=out / "caseload.png", full_page=True)
    # The client of the caseload's first page with the most suggestions.
    hrefs = [str(a.get_attribute("href")) for a in page.locator("a[href$='/shortlist']").all()]
    counts = {}
    for href in hrefs:
        page.goto(base + href)
        counts[href] = page.locator(".suggestion").count()
        if counts[href] >= 6:
            break
    page.goto(base + max(counts, key=lambda h: counts[h]))
    page.screenshot(path=out / "shortlist.png", full_page=True)
    page.goto(page.url.split("?")[0] + "/print")
    page.emulate_media(media="print")
    page.screenshot(path=out / "shortlist-print.png", full_page=True)
    page.emulate_media(media="screen")
    # Why a filled opening of the demo was not suggested to this client.
    client_id = page.url.split("/clients/")[1].split("/")[0]
    page.goto(base + f"/why-not?client={client_id}&q=a")
    filled = page.locator("tr", has_text="Filled").locator("a", has_text="Why not?")
    (filled if filled.count() else page.locator("a", has_text="Why not?")).first.click()
    page.wait_for_load_state()
    page.screenshot(path=out / "why-not.png", full_page=True)
    for username, path, name in (("liaison", "/openings", "openings"), ("auditor", "/audit", "audit")):
        other = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        log_in(other, base, username)
        other.goto(base + path)
        other.screenshot(path=out / f"{name}.png", full_page=True)


def shoot_outcomes(browser: Browser, base: str, out: Path, database_url: str) -> None:
    """The admin's outcome report and the auditor's fairness audit (placements simulated if none)."""
    from tests.api.conftest import AS_OF  # the demo server's "today"
    from tests.browser.outcome_data import add_demo_placements

    add_demo_placements(database_url, as_of=AS_OF)
    for username, path, name in (
        ("admin", "/outcomes", "outcomes"),
        ("auditor", "/audit/fairness", "fairness"),
    ):
        page = browser.new_context(viewport={"width": 1200, "height": 1700}).new_page()
        log_in(page, base, username)
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        # The audit's tables run long: its top (the flags and the first selection) is enough.
        page.screenshot(path=out / f"{name}.png", full_page=name == "outcomes")


def shoot_digests(browser: Browser, base: str, out: Path, database_url: str, var: Path) -> None:
    """The digest history and the second nightly run's digest (the one with the fill)."""
    from tests.browser.digest_runs import prepare_digests

    runs = prepare_digests(base, database_url, var)
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    log_in(page, base, "specialist")
    page.goto(base + "/digests")
    page.screenshot(path=out / "digests.png", full_page=True)
    page.goto(base + f"/digests/{runs.second}")
    page.screenshot(path=out / "digest.png", full_page=True)


if __name__ == "__main__":
    raise SystemExit(main())
