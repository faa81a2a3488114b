"""Asking for options widens the engine's candidate search (api.shortlists): the list must not change."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, World


def _post(api: Api, world: World, client_id: str, *, options: bool) -> dict[str, Any]:
    response = api.post(
        f"/clients/{client_id}/shortlist",
        world.headers["spec1"],
        json={"k": 5},
        params={"options": "true"} if options else {},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_shortlist_asked_with_options_is_the_shortlist_asked_without(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Same List Cafe")
    for title, wage in (("Barista", 16), ("Cook", 17), ("Host", 14), ("Cashier", 15)):
        api.create_opening(h, employer["id"], title=title, hourly_wage=wage)
    client = api.create_client(world.headers["spec1"], wage_floor=15)
    plain = _post(api, world, client["id"], options=False)
    asked = _post(api, world, client["id"], options=True)
    assert asked["options"]  # the low-paid host job opens with a lower floor
    keep = ("opening_id", "rank", "score", "contributions", "positives", "concerns", "hints")
    assert [{f: s[f] for f in keep} for s in asked["suggestions"]] == [
        {f: s[f] for f in keep} for s in plain["suggestions"]
    ]
    assert asked["exclusions"] == plain["exclusions"]
