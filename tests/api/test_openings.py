"""Employers and openings (liaison): assignment, versions, status, near-duplicates, expiry."""

from __future__ import annotations

import pytest

from tests.api.conftest import AS_OF, NEARBY, Api, World, opening_details


def test_creator_manages_the_employer_and_others_get_404(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"], name="Corner Bakery")
    assert employer["id"].startswith("E-") and employer["version"] == 1
    mine = api.get("/employers", world.headers["liaison1"]).json()["data"]
    assert employer["id"] in {e["id"] for e in mine}
    assert employer["id"] not in {
        e["id"] for e in api.get("/employers", world.headers["liaison2"]).json()["data"]
    }
    other = api.get(f"/employers/{employer['id']}", world.headers["liaison2"])
    missing = api.get("/employers/E-MISSING", world.headers["liaison2"])
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() == {"detail": "Employer not found"}


def test_admin_assignment_gives_another_liaison_access(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"])
    body = {"liaison_ids": [world.users["liaison2"].id]}
    response = api.put(f"/assignments/employers/{employer['id']}", world.headers["admin"], json=body)
    assert response.status_code == 200 and response.json()["liaison_ids"] == [world.users["liaison2"].id]
    assert api.get(f"/openings/{opening['id']}", world.headers["liaison2"]).status_code == 200
    assert api.get(f"/openings/{opening['id']}", world.headers["liaison1"]).status_code == 404
    bad = {"liaison_ids": [world.users["spec1"].id]}
    refused = api.put(f"/assignments/employers/{employer['id']}", world.headers["admin"], json=bad)
    assert refused.status_code == 400 and "not an active liaison" in refused.json()["detail"]


def test_employer_update_checks_version_and_renames_openings(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Old Name")
    opening = api.create_opening(h, employer["id"])
    body = {"name": "New Name", "industry": "retail", "version": 1}
    assert api.put(f"/employers/{employer['id']}", h, json=body).json()["version"] == 2
    assert api.put(f"/employers/{employer['id']}", h, json=body).status_code == 409
    assert api.get(f"/openings/{opening['id']}", h).json()["employer_name"] == "New Name"


def test_opening_create_read_update(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    opening = api.create_opening(h, employer["id"], title="Dog walker", hourly_wage=18)
    assert opening["id"].startswith("O-") and opening["status"] == "open"
    assert opening["details"]["posted"] == AS_OF.isoformat()
    assert opening["employer_name"] == employer["name"] and opening["expired"] is False
    path = f"/openings/{opening['id']}"
    update = {"version": 1, "details": opening_details(title="Dog walker", hourly_wage=19)}
    updated = api.put(path, h, json=update)
    assert updated.status_code == 200
    assert updated.json()["version"] == 2 and updated.json()["details"]["hourly_wage"] == 19
    assert updated.json()["details"]["posted"] == AS_OF.isoformat()
    assert api.put(path, h, json=update).status_code == 409


@pytest.mark.parametrize(
    ("details", "loc", "words"),
    [
        ({"shifts": ["Mon 25:00-26:00"]}, ["body", "details", "shifts"], "malformed"),
        ({"demands": {"juggling": 2}}, ["body", "details", "demands", "juggling"], "unknown"),
        ({"offered_to_all": ["free_pony"]}, ["body", "details", "offered_to_all"], "unknown"),
        (
            {"offered_to_all": ["job_coach"], "not_possible": ["job_coach"]},
            ["body", "details", "not_possible"],
            "also listed as offered",
        ),
        ({"location": None}, ["body", "details", "location"], "missing location"),
        ({"posted": "2026-03-01", "expires": "2026-02-01"}, ["body", "details", "expires"], "before"),
        ({"hourly_wage": -1}, ["body", "details", "hourly_wage"], "greater than or equal"),
    ],
)
def test_invalid_opening_is_422_naming_the_field(
    api: Api, world: World, details: dict, loc: list[str], words: str
) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    body = {"employer_id": employer["id"], "details": opening_details(**details)}
    response = api.post("/openings", world.headers["liaison1"], json=body)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == loc and words in error["msg"]


@pytest.mark.parametrize("field", ["id", "status", "employer", "created_by"])
def test_status_ids_and_owners_cannot_be_mass_assigned(api: Api, world: World, field: str) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    body = {"employer_id": employer["id"], "details": opening_details() | {field: "x"}}
    response = api.post("/openings", world.headers["liaison1"], json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "details", field]


def test_near_duplicate_is_reported_not_stored(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    first = api.create_opening(h, employer["id"], title="Line Cook - Part Time")
    moved = {"lat": NEARBY["lat"] + 0.002, "lon": NEARBY["lon"]}  # ~200 m: same site
    body = {
        "employer_id": employer["id"],
        "details": opening_details(title="Part time line cook", location=moved),
    }
    response = api.post("/openings", h, json=body)
    assert response.status_code == 409
    assert response.json() == {"detail": f"Near-duplicate of opening {first['id']}"}
    listed = api.get("/openings", h, params={"employer_id": employer["id"]}).json()
    assert listed["count"] == 1
    far = {"lat": NEARBY["lat"] + 0.1, "lon": NEARBY["lon"]}  # ~11 km: another branch
    other_site = {
        "employer_id": employer["id"],
        "details": opening_details(title="Part time line cook", location=far),
    }
    assert api.post("/openings", h, json=other_site).status_code == 201
    other_employer = api.create_employer(h)
    same_elsewhere = {"employer_id": other_employer["id"], "details": body["details"]}
    assert api.post("/openings", h, json=same_elsewhere).status_code == 201


def test_fill_close_reopen(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    opening = api.create_opening(h, employer["id"])
    path = f"/openings/{opening['id']}"
    assert api.post(f"{path}/reopen", h).status_code == 409
    filled = api.post(f"{path}/fill", h)
    assert filled.status_code == 200 and filled.json()["status"] == "filled"
    assert api.post(f"{path}/fill", h).status_code == 409
    assert api.post(f"{path}/close", h).json()["status"] == "closed"
    # While it is closed, a near-identical posting may be created; reopening then conflicts.
    twin = api.post(
        "/openings",
        h,
        json={"employer_id": employer["id"], "details": opening_details(title=opening["details"]["title"])},
    )
    assert twin.status_code == 201
    assert api.post(f"{path}/reopen", h).status_code == 409


def test_specialists_read_open_unexpired_openings_only(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    live = api.create_opening(h, employer["id"])
    expired = api.create_opening(h, employer["id"], posted="2026-01-01", expires="2026-03-01")
    filled = api.create_opening(h, employer["id"])
    api.post(f"/openings/{filled['id']}/fill", h)
    assert expired["expired"] is True and live["expired"] is False
    seen = {
        o["id"]
        for o in api.get("/openings", world.headers["spec1"], params={"employer_id": employer["id"]}).json()[
            "data"
        ]
    }
    assert seen == {live["id"]}
    assert api.get(f"/openings/{filled['id']}", world.headers["spec1"]).status_code == 200
    liaison_view = api.get("/openings", h, params={"employer_id": employer["id"]}).json()
    assert {o["id"] for o in liaison_view["data"]} == {live["id"], expired["id"], filled["id"]}


def test_opening_for_an_unmanaged_employer_is_404(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison2"])
    body = {"employer_id": employer["id"], "details": opening_details()}
    response = api.post("/openings", world.headers["liaison1"], json=body)
    assert response.status_code == 404 and response.json() == {"detail": "Employer not found"}


def test_opening_changes_are_audit_events(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    opening = api.create_opening(h, employer["id"])
    api.post(f"/openings/{opening['id']}/fill", h)
    events = api.get("/audit/events", world.headers["auditor"], params={"opening_id": opening["id"]})
    assert [e["kind"] for e in events.json()["data"]] == ["opening.created", "opening.status"]
