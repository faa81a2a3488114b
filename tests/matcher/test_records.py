"""Record validation: every error names the record, the field and the value; batches survive bad records."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from matcher.errors import MatcherWarning, ValidationError
from matcher.records import (
    client_from_record,
    client_to_record,
    load_clients,
    load_openings,
    opening_from_record,
    opening_to_record,
)
from matcher.types import Need, Status, TimeWindow
from tests.matcher.worlds import client_record, opening_record, random_world


def _error(build, raw) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        build(raw)
    return info.value


@pytest.mark.parametrize(
    ("overrides", "field", "value"),
    [
        ({"accommodations": {"quiet_room": "required"}}, "accommodations.quiet_room", "quiet_room"),
        ({"accommodations": {"extra_breaks": "maybe"}}, "accommodations.extra_breaks", "maybe"),
        ({"capacity": {"memory": 9}}, "capacity.memory", 9),
        ({"capacity": {"memory": 0}}, "capacity.memory", 0),
        ({"capacity": {"memory": 2.5}}, "capacity.memory", 2.5),
        ({"capacity": {"charisma": 3}}, "capacity.charisma", "charisma"),
        ({"home": None}, "home", None),
        ({"home": {"lat": 95.0, "lon": 0.0}}, "home", {"lat": 95.0, "lon": 0.0}),
        ({"availability": ["Mon 9-5"]}, "availability", "Mon 9-5"),
        ({"availability": ["Mon 25:00-26:00"]}, "availability", "Mon 25:00-26:00"),
        ({"availability": ["Xyz 09:00-17:00"]}, "availability", "Xyz 09:00-17:00"),
        ({"availability": ["Mon 09:00-09:00"]}, "availability", "Mon 09:00-09:00"),
        ({"availability": ["Mon 09:07-17:00"]}, "availability", "Mon 09:07-17:00"),
        ({"availability": []}, "availability", []),
        ({"modes": ["teleport"]}, "modes", "teleport"),
        ({"modes": []}, "modes", []),
        ({"min_hours": 30, "max_hours": 20}, "min_hours", 30.0),
        ({"max_commute_minutes": 0}, "max_commute_minutes", 0),
        ({"wage_floor": "twelve"}, "wage_floor", "twelve"),
        ({"discloses": "yes"}, "discloses", "yes"),
        ({"priorities": {"luck": "high"}}, "priorities.luck", "luck"),
        ({"priorities": {"wage": "urgent"}}, "priorities.wage", "urgent"),
        ({"exclusions": {"colours": ["red"]}}, "exclusions", {"colours": ["red"]}),
        ({"riasec": [1, 2, 3]}, "riasec", [1, 2, 3]),
        ({"diagnosis": "anything"}, "diagnosis", "anything"),
        ({"zip": "00000", "home": None}, "zip", "00000"),
    ],
)
def test_client_errors_name_record_field_and_value(overrides, field, value) -> None:
    err = _error(client_from_record, client_record(id="C-7", **overrides))
    assert err.record == "client C-7"
    assert err.field == field
    assert err.value == value
    assert "C-7" in str(err) and repr(field) in str(err)


def test_error_message_reads_as_the_readme_example() -> None:
    err = _error(client_from_record, client_record(id="C-7", accommodations={"quiet_room": "required"}))
    assert str(err).startswith("client C-7: field 'accommodations.quiet_room' = 'quiet_room': ")
    assert "unknown accommodation code" in str(err)


@pytest.mark.parametrize(
    ("overrides", "field", "value"),
    [
        ({"location": None}, "location", None),
        ({"shifts": ["Mon 9:00-1700"]}, "shifts", "Mon 9:00-1700"),
        ({"shifts": []}, "shifts", []),
        ({"offered_to_all": ["quiet_room"]}, "offered_to_all", "quiet_room"),
        ({"on_request": ["free_lunch"]}, "on_request", "free_lunch"),
        ({"demands": {"pace": 6}}, "demands.pace", 6),
        ({"status": "paused"}, "status", "paused"),
        ({"hours_per_week": 0}, "hours_per_week", 0),
        ({"hourly_wage": -1}, "hourly_wage", -1),
        ({"positions": 1.5}, "positions", 1.5),
        ({"expires": "2026-13-01"}, "expires", "2026-13-01"),
        ({"posted": "2026-03-01", "expires": "2026-02-01"}, "expires", "2026-02-01"),
        ({"employer": ""}, "employer", ""),
        ({"salary": 100}, "salary", 100),
        ({"inferred_demands": ["pace"], "demands": {}}, "inferred_demands", ["pace"]),
    ],
)
def test_opening_errors_name_record_field_and_value(overrides, field, value) -> None:
    err = _error(opening_from_record, opening_record(id="O-9", **overrides))
    assert err.record == "opening O-9"
    assert (err.field, err.value) == (field, value)


def test_valid_records_build_the_expected_values() -> None:
    c = client_from_record(
        client_record(
            availability=["Fri 22:00-06:00", "sat 07:30-15:00"],
            accommodations={"quiet_workspace": "required"},
            capacity={"memory": 2, "pace": None},
            interests="dish washing; cooking",
        )
    )
    assert c.availability == (TimeWindow(4, 22 * 60, 6 * 60), TimeWindow(5, 450, 900))
    assert c.availability[0].minutes == 8 * 60
    until_midnight = client_from_record(client_record(availability=["Fri 20:00-23:59"]))
    assert until_midnight.availability == (TimeWindow(4, 20 * 60, 24 * 60),)  # "23:59" means midnight
    assert c.accommodations == {"quiet_workspace": Need.REQUIRED}
    assert c.capacity == {"memory": 2}  # None means unrated, not zero
    assert c.interests == ("dish washing", "cooking")
    o = opening_from_record(opening_record(remote=True, location=None, status="filled", demands={"pace": 4}))
    assert o.remote and o.location is None and o.status is Status.FILLED
    assert o.demands == {"pace": 4} and o.expires == dt.date(2026, 4, 1)


def test_zip_code_gives_a_location() -> None:
    c = client_from_record(client_record(home=None, zip="60601"))
    assert 41.5 < c.home.lat < 42.2 and -88.0 < c.home.lon < -87.3


def test_records_round_trip() -> None:
    world = random_world(1)
    for c in world.clients:
        assert client_from_record(client_to_record(c)) == c
    for o in world.openings:
        assert opening_from_record(opening_to_record(o)) == o


def test_load_clients_reports_one_bad_record_and_keeps_the_others() -> None:
    raws = [client_record(id=f"C-{i}") for i in range(4)]
    raws[2] = client_record(id="C-2", capacity={"memory": 7})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clients, errors = load_clients(raws)
    assert [c.id for c in clients] == ["C-0", "C-1", "C-3"]
    assert len(errors) == 1
    assert (errors[0].record, errors[0].field, errors[0].value) == ("client C-2", "capacity.memory", 7)
    assert any(issubclass(w.category, MatcherWarning) for w in caught)


def test_load_openings_reports_a_non_dict_record() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MatcherWarning)
        openings, errors = load_openings([opening_record(id="O-1"), "not a record", opening_record(id="O-3")])
    assert [o.id for o in openings] == ["O-1", "O-3"]
    assert len(errors) == 1 and errors[0].field == "(record)"
