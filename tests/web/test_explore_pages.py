"""Career exploration pages on the real O*NET store (skipped without ../shared/data).

From the client's page: search a title, the occupations it may be, an occupation's profile,
related occupations and the client's current openings in them; only for one's own clients.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.main import create_app
from api.models import Role
from tests.api.conftest import Api, fresh_database, make_settings, make_test_client, opening_details
from tests.real_occupations import real_store_dir
from tests.web.conftest import Browser, World, browser_for, make_user

__all__ = ["browser_for", "real_store_dir"]

DISHWASHERS = "35-9021.00"


@pytest.fixture(scope="module")
def api(backend: str, tmp_path_factory: pytest.TempPathFactory, real_store_dir: Path) -> Iterator[Api]:
    """The pages' app with the real occupation store."""
    directory = tmp_path_factory.mktemp(f"explore-pages-{backend}")
    with fresh_database(backend, directory) as url:
        app = create_app(make_settings(directory, url, occupations_store=real_store_dir))
        with make_test_client(app) as client:
            yield Api(app=app, client=client)


@pytest.fixture(scope="module")
def setting(api: Api) -> dict[str, Any]:
    """A specialist with a dishwasher client, and a dishwasher opening nearby."""
    specialist = make_user(api, Role.SPECIALIST)
    liaison = api.headers(make_user(api, Role.LIAISON))
    employer = api.create_employer(liaison, name="Blue Plate Diner")
    details = opening_details(title="Dishwasher", description="Wash dishes in a busy kitchen.")
    opening = api.create_opening(liaison, employer["id"], **details)
    client = api.create_client(api.headers(specialist), label="Robin", past_titles=["Dishwasher"])
    return {"specialist": specialist, "client": client, "opening": opening}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_client_page_links_to_career_exploration(browser_for: Any, setting: dict[str, Any]) -> None:
    browser: Browser = browser_for(setting["specialist"])
    page = browser.get(f"/clients/{setting['client']['id']}")
    assert f'href="/clients/{setting["client"]["id"]}/explore"' in page.text


def test_search_offers_past_jobs_and_lists_candidates(browser_for: Any, setting: dict[str, Any]) -> None:
    browser: Browser = browser_for(setting["specialist"])
    base = f"/clients/{setting['client']['id']}/explore"
    first = browser.get(base)
    assert first.status_code == 200 and f'href="{base}?title=Dishwasher"' in first.text
    found = browser.get(base, params={"title": "dish washer"})
    assert found.status_code == 200
    assert f'href="{base}/{DISHWASHERS}?q=dish%20washer"' in found.text and "Dishwashers" in found.text
    unknown = browser.get(base, params={"title": "qzxv wprrt"})
    assert "Unknown: no O*NET occupation matches" in _text(unknown.text)


def test_occupation_page_shows_profile_related_and_the_clients_openings(
    browser_for: Any, setting: dict[str, Any]
) -> None:
    browser: Browser = browser_for(setting["specialist"])
    client_id = setting["client"]["id"]
    page = browser.get(f"/clients/{client_id}/explore/{DISHWASHERS}")
    assert page.status_code == 200, page.text
    text = _text(page.text)
    for heading in ("What people do", "Preparation needed", "Typical demands", "Related occupations"):
        assert heading in text
    assert "Little or no preparation" in text and "Job Zone 1 of 5" in text
    assert "Robin's current openings in these occupations" in text
    assert "Dishwasher at Blue Plate Diner" in text
    opening_id = setting["opening"]["id"]
    assert f'href="/why-not?client={client_id}&amp;opening={opening_id}"' in page.text
    assert f'href="/clients/{client_id}/shortlist"' in page.text
    # related occupations link on, within the client's exploration
    assert re.search(rf'href="/clients/{client_id}/explore/\d\d-\d{{4}}\.\d\d"', page.text)


PEER_SUPPORT = "21-1093.00"  # Social and Human Service Assistants


