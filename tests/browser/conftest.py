"""Browser-test fixtures: the app served for real, Debian's Chromium, logins and axe-core.

The app runs as in production (``placement-api serve``: uvicorn on 127.0.0.1, SQLite in a
temporary directory migrated at start-up). ``server`` is an empty database; ``demo_server``
holds the demo caseload, loaded by ``placement-api demo`` with a known password. The browser
is Debian's ``chromium`` driven by Playwright; without it these tests skip, except under CI
(``CI`` set), where they must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the server did not answer within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``placement-api serve`` on a free port with a temporary SQLite database."""
    _require_browser()
    yield from _serve(tmp_path_factory.mktemp("server"), {})


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


DEMO_PASSWORD = "browser-test-demo-password"
DEMO_AS_OF = "2026-03-02"  # the demo's openings are current on this date


def _serve(var: Path, extra_env: dict[str, str]) -> Iterator[str]:
    """Serve the database in ``var`` on a free port until the generator is closed; its URL."""
    port, log = _free_port(), var / "server.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{var / 'placement.db'}", "PLACEMENT_VAR_DIR": str(var)}
    env |= extra_env
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if "PLACEMENT_DEMO_PASSWORD" in extra_env:
        command.append("--demo")
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app serving the demo (users ``specialist``, ``specialist2``, ``liaison``,
    ``auditor``, ``admin``, each with :data:`DEMO_PASSWORD`). Tests that change data make their
    own records (a new client, a new opening) so they do not depend on each other's order."""
    _require_browser()
    var = tmp_path_factory.mktemp("demo-server")
    yield from _serve(var, load_demo(var))


def load_demo(var: Path) -> dict[str, str]:
    """Load the demo into a new SQLite database in ``var``; the settings to serve it with."""
    env = {
        "PLACEMENT_DEMO_PASSWORD": DEMO_PASSWORD,
        "PLACEMENT_AS_OF": DEMO_AS_OF,
        "PLACEMENT_ARGON2_TIME_COST": "1",
        "PLACEMENT_ARGON2_MEMORY_KIB": "1024",
        "PLACEMENT_ARGON2_PARALLELISM": "1",
        "PLACEMENT_LOGIN_USER_LIMIT": "1000",
        "PLACEMENT_LOGIN_IP_LIMIT": "1000",
    }
    database = {"DATABASE_URL": f"sqlite:///{var / 'placement.db'}", "PLACEMENT_VAR_DIR": str(var)}
    load = subprocess.run(
        [sys.executable, "-m", "api.cli", "demo"],
        cwd=REPO,
        env={**os.environ, **database, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if load.returncode != 0:
        raise RuntimeError(f"placement-api demo failed:\n{load.stdout}\n{load.stderr}")
    return env


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

    with httpx.Client(base_url=base_url + "/api/v1", timeout=60) as http:
        login = http.post("/login/access-token", data={"username": username, "password": DEMO_PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        response = http.request(method, path, json=body, headers=headers)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else None
