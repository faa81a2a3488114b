"""Client entry through the API in people's words: levels by name, forgiving times, all problems at once."""

from __future__ import annotations

from tests.api.conftest import Api, World, client_profile


def test_levels_by_name_and_forgiving_availability_are_stored_canonically(api: Api, world: World) -> None:
    profile = client_profile(
        availability=["Mon-Fri 9am-3pm", "Sat 10:00\u201316:00"],
        capacity={"attention": "average", "memory": "High", "stamina": 2},
    )
    response = api.post("/clients", world.headers["spec1"], json={"profile": profile})
    assert response.status_code == 201, response.json()
    stored = response.json()["profile"]
    assert stored["availability"] == [
        *(f"{day} 09:00-15:00" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")),
        "Sat 10:00-16:00",
    ]
    assert stored["capacity"] == {"attention": 3, "memory": 4, "stamina": 2}


def test_every_problem_of_a_request_is_reported_at_once_with_the_known_codes(api: Api, world: World) -> None:
    profile = client_profile(
        modes=["bus", "walk"],
        availability=["Mon-Fri 9-3", "Tue 22:00-06:00"],
        capacity={"attention": "averge", "focus": 3},
        accommodations={"quiet_room": "required"},
        max_commute_minutes=999,
        min_hours=30,
        max_hours=10,
    )
    response = api.post("/clients", world.headers["spec1"], json={"profile": profile})
    assert response.status_code == 422
    found = {tuple(e["loc"][2:]): e["msg"] for e in response.json()["detail"]}
    assert set(found) == {
        ("max_commute_minutes",),
        ("modes", 0),
        ("availability", 0),
        ("capacity", "attention"),
        ("capacity", "focus"),
        ("accommodations", "quiet_room"),
        ("min_hours",),
    }
    assert "'bus' (known: bike, car, ride, transit, walk)" in found[("modes", 0)]
    assert found[("availability", 0)].startswith("'Mon-Fri 9-3': say am or pm, e.g. 9am-3pm")
    assert "known: 1-5 or very low, low, moderate, high, very high" in found[("capacity", "attention")]
    assert "known: attention, memory" in found[("capacity", "focus")]
    assert "quiet_workspace" in found[("accommodations", "quiet_room")]


def test_a_good_update_in_forgiving_words_keeps_the_version_rules(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"])
    body = {"version": 1, "profile": client_profile(availability=["weekends noon-8pm"])}
    response = api.put(f"/clients/{created['id']}", world.headers["spec1"], json=body)
    assert response.status_code == 200, response.json()
    assert response.json()["profile"]["availability"] == ["Sat 12:00-20:00", "Sun 12:00-20:00"]
