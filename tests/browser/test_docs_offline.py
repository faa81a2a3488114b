"""/docs and /redoc render in a real Chromium with every outside request aborted.

The app runs as in production (``placement-api serve``: uvicorn on 127.0.0.1, a fresh
SQLite database migrated at start-up). The browser is Debian's ``chromium`` driven by
Playwright; without it these tests skip, except under CI (``CI`` set), where they must run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Request, Response, Route


@dataclass
class Offline:
    """A page whose requests to any host but 127.0.0.1 are aborted, and recorded."""

    page: Page
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def wait_for(self, locator: Locator, state: str = "visible", timeout: float = 30_000) -> None:
        """Wait for ``locator``; on a timeout, say what the page asked of the outside world."""
        from playwright.sync_api import TimeoutError

        try:
            locator.wait_for(state=state, timeout=timeout)  # type: ignore[arg-type]
        except TimeoutError:
            pytest.fail(f"{locator} not {state}; outside requests: {self.outside}; failed: {self.failed}")

    def response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def route(self, route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(request.url)
            route.abort("internetdisconnected")


@pytest.fixture
def offline(browser: Browser) -> Iterator[Offline]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    state = Offline(page)
    page.route("**/*", state.route)
    page.on("response", state.response)
    try:
        yield state
    finally:
        context.close()


def test_swagger_ui_renders_the_operations_offline(server: str, offline: Offline) -> None:
    page = offline.page
    page.goto(server + "/docs")
    create_client = page.locator("#operations-clients-create_client_api_v1_clients_post")
    offline.wait_for(create_client)
    assert page.locator("#operations-tag-clients").is_visible()
    assert page.locator(".opblock").count() >= 40  # every operation, not an error box
    create_client.locator(".opblock-summary").click()
    example = create_client.locator(".body-param__example, .highlight-code").first
    offline.wait_for(example, timeout=10_000)
    assert '"zip": "60647"' in example.inner_text()  # the real-looking client, not lat -90
    assert offline.outside == [], offline.outside
    assert offline.failed == [], offline.failed


def test_redoc_renders_the_operations_offline(server: str, offline: Offline) -> None:
    page = offline.page
    page.goto(server + "/redoc")
    heading = page.locator("h2", has_text="Create Client")
    offline.wait_for(heading, state="attached")
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()
    assert page.get_by_text("A short name the specialist recognises the client by").count() > 0
    assert offline.outside == [], offline.outside
    assert offline.failed == [], offline.failed
