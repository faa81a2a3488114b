"""The four accommodation states through the service: the shortlist, its page, the why-not, the bands."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.api.conftest import Api, World

NEED = {"job_coach": "required"}


@pytest.fixture(scope="module")
def pool(api: Api, world: World) -> dict[str, Any]:
    """Openings near the default client, each giving a job coach in another state."""
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Coach Works")
    return {
        state: api.create_opening(h, employer["id"], title=title, **details)["id"]
        for state, title, details in (
            ("on_request", "Line cook", {"on_request": ["job_coach"]}),
            ("not_stated", "Dishwasher", {}),
            ("not_possible", "Prep cook", {"not_possible": ["job_coach"]}),
        )
    }


def shortlist(api: Api, world: World, client_id: str) -> dict[str, Any]:
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"], params={"k": 50})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_disclosing_client_gets_the_unstated_ones_with_a_question(
    api: Api, world: World, pool: dict[str, str]
) -> None:
    client = api.create_client(world.headers["spec1"], accommodations=NEED, discloses=True)
    body = shortlist(api, world, client["id"])
    shown = {s["opening_id"]: s for s in body["suggestions"]}
    assert pool["on_request"] in shown and pool["not_stated"] in shown and pool["not_possible"] not in shown
    asked = [c for c in shown[pool["not_stated"]]["concerns"] if c["code"] == "ACCOMMODATION_NOT_STATED"]
    assert asked and asked[0]["text"].startswith("Not stated by the employer: job coach on site — ask")
    assert body["opened_by_disclosing"] == 0 and body["disclosure_note"] is None


def test_a_client_who_does_not_disclose_is_told_how_many_disclosing_would_open(
    api: Api, world: World, browser_for: Any, pool: dict[str, str]
) -> None:
    h = world.headers["spec1"]
    hidden = api.create_client(h, accommodations=NEED, discloses=False)
    shown = api.create_client(h, accommodations=NEED, discloses=True)
    body, other = shortlist(api, world, hidden["id"]), shortlist(api, world, shown["id"])
    # disclosing only relaxes the rule: the difference is exactly what it opens
    assert (
        body["opened_by_disclosing"] == body["exclusions"]["n_excluded"] - other["exclusions"]["n_excluded"]
    )
    assert body["opened_by_disclosing"] >= 2  # at least the on-request and the unstated one
    assert body["disclosure_note"].startswith(
        f"If the client chose to disclose, {body['opened_by_disclosing']}"
    )
    assert "Disclosure is the client's choice" in body["disclosure_note"]
    page = browser_for(world.users["spec1"]).get(f"/clients/{hidden['id']}/shortlist")
    words = html.unescape(re.sub(r"<[^>]+>", " ", page.text))
    assert f"If the client chose to disclose, {body['opened_by_disclosing']} more openings would fit" in words
    why = api.get(f"/clients/{hidden['id']}/openings/{pool['not_stated']}/explain", h).json()
    (reason,) = why["reasons"]
    assert reason["feasible_if"] == (
        "feasible if the client chose to disclose (job coach on site to ask the employer about)"
    )


def test_every_score_in_the_json_has_its_band(api: Api, world: World, pool: dict[str, str]) -> None:
    h = world.headers["spec1"]
    client = api.create_client(h, accommodations=NEED, discloses=False)
    body = shortlist(api, world, client["id"])
    for item in [*body["suggestions"], *body["exclusions"]["nearest_misses"]]:
        assert item["band"] in {"strong", "good", "possible"}
    assert body["exclusions"]["nearest_misses"], "an on-request opening fails one limit only"
    fitting = api.create_client(h)
    why = api.get(f"/clients/{fitting['id']}/openings/{pool['not_stated']}/explain", h).json()
    assert why["feasible"] is True and why["band"] in {"strong", "good", "possible"}
