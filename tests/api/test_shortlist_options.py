"""What would open more options, in the shortlist API: given when the list is short, or on request."""

from __future__ import annotations

from typing import Any

import pytest

from api.fit_bands import fit_band
from tests.api.conftest import Api, World


@pytest.fixture(scope="module")
def pool(api: Api, world: World) -> dict[str, Any]:
    """One opening that fits the default client, one on a Saturday, one paying under a $15 floor."""
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Options Bakery")
    fits = api.create_opening(h, employer["id"], title="Dishwasher", hourly_wage=16)
    saturday = api.create_opening(
        h, employer["id"], title="Baker", shifts=["Sat 09:00-13:00"], hourly_wage=16
    )
    low_pay = api.create_opening(h, employer["id"], title="Prep cook", hourly_wage=14)
    return {"employer": employer["id"], "fits": fits["id"], "saturday": saturday["id"], "low": low_pay["id"]}


def get(api: Api, world: World, client_id: str, **params: Any) -> dict[str, Any]:
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"], params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_short_list_says_what_would_open_more(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"], wage_floor=15)
    body = get(api, world, client["id"], k=5, employer_id=pool["employer"])
    assert [s["opening_id"] for s in body["suggestions"]] == [pool["fits"]]
    by_kind = {o["kind"]: o for o in body["options"]}
    saturday = by_kind["availability"]
    assert saturday["code"] == "SCHEDULE_OUTSIDE_AVAILABILITY" and saturday["n_opened"] == 1
    assert saturday["best"][0]["opening_id"] == pool["saturday"]
    assert saturday["best"][0]["title"] == "Baker"
    assert saturday["best"][0]["band"] == fit_band(saturday["best"][0]["score"])  # the score in words
    assert "also available 09:00-13:00 on Saturday" in saturday["text"]
    assert "1 more opening would fit" in saturday["text"]
    wage = by_kind["wage_floor"]
    assert [b["opening_id"] for b in wage["best"]] == [pool["low"]]
    assert "a wage floor of $14.00 an hour instead of $15.00" in wage["text"]


def test_a_full_list_has_options_only_on_request(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"], wage_floor=15)
    assert get(api, world, client["id"], k=1, employer_id=pool["employer"])["options"] is None
    asked = get(api, world, client["id"], k=1, employer_id=pool["employer"], options="true")
    assert {o["kind"] for o in asked["options"]} >= {"availability", "wage_floor"}
    posted = api.post(
        f"/clients/{client['id']}/shortlist",
        world.headers["spec1"],
        json={"k": 1, "filters": {"employer_ids": [pool["employer"]]}, "options": True},
    )
    assert posted.status_code == 200 and posted.json()["options"]
    queried = api.post(
        f"/clients/{client['id']}/shortlist",
        world.headers["spec1"],
        params={"options": "true"},
        json={"k": 1, "filters": {"employer_ids": [pool["employer"]]}},
    )
    assert queried.status_code == 200 and queried.json()["options"]
    plain = api.post(
        f"/clients/{client['id']}/shortlist",
        world.headers["spec1"],
        json={"k": 1, "filters": {"employer_ids": [pool["employer"]]}},
    )
    assert plain.status_code == 200 and plain.json()["options"] is None


def test_options_is_a_boolean(api: Api, world: World) -> None:
    client = api.create_client(world.headers["spec1"])
    response = api.get(
        f"/clients/{client['id']}/shortlist", world.headers["spec1"], params={"options": "maybe"}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "options"]
