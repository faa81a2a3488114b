"""Career exploration in a real Chromium, on the demo served with the real O*NET store.

From a client's page: the "Career exploration" link, a title typed and searched, the
occupation chosen among the candidates, its profile, related occupations, the client's
current openings in them, and the why-or-why-not of one of them. Skipped without a browser
or without ``../shared/data``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.api.conftest import client_profile, opening_details
from tests.api.loadgen import demo_server, login_headers
from tests.browser.conftest import UNLIMITED_LOGINS, _require_browser, assert_accessible, log_in
from tests.real_occupations import real_store_dir

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["real_store_dir"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, real_store_dir: Path) -> Iterator[str]:
    """The demo (one worker) with the real occupation store."""
    _require_browser()
    var = tmp_path_factory.mktemp("explore-server")
    env = UNLIMITED_LOGINS | {"PLACEMENT_OCCUPATIONS_STORE": str(real_store_dir)}
    with demo_server(var, database_url=f"sqlite:///{var / 'placement.db'}", workers=1, env=env) as url:
        yield url


@pytest.fixture(scope="module")
def client_id(server: str) -> str:
    """A client who washed dishes, and a dishwasher opening near their home."""
    liaison = login_headers(server, "liaison")
    employer = httpx.post(f"{server}/api/v1/employers", headers=liaison, json={"name": "Blue Plate Diner"})
    assert employer.status_code == 201, employer.text
    details = opening_details(title="Dishwasher", description="Wash dishes and pots in a busy kitchen.")
    body = {"employer_id": employer.json()["id"], "details": details}
    assert httpx.post(f"{server}/api/v1/openings", headers=liaison, json=body).status_code == 201
    label = f"Robin {uuid.uuid4().hex[:4]}"
    profile = {"label": label, "profile": client_profile(past_titles=["Dishwasher"])}
    made = httpx.post(f"{server}/api/v1/clients", headers=login_headers(server, "specialist"), json=profile)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_explore_from_the_client_page(page: Page, server: str, client_id: str) -> None:
    log_in(page, server, "specialist")
    page.goto(f"{server}/clients/{client_id}")
    page.get_by_role("navigation", name="This client").get_by_role("link", name="Career exploration").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/clients/{client_id}/explore")
    assert page.get_by_role("link", name="Dishwasher", exact=True).is_visible()  # a past job
    assert_accessible(page)

    page.get_by_label("Job title").fill("dish washer")
    page.get_by_role("button", name="Find occupations").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Occupations for “dish washer”").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Dishwashers", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Dishwashers").is_visible()
    for name in ("What people do", "Preparation needed", "Typical demands", "Related occupations"):
        assert page.get_by_role("heading", name=name).is_visible(), name
    assert "Little or no preparation" in page.inner_text("#main")
    openings = page.get_by_role("table").filter(has_text="Blue Plate Diner")
    assert openings.get_by_role("row").filter(has_text="Dishwasher").count() >= 1
    assert_accessible(page)

    related = page.locator("ol.related a").first
    related_title = related.inner_text()
    related.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name=related_title).is_visible()
    page.go_back()
    page.wait_for_load_state()

    page.get_by_role("link", name="Why or why not Dishwasher at Blue Plate Diner").first.click()
    page.wait_for_load_state()
    assert "/why-not" in page.url
    assert page.get_by_role("heading", name="Dishwasher at Blue Plate Diner").first.is_visible()


def test_the_nav_link_explores_without_a_client(page: Page, server: str) -> None:
    log_in(page, server, "specialist")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Career exploration").click()
    page.wait_for_load_state()
    page.get_by_label("Job title").fill("qzxv wprrt")
    page.get_by_role("button", name="Find occupations").click()
    page.wait_for_load_state()
    assert "Unknown: no O*NET occupation matches" in page.inner_text("#main")
    assert_accessible(page)


def test_a_peer_support_title_through_related_occupations(page: Page, server: str, client_id: str) -> None:
    # A specialist looks up "peer support specialist", reads the profile, follows a related
    # occupation and comes back to the same search without typing it again.
    log_in(page, server, "specialist")
    page.goto(f"{server}/clients/{client_id}/explore")
    page.get_by_label("Job title").fill("peer support specialist")
    page.get_by_role("button", name="Find occupations").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Social and Human Service Assistants", exact=True).click()
    page.wait_for_load_state()
    assert "O*NET counts “peer support specialist” among the jobs of" in page.inner_text("#main")
    assert_accessible(page)
    page.locator("ol.related a").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Back to the occupations for “peer support specialist”").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Occupations for “peer support specialist”").is_visible()
