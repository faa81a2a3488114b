"""Client entry through the API in people's words: levels by name, forgiving times, all problems at once."""

from __future__ import annotations

from api.clients import check_client
from api.convert import client_record
from api.web.caseload_form import body_of, dimensions, values_of
from matcher.vocab import load_vocabulary
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


def test_the_forms_exact_times_take_the_same_forgiving_forms() -> None:
    values = {"profile.zip": "60647", "profile.modes": ["walk"], "times.Wed": "9am-1pm, 5.30pm-8pm"}
    body, _ = body_of(values)
    parsed, problems = check_client(body, update=False)
    assert problems == [] and parsed is not None
    record = client_record(parsed.profile, client_id="C-1")
    assert record["availability"] == ["Wed 09:00-13:00", "Wed 17:30-20:00"]
    assert values_of("", record)["times.Wed"] == "09:00-13:00, 17:30-20:00"


def test_the_form_asks_the_vocabularys_questions_in_its_level_names() -> None:
    vocab = load_vocabulary()
    for dim in dimensions():
        assert dim.question == vocab.capacity_questions[dim.code]
        assert [words.split(" (")[0].lower() for value, words in dim.options if value] == list(
            vocab.level_labels.values()
        )
