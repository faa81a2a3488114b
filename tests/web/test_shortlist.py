"""The shortlist pages: a client's shortlist in words, decisions from it, why-not, the print page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.api.conftest import NEARBY, Api, World

XSS_TITLE = '<script>alert(1)</script> Kennel "><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def pool(api: Api, world: World) -> dict[str, Any]:
    """One employer's openings near the default client: two that fit, one filled, one too long."""
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Page Foods")
    fits = [
        # Positions to spare: a job start recorded below must not fill it (placements count).
        api.create_opening(h, employer["id"], title="Line cook", hourly_wage=17, positions=10),
        api.create_opening(h, employer["id"], title=XSS_TITLE, hourly_wage=16, industry="animal care"),
    ]
    filled = api.create_opening(h, employer["id"], title="Courier filled")
    assert api.post(f"/openings/{filled['id']}/fill", h).status_code == 200
    long_hours = api.create_opening(h, employer["id"], title="Night porter", hours_per_week=39)
    return {"employer": employer, "fits": fits, "filled": filled, "long": long_hours}


def records(api: Api, world: World, client_id: str) -> int:
    params = {"client_id": client_id}
    return int(api.get("/audit/recommendations", world.headers["auditor"], params=params).json()["count"])


def page_of(browser: Any, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, response.text
    return str(response.text)


def visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_why_not_of_a_fitting_opening_says_where_it_ranks_among_those_that_fit(
    api: Api, world: World, pool: dict, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    opening = pool["fits"][0]["id"]
    rank = api.get(f"/clients/{client['id']}/openings/{opening}/explain", world.headers["spec1"]).json()[
        "rank"
    ]
    answer = visible_text(page_of(browser, f"/why-not?client={client['id']}&opening={opening}"))
    if rank:  # ranked, or held back by the cap of openings per employer (then rank 0)
        assert f"ranks number {rank} of the openings that do" in answer
    else:
        assert "is not on the shortlist" in answer
    assert "is not suggested for this client, because" not in answer


@pytest.mark.usefixtures("pool")
def test_the_shortlist_page_shows_each_suggestion_in_words_and_is_recorded(
    api: Api, world: World, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"], label="Robin")
    browser = browser_for(world.users["spec1"])
    before = records(api, world, client["id"])
    text = page_of(browser, f"/clients/{client['id']}/shortlist?industry=food+service")
    assert records(api, world, client["id"]) == before + 1  # the JSON API's service stored it
    words = visible_text(text)
    assert "Line cook" in words and "Page Foods" in words
    assert re.search(r"(Strong|Good|Possible) fit", words)
    assert "About " in words and "minute" in words  # commute minutes and mode
    assert "20 hours a week" in words and "$17.00 an hour" in words
    assert "text similarity" not in words and "congruence" not in words
    assert "More reasons and how the score adds up" in words
    # The JSON shortlist of the same client carries the same band.
    body = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"]).json()
    assert {s["band"] for s in body["suggestions"]} <= {"strong", "good", "possible"}


@pytest.mark.usefixtures("pool")
def test_exclusions_are_counted_in_words_with_the_nearest_misses(
    api: Api, world: World, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    words = visible_text(page_of(browser, f"/clients/{client['id']}/shortlist"))
    assert "has more or fewer hours than the client wants" in words
    assert "Nearest misses" in words and "Night porter" in words
    assert "HOURS_OUT_OF_RANGE" not in words
    misses = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"]).json()["exclusions"]
    porter = next(m for m in misses["nearest_misses"] if m["title"] == "Night porter")
    band = {"strong": "Strong fit", "good": "Good fit", "possible": "Possible fit"}[porter["band"]]
    assert f"Night porter Page Foods {band} " in " ".join(words.split())  # its fit if the limit held


def test_nearest_misses_alike_in_title_and_employer_are_told_apart(
    api: Api, world: World, browser_for: Any
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Twin Sites Inc")["id"]
    sites = [{"lat": NEARBY["lat"] + dlat, "lon": NEARBY["lon"]} for dlat in (0.0, 0.03)]  # ~3 km apart
    twins = [
        api.create_opening(h, employer, title="Night guard", hours_per_week=39, location=site)["id"]
        for site in sites
    ]
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    page = page_of(browser, f"/clients/{client['id']}/shortlist?employer_id={employer}")
    for opening_id in twins:
        assert f"({opening_id})" in page  # the same title and employer twice: each row names its opening


def _reject_form(browser: Any, client_id: str, page: str, opening_id: str, **fields: str) -> Any:
    recommendation = re.search(r'name="recommendation_id" value="([^"]+)"', page)
    assert recommendation
    data = {
        "form": "reject",
        "opening_id": opening_id,
        "recommendation_id": recommendation.group(1),
        "action": "reject",
        **fields,
    }
    return browser.submit(
        f"/clients/{client_id}/shortlist", f"/clients/{client_id}/shortlist/decisions", data
    )


def test_reject_with_a_reason_is_recorded_and_without_one_nothing_is_saved(
    api: Api, world: World, pool: dict, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    cid, opening = client["id"], pool["fits"][0]["id"]
    browser = browser_for(world.users["spec1"])
    page = page_of(browser, f"/clients/{cid}/shortlist")
    missing = _reject_form(browser, cid, page, opening, note="two buses")
    assert missing.status_code == 422
    assert "Choose why the suggestion is rejected" in missing.text
    assert f'id="reject-{opening}-reason_code"' in missing.text and "two buses" in missing.text
    assert api.get(f"/clients/{cid}/rejections", world.headers["spec1"]).json()["opening_ids"] == []
    done = _reject_form(browser, cid, page, opening, reason_code="commute", note="two buses")
    assert done.status_code == 303 and done.headers["location"].endswith("done=rejected")
    assert api.get(f"/clients/{cid}/rejections", world.headers["spec1"]).json()["opening_ids"] == [opening]
    decisions = api.get(f"/clients/{cid}/decisions", world.headers["spec1"]).json()["data"]
    assert [(d["action"], d["reason_code"]) for d in decisions] == [("reject", "commute")]
    after = browser.get(done.headers["location"])
    assert "it will not be suggested again" in after.text
    assert f'id="suggestion-{opening}"' not in after.text


def test_approve_an_outcome_and_a_job_start_use_the_api_rules(
    api: Api, world: World, pool: dict, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    cid, opening = client["id"], pool["fits"][0]["id"]
    browser = browser_for(world.users["spec1"])
    page = page_of(browser, f"/clients/{cid}/shortlist")
    recommendation = re.search(r'name="recommendation_id" value="([^"]+)"', page)
    assert recommendation
    base = {"opening_id": opening, "recommendation_id": recommendation.group(1)}
    url, action = f"/clients/{cid}/shortlist", f"/clients/{cid}/shortlist/decisions"
    approved = browser.submit(url, action, {**base, "form": "approve", "action": "approve"})
    assert approved.status_code == 303
    outcome = browser.submit(url, action, {**base, "form": "outcome", "action": "interview"})
    assert outcome.status_code == 303
    no_choice = browser.submit(url, action, {**base, "form": "outcome"})
    assert no_choice.status_code == 422 and "Choose what happened" in no_choice.text
    actions = [
        d["action"] for d in api.get(f"/clients/{cid}/decisions", world.headers["spec1"]).json()["data"]
    ]
    assert actions == ["approve", "interview"]
    placements = f"/clients/{cid}/shortlist/placements"
    bad = browser.submit(url, placements, {"opening_id": opening, "start_date": "16 March"})
    assert bad.status_code == 422 and "Enter the first day of work as a date" in bad.text
    started = browser.submit(url, placements, {"opening_id": opening, "start_date": "2026-03-16"})
    assert started.status_code == 303
    rows = api.get(f"/clients/{cid}/placements", world.headers["spec1"]).json()["data"]
    assert [(p["opening_id"], p["start_date"]) for p in rows] == [(opening, "2026-03-16")]


@pytest.mark.usefixtures("pool")
def test_filters_narrow_the_shortlist_and_a_wrong_wage_is_shown_beside_the_field(
    api: Api, world: World, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    before = records(api, world, client["id"])
    wrong = browser.get(f"/clients/{client['id']}/shortlist?min_hourly_wage=lots")
    assert wrong.status_code == 422
    assert 'id="min_hourly_wage-error"' in wrong.text and 'value="lots"' in wrong.text
    assert records(api, world, client["id"]) == before  # nothing computed, nothing stored
    narrowed = visible_text(page_of(browser, f"/clients/{client['id']}/shortlist?min_hourly_wage=16.50"))
    assert "Line cook" in narrowed and "Kennel" not in narrowed


def test_other_caseloads_and_other_roles_meet_not_found(
    api: Api, world: World, pool: dict, browser_for: Any
) -> None:
    theirs = api.create_client(world.headers["spec2"])
    for user in ("spec1", "liaison1"):
        browser = browser_for(world.users[user])
        for url in (
            f"/clients/{theirs['id']}/shortlist",
            f"/clients/{theirs['id']}/shortlist/print",
            f"/why-not?client={theirs['id']}&opening={pool['fits'][0]['id']}",
        ):
            assert browser.get(url).status_code == 404, (user, url)


def test_why_not_finds_a_filled_opening_and_says_why(
    api: Api, world: World, pool: dict, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"], label="Sam")
    browser = browser_for(world.users["spec1"])
    found = page_of(browser, f"/why-not?client={client['id']}&q=courier")
    assert "Courier filled" in found and "Filled" in found
    link = f"/why-not?client={client['id']}&amp;q=courier&amp;opening={pool['filled']['id']}"
    assert link in found
    answer = visible_text(page_of(browser, html.unescape(link)))
    assert "is not suggested" in answer
    assert re.search(r"The opening was filled on \d{4}-\d{2}-\d{2}", answer)
    by_employer = page_of(browser, "/why-not?q=page+foods")
    assert "Night porter" in by_employer and "choose a client" in by_employer


@pytest.mark.usefixtures("pool")
def test_the_print_page_is_plain_and_stores_no_new_record_when_nothing_changed(
    api: Api, world: World, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"], label="Alex")
    browser = browser_for(world.users["spec1"])
    page_of(browser, f"/clients/{client['id']}/shortlist")
    stored = records(api, world, client["id"])
    printed = page_of(browser, f"/clients/{client['id']}/shortlist/print")
    assert records(api, world, client["id"]) == stored  # the latest record, printed as it was
    page_of(browser, f"/clients/{client['id']}/shortlist/print")
    assert records(api, world, client["id"]) == stored
    words = visible_text(printed)
    assert "Job suggestions for Alex" in words and "Line cook" in words
    for hidden in ("score", "O-", client["id"], "41.88", "-87.63"):  # no scores, ids or home
        assert hidden not in words, hidden
    assert 'action="/clients' not in printed  # no decision forms on paper
    # A rejection changes the shortlist: what is printed now is new, so it is stored as a record.
    shown = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"]).json()
    stored += 1
    decision = {
        "opening_id": shown["suggestions"][0]["opening_id"],
        "action": "reject",
        "reason_code": "pay",
        "recommendation_id": shown["recommendation_id"],
    }
    assert (
        api.post(f"/clients/{client['id']}/decisions", world.headers["spec1"], json=decision).status_code
        == 201
    )
    page_of(browser, f"/clients/{client['id']}/shortlist/print")
    assert records(api, world, client["id"]) == stored + 1


def test_an_opening_title_with_markup_is_inert_text_on_every_page(
    api: Api, world: World, pool: dict, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    xss = pool["fits"][1]["id"]
    for url in (
        f"/clients/{client['id']}/shortlist",
        f"/clients/{client['id']}/shortlist/print",
        f"/why-not?client={client['id']}&q=kennel",
        f"/why-not?client={client['id']}&opening={xss}",
    ):
        text = page_of(browser, url)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url
        assert "<script>alert(1)" not in text and "<img src=x" not in text, url


def test_a_paused_client_gets_no_shortlist_and_nothing_is_stored(
    api: Api, world: World, browser_for: Any
) -> None:
    client = api.create_client(world.headers["spec1"])
    api.post(f"/clients/{client['id']}/pause", world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    for url in (f"/clients/{client['id']}/shortlist", f"/clients/{client['id']}/shortlist/print"):
        response = browser.get(url)
        assert response.status_code == 409 and "This client is paused" in response.text
    assert records(api, world, client["id"]) == 0
