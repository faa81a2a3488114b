"""Why not: a filled, closed or expired opening is explained with its reasons, not a 404."""

from __future__ import annotations

from tests.api.conftest import Api, World


def explain(api: Api, world: World, client_id: str, opening_id: str) -> dict:
    response = api.get(f"/clients/{client_id}/openings/{opening_id}/explain", world.headers["spec1"])
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_filled_opening_says_when_it_was_filled_and_every_other_limit(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    # Too many hours for the default client (10-30 h/week) as well as filled.
    filled = api.create_opening(h, employer, hours_per_week=38)
    assert api.post(f"/openings/{filled['id']}/fill", h).status_code == 200
    client = api.create_client(world.headers["spec1"])
    body = explain(api, world, client["id"], filled["id"])
    assert body["suggested"] is False
    assert (body["status"], body["title"]) == ("filled", filled["details"]["title"])
    reasons = {r["code"]: r for r in body["reasons"]}
    assert set(reasons) == {"NOT_OPEN", "HOURS_OUT_OF_RANGE"}
    filled_on = reasons["NOT_OPEN"]["evidence"]["since"]
    assert reasons["NOT_OPEN"]["text"] == f"The opening was filled on {filled_on}"


def test_closed_and_expired_openings_are_explained(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    closed = api.create_opening(h, employer)
    api.post(f"/openings/{closed['id']}/close", h)
    expired = api.create_opening(h, employer, posted="2026-01-01", expires="2026-03-01")
    client = api.create_client(world.headers["spec1"])
    closed_body = explain(api, world, client["id"], closed["id"])
    assert [r["code"] for r in closed_body["reasons"]] == ["NOT_OPEN"]
    assert closed_body["reasons"][0]["text"].startswith("The opening was closed on ")
    expired_body = explain(api, world, client["id"], expired["id"])
    assert expired_body["status"] == "open" and expired_body["expires"] == "2026-03-01"
    assert [(r["code"], r["text"]) for r in expired_body["reasons"]] == [
        ("EXPIRED", "The opening expired on 2026-03-01")
    ]


def test_an_open_opening_is_still_explained_from_the_pool_and_a_missing_one_is_404(
    api: Api, world: World
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    live = api.create_opening(h, employer)
    client = api.create_client(world.headers["spec1"])
    body = explain(api, world, client["id"], live["id"])
    assert body["suggested"] is True and body["status"] == "open" and body["rank"] >= 1
    missing = api.get(f"/clients/{client['id']}/openings/O-NOPE/explain", world.headers["spec1"])
    assert missing.status_code == 404
    theirs = api.create_client(world.headers["spec2"])
    other = api.get(f"/clients/{theirs['id']}/openings/{live['id']}/explain", world.headers["spec1"])
    assert other.status_code == 404


def test_an_opening_held_back_by_the_employer_cap_is_feasible_but_not_suggested(
    api: Api, world: World
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    titles = ("Stock clerk", "Cashier", "Shelf stocker")  # three different jobs: no near-duplicates
    same = [api.create_opening(h, employer, title=t, hourly_wage=17)["id"] for t in titles]
    client = api.create_client(world.headers["spec1"])
    bodies = [explain(api, world, client["id"], o) for o in same]
    assert all(b["feasible"] for b in bodies)
    ranked = [b for b in bodies if b["suggested"]]
    held = [b for b in bodies if not b["suggested"]]
    assert len(ranked) == 2 and all(b["rank"] > 0 for b in ranked)  # two per employer by default
    assert len(held) == 1 and held[0]["rank"] == 0
    assert "EMPLOYER_CAP" in {c["code"] for c in held[0]["concerns"]}


def test_an_excluded_opening_is_neither_feasible_nor_suggested(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    longer = api.create_opening(h, api.create_employer(h)["id"], hours_per_week=38)
    client = api.create_client(world.headers["spec1"])
    body = explain(api, world, client["id"], longer["id"])
    assert (body["feasible"], body["suggested"]) == (False, False)
