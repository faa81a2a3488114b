"""Every page each role can reach: accessible (axe-core), and hostile names stay text.

Before the walk, records with script-like names are made through the JSON API: an employer
and an opening (as the liaison), a client with a shortlist (as the specialist), a user (as
the admin). Then each role logs in and follows every link of this site from its start page
(breadth first, a page of each list once), and on each page: the answer is 200, axe-core
finds no serious or critical WCAG 2.1 AA violation, no script ran (no dialog opened) and no
element was injected (no ``img[src="x"]``).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from api.schemas import examples
from tests.browser.conftest import api_call, axe_violations, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
MAX_PAGES = 60  # per role: the demo's lists are paged, so this covers every kind of page
# Links not followed: actions and other documents (the API reference has its own tests), and
# downloads (CSV, Markdown), which are files, not pages.
SKIP = re.compile(r"^/(logout|static|docs|redoc|api|health)|^.*\.(csv|md)$")


@pytest.fixture(scope="module")
def hostile_records(demo_server: str) -> dict[str, str]:
    employer = api_call(demo_server, "liaison", "POST", "/employers", {"name": "Acme " + HOSTILE})
    details = copy.deepcopy(examples.OPENING_DETAILS) | {"title": "Kennel hand " + HOSTILE}
    opening = api_call(
        demo_server, "liaison", "POST", "/openings", {"employer_id": employer["id"], "details": details}
    )
    client = api_call(
        demo_server,
        "specialist",
        "POST",
        "/clients",
        {"label": HOSTILE, "profile": copy.deepcopy(examples.CLIENT_PROFILE)},
    )
    api_call(demo_server, "specialist", "GET", f"/clients/{client['id']}/shortlist")
    user = api_call(
        demo_server,
        "admin",
        "POST",
        "/users",
        {
            "username": "hostile-name",
            "password": "a long enough password",
            "role": "liaison",
            "full_name": HOSTILE,
        },
    )
    return {
        "employer": employer["id"],
        "opening": opening["id"],
        "client": client["id"],
        "user": str(user["id"]),
    }


def _links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or SKIP.match(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _shape(path: str) -> str:
    """A link's kind: the same page of another record or another page number counts once."""
    parts = urlsplit(path)
    shape = re.sub(r"/[A-Z]-[0-9A-F]{6,}|/[0-9a-f-]{36}|/\d+", "/{id}", parts.path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k and not k.startswith("page="))
    return shape + "?" + "&".join(keys)


@pytest.mark.parametrize("username", ["specialist", "liaison", "auditor", "admin"])
def test_every_page_is_accessible_and_renders_hostile_names_as_text(
    demo_server: str, page: Page, username: str, hostile_records: dict[str, str]
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, demo_server, username)
    start = urlsplit(page.url).path
    queue, seen, visited, problems = [start], {_shape(start)}, [], []
    if username == "specialist":  # the client with the hostile name, and its shortlist
        for path in (
            f"/clients/{hostile_records['client']}",
            f"/clients/{hostile_records['client']}/shortlist",
        ):
            queue.append(path)
            seen.add(_shape(path) + "#hostile")
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(demo_server + path)
        visited.append(path)
        status = response.status if response else 0
        if status != 200:
            problems.append(f"{path}: HTTP {status}")
            continue
        if page.locator('img[src="x"]').count():
            problems.append(f"{path}: an injected <img> element")
        problems += [f"{path}: {v}" for v in axe_violations(page)]
        for link in _links(page):
            if _shape(link) not in seen:
                seen.add(_shape(link))
                queue.append(link)
    assert len(visited) > 3, f"{username} reached only {visited}"
    assert dialogs == [], f"a script ran: {dialogs}"
    assert problems == [], "\n".join(problems)
