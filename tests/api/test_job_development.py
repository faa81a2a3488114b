"""Job development by specialists: employers with contacts and openings a specialist developed.

Who sees and changes them: the specialist who recorded them and the liaisons who manage the
employer; every liaison while no liaison is assigned; an auditor never sees a contact.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.api.conftest import Api, World, opening_details

CONTACT = {
    "contact_name": "Dana Whitfield",
    "contact_phone": "(773) 555-0142 x12",
    "contact_email": "dana.whitfield@pet-lodge.example",
    "contact_address": "2817 N Milwaukee Ave, Chicago, IL 60618",
}


def _employer(api: Api, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {"name": f"Lodge {uuid.uuid4().hex[:6]}", "industry": "animal care", **CONTACT, **extra}
    response = api.post("/employers", headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _opening(api: Api, headers: dict[str, str], employer_id: str, title: str = "Kennel attendant") -> Any:
    body = {"employer_id": employer_id, "details": opening_details(title=title)}
    return api.post("/openings", headers, json=body)


def _assign(api: Api, world: World, employer_id: str, *liaisons: str) -> None:
    ids = [world.users[name].id for name in liaisons]
    response = api.put(
        f"/assignments/employers/{employer_id}", world.headers["admin"], json={"liaison_ids": ids}
    )
    assert response.status_code == 200, response.text


def _listed(api: Api, headers: dict[str, str], path: str) -> set[str]:
    response = api.get(path, headers, params={"limit": 500})
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["data"]}


def test_a_specialist_records_an_employer_with_its_contact_and_an_opening(api: Api, world: World) -> None:
    spec = world.headers["spec1"]
    employer = _employer(api, spec)
    assert {k: employer[k] for k in CONTACT} == CONTACT
    assert employer["developed_by"] == world.users["spec1"].id
    created = _opening(api, spec, employer["id"])
    assert created.status_code == 201, created.text
    opening = created.json()
    assert opening["developed_by"] == world.users["spec1"].id
    assert opening["developed_by_name"]  # the specialist's name, for the liaison's lists
    # The same validation as a liaison's: the near-duplicate rule and the engine's checks.
    again = _opening(api, spec, employer["id"], title="Kennel attendants")
    assert again.status_code == 409, again.text
    bad = api.post(
        "/openings",
        spec,
        json={"employer_id": employer["id"], "details": opening_details(title="Groomer", shifts=["Someday"])},
    )
    assert bad.status_code == 422
    assert _opening(api, spec, "E-MISSING0000").status_code == 404


def test_contact_fields_are_checked(api: Api, world: World) -> None:
    for field, value in (("contact_email", "not an address"), ("contact_phone", "call me maybe")):
        response = api.post("/employers", world.headers["spec1"], json={"name": "Checked", field: value})
        assert response.status_code == 422, (field, response.text)
        assert response.json()["detail"][0]["loc"] == ["body", field]


def test_unassigned_specialist_work_is_seen_by_every_liaison_and_changed_by_its_developer(
    api: Api, world: World
) -> None:
    employer = _employer(api, world.headers["spec1"])
    opening = _opening(api, world.headers["spec1"], employer["id"]).json()
    for liaison in ("liaison1", "liaison2"):
        h = world.headers[liaison]
        assert employer["id"] in _listed(api, h, "/employers")
        assert api.get(f"/employers/{employer['id']}", h).json()["contact_name"] == CONTACT["contact_name"]
        assert opening["id"] in _listed(api, h, "/openings")
        assert api.get(f"/openings/{opening['id']}", h).status_code == 200
        # Seen, not managed: no liaison manages it yet, so only its developer changes it.
        update = {
            "version": opening["version"],
            "details": opening_details(title="Kennel attendant", hourly_wage=18),
        }
        assert api.put(f"/openings/{opening['id']}", h, json=update).status_code == 403
    # Its developer may change it; another specialist reads it but may not.
    update = {"version": 1, "details": opening_details(title="Kennel attendant", hourly_wage=18)}
    assert api.put(f"/openings/{opening['id']}", world.headers["spec2"], json=update).status_code == 403
    changed = api.put(f"/openings/{opening['id']}", world.headers["spec1"], json=update)
    assert changed.status_code == 200, changed.text
    assert changed.json()["details"]["hourly_wage"] == 18
    renamed = {
        "name": employer["name"],
        "version": employer["version"],
        **CONTACT,
        "contact_name": "Sam Ortiz",
    }
    assert api.put(f"/employers/{employer['id']}", world.headers["spec2"], json=renamed).status_code == 403
    assert api.put(f"/employers/{employer['id']}", world.headers["spec1"], json=renamed).status_code == 200


def test_an_assigned_employers_specialist_opening_is_its_liaisons_only(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])  # liaison1 manages it
    created = _opening(api, world.headers["spec1"], employer["id"])
    assert created.status_code == 201, created.text
    opening = created.json()
    assert opening["id"] in _listed(api, world.headers["liaison1"], "/openings")
    assert opening["id"] not in _listed(api, world.headers["liaison2"], "/openings")
    assert api.get(f"/openings/{opening['id']}", world.headers["liaison2"]).status_code == 404
    # The managing liaison and the developer may edit it; the other liaison does not see it.
    for who, version in (("liaison1", 1), ("spec1", 2)):
        update = {
            "version": version,
            "details": opening_details(title="Kennel attendant", hourly_wage=17 + version),
        }
        response = api.put(f"/openings/{opening['id']}", world.headers[who], json=update)
        assert response.status_code == 200, (who, response.text)
    update = {"version": 3, "details": opening_details(title="Kennel attendant")}
    assert api.put(f"/openings/{opening['id']}", world.headers["liaison2"], json=update).status_code == 404
    assert api.post(f"/openings/{opening['id']}/fill", world.headers["liaison1"]).status_code == 200


def test_assigning_a_liaison_hides_the_employer_from_the_others(api: Api, world: World) -> None:
    employer = _employer(api, world.headers["spec1"])
    opening = _opening(api, world.headers["spec1"], employer["id"]).json()
    _assign(api, world, employer["id"], "liaison2")
    assert employer["id"] not in _listed(api, world.headers["liaison1"], "/employers")
    assert opening["id"] not in _listed(api, world.headers["liaison1"], "/openings")
    assert employer["id"] in _listed(api, world.headers["liaison2"], "/employers")
    update = {"version": 1, "details": opening_details(title="Kennel attendant", hourly_wage=19)}
    assert api.put(f"/openings/{opening['id']}", world.headers["liaison2"], json=update).status_code == 200


def test_an_auditor_sees_no_contact_anywhere(api: Api, world: World) -> None:
    employer = _employer(api, world.headers["spec1"])
    opening = _opening(api, world.headers["spec1"], employer["id"]).json()
    client = api.create_client(world.headers["spec1"])
    shown = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"])
    assert shown.status_code == 200
    h = world.headers["auditor"]
    assert api.get("/employers", h).status_code == 403
    assert api.get(f"/employers/{employer['id']}", h).status_code == 403
    assert api.get(f"/openings/{opening['id']}", h).status_code == 403
    seen = [
        api.get("/audit/events", h, params={"limit": 1000}).text,
        api.get("/audit/events/export", h).text,
        api.get("/audit/recommendations", h, params={"client_id": client["id"]}).text,
    ]
    record_id = shown.json()["recommendation_id"]
    seen.append(api.get(f"/audit/recommendations/{record_id}", h).text)
    for text in seen:
        for value in CONTACT.values():
            assert value not in text
    assert any(employer["id"] in text for text in seen)  # the trail does record who added it
