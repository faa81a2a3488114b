"""Fixtures of the page tests: the API tests' app and users, and a logged-in browser-like client.

A :class:`Browser` is a TestClient with its own cookie jar that logs in through the login
page and sends each form with the CSRF token the page gave it, as a browser does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.models import Role, User
from tests.api.conftest import PASSWORD, Api, World, api, backend, make_test_client, world

__all__ = ["api", "backend", "world"]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """A logged-in user's browser: cookies kept, forms posted with the page's CSRF token."""

    http: Any  # fastapi.testclient.TestClient
    user: User | None = None

    def get(self, path: str, **kw: Any) -> httpx.Response:
        kw.setdefault("headers", {}).setdefault("Accept", "text/html")
        return self.http.get(path, **kw)  # type: ignore[no-any-return]

    def submit(self, form_page: str, action: str, data: dict[str, Any], **kw: Any) -> httpx.Response:
        """Open ``form_page``, then post ``data`` to ``action`` with that page's CSRF token."""
        page = self.get(form_page)
        assert page.status_code == 200, page.text
        kw.setdefault("headers", {}).setdefault("Accept", "text/html")
        return self.http.post(  # type: ignore[no-any-return]
            action, data={"csrf_token": csrf_of(page.text), **data}, follow_redirects=False, **kw
        )

    def log_in(self, user: User) -> None:
        response = self.submit("/login", "/login", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 303, response.text
        self.user = user


@pytest.fixture
def browser_for(api: Api) -> Iterator[Any]:
    """``browser_for(user)``: a new browser (own cookies) logged in as ``user``; None: logged out."""
    opened: list[Any] = []

    def open_browser(user: User | None = None) -> Browser:
        http = make_test_client(api.app)
        http.__enter__()
        opened.append(http)
        browser = Browser(http)
        if user is not None:
            browser.log_in(user)
        return browser

    yield open_browser
    for http in opened:
        http.__exit__(None, None, None)


def make_user(api: Api, role: Role) -> User:
    return api.add_user(role)


__all__ += ["Browser", "World", "csrf_of", "make_user"]