def test_a_searched_title_is_kept_through_related_occupations(
    browser_for: Any, setting: dict[str, Any]
) -> None:
    # From "recovery coach" to a related occupation and back to the search, without retyping it.
    browser: Browser = browser_for(setting["specialist"])
    base = f"/clients/{setting['client']['id']}/explore"
    found = browser.get(base, params={"title": "recovery coach"})
    assert f'href="{base}/{PEER_SUPPORT}?q=recovery%20coach"' in found.text
    page = browser.get(f"{base}/{PEER_SUPPORT}", params={"q": "recovery coach"})
    related = re.findall(rf'href="{base}/(\d\d-\d{{4}}\.\d\d)\?q=recovery%20coach"', page.text)
    assert len(related) >= 5, "related occupations drop the searched title"
    hop = browser.get(f"{base}/{related[0]}", params={"q": "recovery coach"})
    assert f'href="{base}?title=recovery%20coach"' in hop.text  # "Back to the occupations for ..."


def test_the_profile_says_it_describes_the_whole_occupation(
    browser_for: Any, setting: dict[str, Any]
) -> None:
    # A peer support specialist is not a bachelor's-degree job because O*NET's occupation is.
    browser: Browser = browser_for(setting["specialist"])
    base = f"/clients/{setting['client']['id']}/explore/{PEER_SUPPORT}"
    text = _text(browser.get(base, params={"q": "peer support specialist"}).text)
    assert (
        "O*NET counts “peer support specialist” among the jobs of Social and Human Service Assistants" in text
    )
    assert "the preparation and demands of one job with that title can differ" in text
    assert "O*NET counts" not in _text(browser.get(base).text)  # reached without a search
    # a related occupation, reached with the search kept for the way back, is not one of its jobs
    related = (
        f"/clients/{setting['client']['id']}/explore/21-1021.00"  # Child, Family, and School Social Workers
    )
    page = browser.get(related, params={"q": "peer support specialist"})
    assert page.status_code == 200 and "O*NET counts" not in _text(page.text)


def test_openings_with_the_same_title_and_employer_are_told_apart(
    api: Api, browser_for: Any, setting: dict[str, Any]
) -> None:
    liaison = api.headers(make_user(api, Role.LIAISON))
    employer = api.create_employer(liaison, name="New Hope Recovery Center")
    details = opening_details(title="Peer Support Specialist", description="Support people in recovery.")
    places = ({"lat": 41.8850, "lon": -87.6350}, {"lat": 41.9100, "lon": -87.6500})  # two sites
    ids = [api.create_opening(liaison, employer["id"], **details | {"location": at})["id"] for at in places]
    browser: Browser = browser_for(setting["specialist"])
    page = browser.get(f"/clients/{setting['client']['id']}/explore/{PEER_SUPPORT}").text
    for opening_id in ids:
        label = (
            f'aria-label="Why or why not Peer Support Specialist at New Hope Recovery Center ({opening_id})"'
        )
        assert page.count(label) == 1, opening_id
        assert f"at New Hope Recovery Center · {opening_id}" in _text(page)


def test_without_a_client_there_are_no_openings(browser_for: Any, setting: dict[str, Any]) -> None:
    browser: Browser = browser_for(setting["specialist"])
    page = browser.get(f"/explore/{DISHWASHERS}")
    assert page.status_code == 200 and "Related occupations" in page.text
    assert "current openings" not in page.text and 'aria-current="page">Career exploration' in page.text


def test_someone_elses_client_and_bad_input(api: Api, browser_for: Any, setting: dict[str, Any]) -> None:
    other: Browser = browser_for(make_user(api, Role.SPECIALIST))
    client_id = setting["client"]["id"]
    assert other.get(f"/clients/{client_id}/explore").status_code == 404
    assert other.get(f"/clients/{client_id}/explore/{DISHWASHERS}").status_code == 404
    mine: Browser = browser_for(setting["specialist"])
    assert mine.get(f"/clients/{client_id}/explore/99-9999.00").status_code == 404
    assert mine.get(f"/clients/{client_id}/explore/dishwasher").status_code == 422
    long = mine.get(f"/clients/{client_id}/explore", params={"title": "x" * 201})
    assert long.status_code == 422 and "Keep the job title to 200 characters or fewer" in long.text
    liaison: Browser = browser_for(make_user(api, Role.LIAISON))
    assert liaison.get("/explore").status_code == 404


def test_without_a_store_the_page_says_so(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'api.db'}"))
    with make_test_client(app) as http:
        bare = Api(app=app, client=http)
        browser = Browser(http)
        browser.log_in(make_user(bare, Role.SPECIALIST))
        page = browser.get("/explore")
        assert page.status_code == 200
        assert "needs the O*NET occupation store" in page.text and "matcher occupations import" in page.text


__all__ += ["World"]
