"""Screenshots of the pages for the documentation: ``make screenshots`` (writes docs/img/).

Serves the demo (as the browser tests do), logs in as the demo specialist in Debian's
Chromium and saves the caseload, a shortlist and the printable shortlist (print media),
then the liaison's openings and the auditor's trail. Run it again after a page changes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, _serve, load_demo, log_in

OUT = REPO / "docs" / "img"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        raise SystemExit("screenshots need Debian's chromium on PATH (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="screenshots-"))
    server = _serve(var, load_demo(var))
    base = next(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            shoot(browser, base, args.out)
            browser.close()
    finally:
        server.close()
        shutil.rmtree(var, ignore_errors=True)
    return 0


def shoot(browser: object, base: str, out: Path) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    log_in(page, base, "specialist")
    page.goto(base + "/caseload")
    page.screenshot(path=out / "caseload.png", full_page=True)
    # The first client of the caseload that has suggestions.
    links = page.locator("a[href$='/shortlist']")
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        page.goto(base + str(href))
        if page.locator(".suggestion").count():
            break
    page.screenshot(path=out / "shortlist.png", full_page=True)
    page.goto(page.url.split("?")[0] + "/print")
    page.emulate_media(media="print")
    page.screenshot(path=out / "shortlist-print.png", full_page=True)
    page.emulate_media(media="screen")
    for username, path, name in (("liaison", "/openings", "openings"), ("auditor", "/audit", "audit")):
        other = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        log_in(other, base, username)
        other.goto(base + path)
        other.screenshot(path=out / f"{name}.png", full_page=True)


if __name__ == "__main__":
    raise SystemExit(main())
