"""Browser-test fixtures: the app served for real, Debian's Chromium, logins and axe-core.

``server`` is the app as in production (``placement-api serve``: uvicorn on 127.0.0.1, an
empty SQLite database in a temporary directory, migrated at start-up); ``demo_server`` serves
the demo caseload with a known password (``tests.api.loadgen.demo_server``, as the load tests). The browser
is Debian's ``chromium`` driven by Playwright; without it these tests skip, except under CI
(``CI`` set), where they must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.loadgen import DEMO_PASSWORD, free_port, login_headers, wait_ready
from tests.api.loadgen import demo_server as serve_demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 120  # seconds: the app loads the engine's vocabularies and text model first


def _require_browser() -> None:
    missing = []
    if CHROMIUM is None:
        missing.append("no `chromium` on PATH (Debian package chromium; `make test` installs it as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package is not installed (pip install -e '.[dev]')")
    if missing:
        reason = "browser tests need a browser: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + " (under CI they must run)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``placement-api serve`` on a free port with a temporary SQLite database."""
    _require_browser()
    var = tmp_path_factory.mktemp("server")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{var / 'placement.db'}", "PLACEMENT_VAR_DIR": str(var)}
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with (var / "server.log").open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=START_TIMEOUT)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Logins are many here (a new browser context each test): no limit gets in their way.
UNLIMITED_LOGINS = {"PLACEMENT_LOGIN_USER_LIMIT": "1000", "PLACEMENT_LOGIN_IP_LIMIT": "1000"}


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app serving the demo (users ``specialist``, ``specialist2``, ``liaison``,
    ``auditor``, ``admin``, each with :data:`DEMO_PASSWORD`). Tests that change data make their
    own records (a new client, a new opening) so they do not depend on each other's order."""
    _require_browser()
    var = tmp_path_factory.mktemp("demo-server")
    database_url = f"sqlite:///{var / 'placement.db'}"
    with serve_demo(var, database_url=database_url, workers=1, env=UNLIMITED_LOGINS) as url:
        yield url


def log_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page, as a person would (label, typing, the button)."""
    page.goto(base_url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:2000]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new browser context (no cookies) and page; outside requests are aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.route(
        "**/*",
        lambda route, request: (
            route.continue_()
            if request.url.startswith("http://127.0.0.1")
            else route.abort("internetdisconnected")
        ),
    )
    try:
        yield page
    finally:
        context.close()


SERIOUS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}},
    )
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"] for n in v["nodes"][:3]],
        }
        for v in violations
        if v["impact"] in SERIOUS
    ]


def assert_accessible(page: Page) -> None:
    """No serious or critical WCAG 2.1 AA violation that axe-core can find on this page."""
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def api_call(base_url: str, username: str, method: str, path: str, body: Any = None) -> Any:
    """Call the JSON API as a demo user (log in for a token, then one request); the parsed answer."""
    import httpx

    headers = login_headers(base_url, username)
    response = httpx.request(method, f"{base_url}/api/v1{path}", json=body, headers=headers, timeout=60)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text[:500]}"
    return response.json() if response.content else None
