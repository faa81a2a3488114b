"""Placements as IPS counts them: the job, pay, hours, competitive integrated, start and end.

A placement is prefilled from its opening, takes the opening off the client's shortlist and
counts against the opening's positions: once they are all taken it is suggested to no one.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, World


def _place(api: Api, world: World, client_id: str, **body: Any) -> Any:
    return api.post(f"/clients/{client_id}/placements", world.headers["spec1"], json=body)


def _suggested(api: Api, world: World, client_id: str, employer_id: str) -> set[str]:
    params = {"k": 20, "employer_id": employer_id}
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"], params=params)
    assert response.status_code == 200, response.text
    return {s["opening_id"] for s in response.json()["suggestions"]}


def test_a_placement_is_prefilled_from_its_opening(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"], name="Corner Bakery")
    opening = api.create_opening(
        world.headers["liaison1"], employer["id"], title="Baker", hourly_wage=17.25, hours_per_week=24
    )
    client = api.create_client(world.headers["spec1"])
    response = _place(api, world, client["id"], opening_id=opening["id"], start_date="2026-03-16")
    assert response.status_code == 201, response.text
    row = response.json()
    assert row["job_title"] == "Baker" and row["employer_name"] == "Corner Bakery"
    assert row["hourly_wage"] == 17.25 and row["weekly_hours"] == 24
    assert row["competitive_integrated"] is True  # the default
    assert row["end_date"] is None and row["separation_reason"] is None


def test_what_the_specialist_records_wins_and_an_ending_is_recorded(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"], positions=5)
    client = api.create_client(world.headers["spec1"])
    given = {
        "job_title": "Prep cook",
        "employer_name": "Corner Bakery (west site)",
        "hourly_wage": 18.0,
        "weekly_hours": 15,
        "competitive_integrated": False,
    }
    response = _place(api, world, client["id"], opening_id=opening["id"], start_date="2026-03-16", **given)
    assert response.status_code == 201, response.text
    row = response.json()
    assert {k: row[k] for k in given} == given
    ended = {
        "version": 1,
        "end_date": "2026-09-30",
        "separation_reason": "quit_better_job",
        "weekly_hours": 20,
    }
    patched = api.patch(f"/clients/{client['id']}/placements/{row['id']}", world.headers["spec1"], json=ended)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["end_date"] == "2026-09-30" and body["separation_reason"] == "quit_better_job"
    assert body["weekly_hours"] == 20 and body["job_title"] == "Prep cook"  # what was not sent is kept
    # The outcome event carries the IPS fields (auditors review outcomes).
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": client["id"], "kind": "outcome"}
    ).json()["data"]
    assert events[-1]["payload"]["weekly_hours"] == 20
    assert events[-1]["payload"]["competitive_integrated"] is False


def test_wage_and_hours_are_checked(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"])
    client = api.create_client(world.headers["spec1"])
    for field, value in (("hourly_wage", -1), ("weekly_hours", 0), ("weekly_hours", 81)):
        response = _place(
            api, world, client["id"], opening_id=opening["id"], start_date="2026-03-16", **{field: value}
        )
        assert response.status_code == 422, (field, value)
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert api.get(f"/clients/{client['id']}/placements", world.headers["spec1"]).json()["count"] == 0


def test_the_placed_opening_leaves_the_clients_shortlist_but_not_others(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    placed = api.create_opening(world.headers["liaison1"], employer["id"], positions=3)
    other = api.create_opening(world.headers["liaison1"], employer["id"], positions=3)
    client, neighbour = api.create_client(world.headers["spec1"]), api.create_client(world.headers["spec1"])
    assert {placed["id"], other["id"]} <= _suggested(api, world, client["id"], employer["id"])
    assert (
        _place(api, world, client["id"], opening_id=placed["id"], start_date="2026-03-16").status_code == 201
    )
    assert _suggested(api, world, client["id"], employer["id"]) == {other["id"]}
    assert placed["id"] in _suggested(api, world, neighbour["id"], employer["id"])  # positions left
    assert api.get(f"/openings/{placed['id']}", world.headers["liaison1"]).json()["status"] == "open"


def test_when_placements_fill_every_position_the_opening_is_filled(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"], positions=2)
    first, second, third = (api.create_client(world.headers["spec1"]) for _ in range(3))
    assert (
        _place(api, world, first["id"], opening_id=opening["id"], start_date="2026-03-16").status_code == 201
    )
    assert api.get(f"/openings/{opening['id']}", world.headers["liaison1"]).json()["status"] == "open"
    assert opening["id"] in _suggested(api, world, third["id"], employer["id"])
    assert (
        _place(api, world, second["id"], opening_id=opening["id"], start_date="2026-03-23").status_code == 201
    )
    assert api.get(f"/openings/{opening['id']}", world.headers["liaison1"]).json()["status"] == "filled"
    assert opening["id"] not in _suggested(api, world, third["id"], employer["id"])
    # The trail says who filled it, and why it closed: the same status event a liaison's fill writes.
    events = api.get(
        "/audit/events",
        world.headers["auditor"],
        params={"opening_id": opening["id"], "kind": "opening.status"},
    ).json()["data"]
    assert [e["payload"]["status"] for e in events] == ["filled"]


def test_a_job_found_outside_the_openings_is_counted_with_what_it_is(api: Api, world: World) -> None:
    client = api.create_client(world.headers["spec1"])
    missing = _place(
        api, world, client["id"], start_date="2026-04-06", employer_name="Milwaukee Ave Hardware"
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "job_title"]
    job = {
        "job_title": "Stock clerk",
        "employer_name": "Milwaukee Ave Hardware",
        "hourly_wage": 16,
        "weekly_hours": 12,
    }
    response = _place(api, world, client["id"], start_date="2026-04-06", **job)
    assert response.status_code == 201, response.text
    row = response.json()
    assert (
        row["opening_id"] is None
        and row["job_title"] == "Stock clerk"
        and row["competitive_integrated"] is True
    )
    verified = api.get("/audit/verify", world.headers["auditor"]).json()
    assert "placement" not in verified["message"]  # the row and its outcome event agree
