"""The client form's conversions: the availability grid, ability levels, accommodations, home."""

from __future__ import annotations

import pytest

from api.clients import check_client
from api.convert import client_record
from api.schemas import ClientCreate, examples
from api.web.caseload_form import (
    body_of,
    dimensions,
    field_errors,
    grid_lines,
    level_words,
    lines_grid,
    values_of,
    zip_of,
)


def test_ticked_neighbouring_parts_make_one_window_and_the_night_runs_into_the_morning() -> None:
    lines = grid_lines(
        {"Mon": ["morning", "afternoon"], "Wed": ["early", "evening"], "Fri": ["evening", "night"]},
        {"Sat": "10:00-14:00, 18:30-20:00"},
    )
    assert lines == [
        ("Mon 09:00-17:00", "grid.Mon"),
        ("Wed 06:00-09:00", "grid.Wed"),
        ("Wed 17:00-21:00", "grid.Wed"),
        ("Fri 17:00-21:00", "grid.Fri"),
        ("Fri 21:00-06:00", "grid.Fri"),
        ("Sat 10:00-14:00", "times.Sat"),
        ("Sat 18:30-20:00", "times.Sat"),
    ]


def test_stored_availability_shows_as_ticks_where_it_can_and_as_exact_times_otherwise() -> None:
    grid, times = lines_grid(
        ["Mon 09:00-17:00", "Tue 21:00-06:00", "Wed 09:30-15:00", "Thu 06:00-09:00", "Thu 12:00-21:00"]
    )
    assert grid["Mon"] == ["morning", "afternoon"]
    assert grid["Tue"] == ["night"]
    assert grid["Wed"] == [] and times["Wed"] == "09:30-15:00"
    assert grid["Thu"] == ["early", "afternoon", "evening"]
    assert times["Sun"] == ""
    # And back: the same lines (as a set: ticks come before exact times of a day).
    again = {line for line, _ in grid_lines(grid, times)}
    assert again == {
        "Mon 09:00-17:00",
        "Tue 21:00-06:00",
        "Wed 09:30-15:00",
        "Thu 06:00-09:00",
        "Thu 12:00-21:00",
    }


def test_ability_levels_are_named_from_the_vocabulary() -> None:
    by_code = {d.code: d for d in dimensions()}
    assert set(by_code) >= {"attention", "memory", "pace", "stamina"}
    assert by_code["attention"].options == (
        ("", "Not known"),
        ("1", "Very low"),
        ("2", "Low"),
        ("3", "Moderate"),
        ("4", "High"),
        ("5", "Very high"),
    )
    assert by_code["stamina"].options[1] == ("1", "Very low (about 3 hours a day)")
    assert by_code["attention"].question == "How long can the person stay focused on one task?"
    assert level_words("pace", 4) == "High" and level_words("pace", None) == "Not known"


def test_levels_accommodations_and_flags_convert_both_ways() -> None:
    values = {
        "profile.zip": "60647",
        "profile.modes": ["bike"],
        "grid.Tue": ["afternoon"],
        "profile.capacity.memory": "4",
        "profile.capacity.pace": "",
        "profile.accommodations.quiet_workspace": "required",
        "profile.accommodations.job_coach": "preferred",
        "profile.accommodations.remote_work": "",
        "profile.discloses": "no",
        "profile.receives_ssi": "yes",
    }
    profile = body_of(values)[0]["profile"]
    assert profile["capacity"] == {"memory": 4}
    assert profile["accommodations"] == {"quiet_workspace": "required", "job_coach": "preferred"}
    assert (
        profile["discloses"] is False
        and profile["receives_ssi"] is True
        and profile["receives_ssdi"] is False
    )
    assert profile["availability"] == ["Tue 12:00-17:00"]
    record = client_record(ClientCreate.model_validate({"profile": profile}).profile, client_id="C-1")
    shown = values_of("", record)
    assert shown["profile.capacity.memory"] == "4" and "profile.capacity.pace" not in shown
    assert shown["profile.accommodations.quiet_workspace"] == "required"
    assert shown["profile.accommodations.job_coach"] == "preferred"
    assert shown["profile.receives_ssi"] == "yes" and shown["profile.receives_ssdi"] == ""
    assert shown["profile.zip"] == "60647"  # the stored point is that ZIP's centre


