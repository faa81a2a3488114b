"""The shortlist page says what would open more options when the list is short, and on request."""

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


@pytest.mark.usefixtures("pool")  # its 39-hour opening is what a wider hours range opens
def test_a_full_list_offers_the_options_on_request(api: Api, world: World, browser_for: Any) -> None:
    h = world.headers["liaison1"]
    employers = [api.create_employer(h)["id"] for _ in range(5)]  # one fitting opening each
    for employer in employers:
        api.create_opening(h, employer, hourly_wage=17)
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    query = "&".join(f"employer_id={e}" for e in employers)
    words = words_of(browser, f"/clients/{client['id']}/shortlist?{query}&k=5")
    assert "5 suggestions" in words
    assert "What would open more options?" in words  # the link, not the section
    assert "more opening would fit" not in words and "more openings would fit" not in words
    page = browser.get(f"/clients/{client['id']}/shortlist?k=5")
    link = re.search(r'href="([^"]*options=1[^"]*)"', page.text)
    assert link is not None
    asked = words_of(browser, html.unescape(link.group(1)))
    assert "5 suggestions" in asked
    assert "With a maximum of 40 hours a week instead of 30, 1 more opening would fit: Night porter" in asked
    assert 'name="options" value="1" checked' in browser.get(html.unescape(link.group(1))).text  # kept


def test_the_print_page_of_a_short_list_says_what_could_open_more_jobs(
    api: Api, world: World, browser_for: Any, pool: dict
) -> None:
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    words_of(browser, f"/clients/{client['id']}/shortlist?k=20")  # more than this world's fitting openings
    printed = words_of(browser, f"/clients/{client['id']}/shortlist/print")
    assert "What could open more jobs" in printed and "you decide" in printed
    hours = "With a maximum of 40 hours a week instead of 30, 1 more opening would fit: Night porter"
    assert hours in printed
    assert pool["longer"] not in printed and client["id"] not in printed  # no ids on paper
    page = browser.get(f"/clients/{client['id']}/shortlist/print").text
    sheet = page.split('class="print-sheet"')[1].split("<footer")[
        0
    ]  # what is printed (not the site's footer)
    assert "the client" not in sheet.lower() and "your" in sheet.lower()  # it speaks to the client
    assert f'href="/clients/{client["id"]}/shortlist?k=20">Back to the shortlist' in page  # its k kept


def test_the_print_page_of_a_full_list_has_no_options(api: Api, world: World, browser_for: Any) -> None:
    h = world.headers["liaison1"]
    for _ in range(5):
        api.create_opening(h, api.create_employer(h)["id"], hourly_wage=17)
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    words_of(browser, f"/clients/{client['id']}/shortlist?k=5")
    printed = words_of(browser, f"/clients/{client['id']}/shortlist/print")
    assert "Job suggestions for" in printed and "What could open more jobs" not in printed
