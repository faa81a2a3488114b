"""The shortlist page says what would open more options when the list is short."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.api.conftest import Api, World


@pytest.fixture(scope="module")
def pool(api: Api, world: World) -> dict[str, Any]:
    """One opening that fits the default client (at most 30 hours) and one of 39 hours a week."""
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Options Page Foods")
    fits = api.create_opening(h, employer["id"], title="Line cook", hourly_wage=17)
    longer = api.create_opening(h, employer["id"], title="Night porter", hours_per_week=39)
    return {"employer": employer["id"], "fits": fits["id"], "longer": longer["id"]}


def words_of(browser: Any, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, response.text
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def test_a_short_list_says_what_would_open_more_options(
    api: Api, world: World, browser_for: Any, pool: dict
) -> None:
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    words = words_of(browser, f"/clients/{client['id']}/shortlist?employer_id={pool['employer']}&k=5")
    assert "What would open more options" in words
    assert "With a maximum of 40 hours a week instead of 30, 1 more opening would fit: Night porter" in words
    assert "not advice" in words


def test_a_full_list_has_no_options_section(api: Api, world: World, browser_for: Any) -> None:
    h = world.headers["liaison1"]
    employers = [api.create_employer(h)["id"] for _ in range(5)]  # one fitting opening each
    for employer in employers:
        api.create_opening(h, employer, hourly_wage=17)
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    query = "&".join(f"employer_id={e}" for e in employers)
    words = words_of(browser, f"/clients/{client['id']}/shortlist?{query}&k=5")
    assert "5 suggestions" in words and "What would open more options" not in words