def test_a_full_profile_survives_the_form_unchanged() -> None:
    record = client_record(
        ClientCreate.model_validate({"profile": examples.CLIENT_PROFILE}).profile, client_id="C-1"
    )
    values = values_of("D.W.", record, version=3)
    body, _ = body_of(values)
    assert body["version"] == 3 and body["label"] == "D.W."
    parsed, problems = check_client(body, update=True)
    assert problems == [] and parsed is not None
    assert client_record(parsed.profile, client_id="C-1") == record


def test_a_home_that_is_no_zip_centre_is_given_as_an_exact_location() -> None:
    record = client_record(
        ClientCreate.model_validate({"profile": examples.MINIMAL_PROFILE}).profile, client_id="C-2"
    )
    assert zip_of(record["home"]) is None
    values = values_of("", record)
    assert "profile.zip" not in values
    assert body_of(values)[0]["profile"]["home"] == {"lat": "41.7943", "lon": "-87.5907"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"times.Wed": "9-5"}, "times.Wed", "like 09:00-15:00"),
        ({"times.Wed": "09:00-09:00"}, "times.Wed", "end later than it starts"),
        ({"times.Wed": "09:07-12:00"}, "times.Wed", "5-minute steps"),
        ({"profile.zip": "6064"}, "profile.zip", "5 digits"),
        ({"profile.zip": ""}, "profile.zip", "Enter the client's ZIP code"),
        ({"profile.max_commute_minutes": "500"}, "profile.max_commute_minutes", "240 or less"),
        ({"profile.max_commute_minutes": "12.5"}, "profile.max_commute_minutes", "whole number"),
        ({"profile.riasec.0": "3"}, "profile.riasec.1", "Enter a number"),
        ({"grid.Mon": [], "grid.Tue": []}, "profile.availability", "Tick at least one"),
        ({"label": "x" * 81}, "label", "at most 80 characters"),
        ({"profile.capacity.attention": "9"}, "profile.capacity.attention", "Choose one of the levels"),
        ({"profile.exclusions.industries": "retail\ncasino"}, "profile.exclusions.industries", "keywords"),
    ],
)
def test_problems_are_put_beside_their_field_in_plain_words(changes: dict, field: str, words: str) -> None:
    values = {"profile.zip": "60647", "profile.modes": ["walk"], "grid.Mon": ["morning"]} | changes
    body, line_fields = body_of(values)
    parsed, problems = check_client(body, update=False)
    assert parsed is None
    errors = field_errors(problems, body, line_fields, values)
    assert field in errors, errors
    assert words in errors[field]


def test_numbers_show_as_typed_with_every_digit() -> None:
    profile = examples.MINIMAL_PROFILE | {
        "home": {"lat": 41.917523, "lon": -87.699712},
        "earnings_cap": 1_000_000,
    }
    record = client_record(ClientCreate.model_validate({"profile": profile}).profile, client_id="C-3")
    values = values_of("", record)
    assert values["profile.home.lat"] == "41.917523" and values["profile.home.lon"] == "-87.699712"
    assert values["profile.earnings_cap"] == "1000000" and values["profile.max_hours"] == "40"


def test_avoidance_topics_are_ticked_boxes_beside_free_keywords() -> None:
    values = {
        "profile.exclusions.topics": ["alcohol", "night work"],
        "profile.exclusions.keywords": "casino\nalcohol",
    }
    body, _ = body_of(values)
    assert body["profile"]["exclusions"]["keywords"] == ["alcohol", "night work", "casino"]
    record = {"exclusions": {"keywords": ["alcohol", "night work", "casino"]}}
    shown = values_of("D.W.", record)
    assert shown["profile.exclusions.topics"] == ["alcohol", "night work"]
    assert shown["profile.exclusions.keywords"] == "casino"
