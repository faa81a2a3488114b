"""Unknown terms of an opening: recorded as unknown, never failing, asked about, scored neutrally.

Shifts, weekly hours, pay and (below a city) the location may be missing from a
real posting. Each rule reading them answers pass / fail / unknown; an unknown
is a concern with a question and a stable code (``matcher.constraints.Unknown``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher import FACTORS, Matcher
from matcher.constraints import RULES, UNDECIDABLE, Failed, Unknown, flag_names, unknown_codes_at
from matcher.errors import ValidationError
from matcher.messages import UNKNOWN, availability_text
from matcher.records import opening_from_record, opening_to_record
from matcher.serialize import exclusion_to_dict, suggestion_to_dict
from matcher.types import Client, Exclusion, LocationPrecision, Opening, Suggestion, TimeWindow
from tests.matcher import worlds

NARROW = {"availability": ["Mon 08:00-14:00"]}  # outside the baseline's Wednesday shift
STATE_ONLY = {"location": None, "location_precision": "state"}


def verdicts(client: Client, opening: Opening) -> tuple[set[str], set[str]]:
    """(failed codes, unknown codes) of one pair."""
    matcher = Matcher().fit([opening], as_of=worlds.AS_OF)
    block = matcher.score([client])
    unknown = unknown_codes_at(block.clients, matcher.index, np.array([0]), np.array([0]))
    return set(flag_names(int(block.codes[0, 0]))), set(flag_names(int(unknown[0]), Unknown))


def explained(client: Client, opening: Opening) -> Suggestion | Exclusion:
    return Matcher().fit([opening], as_of=worlds.AS_OF).explain(client, opening.id)


def concerns(result: Suggestion | Exclusion) -> dict[str, str]:
    assert isinstance(result, Suggestion), getattr(result, "codes", None)
    return {r.code: r.text for r in result.concerns}


# ----- records


def test_a_posting_may_leave_shifts_hours_and_pay_unstated() -> None:
    raw = worlds.opening_record(shifts=None, hourly_wage=None)
    del raw["hours_per_week"]
    o = opening_from_record(raw)
    assert (o.shifts, o.hours_per_week, o.hourly_wage) == (None, None, None)
    back = opening_to_record(o)
    assert (back["shifts"], back["hours_per_week"], back["hourly_wage"]) == (None, None, None)
    assert opening_from_record(back) == o


def test_an_existing_record_keeps_its_form_and_meaning() -> None:
    """No new keys appear in a record that states everything, and the location stays exact."""
    o = opening_from_record(worlds.opening_record())
    assert o.location_precision is LocationPrecision.EXACT and o.located
    assert "location_precision" not in opening_to_record(o)
    assert opening_from_record(opening_to_record(o)) == o


def test_a_state_alone_is_an_unknown_location() -> None:
    o = opening_from_record(worlds.opening_record(**STATE_ONLY))
    assert o.location is None and not o.located
    assert opening_to_record(o)["location_precision"] == "state"
    city = opening_from_record(worlds.opening_record(location_precision="city", location_uncertainty_km=5.5))
    assert city.located and city.location_uncertainty_km == 5.5


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"location_precision": "state"}, "location_precision"),  # a state with a point given
        ({"location_precision": "street"}, "location_precision"),
        ({"location": None}, "location"),  # exact (the default) still needs a place
        ({"shifts": []}, "shifts"),  # an empty list is not "not stated"
    ],
)
def test_unknown_is_stated_on_purpose(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        opening_from_record(worlds.opening_record(**overrides))
    assert err.value.field == field


# ----- constraints: pass / fail / unknown

CASES = [
    # (client overrides, opening overrides, failed, unknown)
    (NARROW, {"shifts": None}, set(), {"SHIFTS_NOT_STATED"}),
    ({"min_hours": 25}, {"hours_per_week": None}, set(), {"HOURS_NOT_STATED"}),
    ({"wage_floor": 15.01}, {"hourly_wage": None}, set(), {"WAGE_NOT_STATED"}),
    ({"wage_floor": 0.0}, {"hourly_wage": None}, set(), set()),  # no floor: no rule undecided
    ({"earnings_cap": 1000.0}, {"hourly_wage": None}, set(), {"WAGE_NOT_STATED", "EARNINGS_NOT_KNOWN"}),
    ({"earnings_cap": 1000.0}, {"hours_per_week": None}, set(), {"HOURS_NOT_STATED", "EARNINGS_NOT_KNOWN"}),
    ({"max_commute_minutes": 5}, STATE_ONLY, set(), {"LOCATION_NOT_STATED"}),
    ({}, {"remote": True, **STATE_ONLY}, set(), set()),  # remote: no commute to know
    # an unknown beside a real failure: the failure excludes, the unknown is not a reason
    ({"min_hours": 25}, {"shifts": None}, {"HOURS_OUT_OF_RANGE"}, {"SHIFTS_NOT_STATED"}),
    # stated values still fail as before
    (NARROW, {}, {"SCHEDULE_OUTSIDE_AVAILABILITY"}, set()),
    ({"max_commute_minutes": 20}, {}, {"COMMUTE_TOO_LONG"}, set()),
]


@pytest.mark.parametrize(("client_kw", "opening_kw", "failed", "unknown"), CASES)
def test_each_rule_answers_pass_fail_or_unknown(
    client_kw: dict[str, Any], opening_kw: dict[str, Any], failed: set[str], unknown: set[str]
) -> None:
    assert verdicts(worlds.client(**client_kw), worlds.opening(**opening_kw)) == (failed, unknown)


def test_an_unknown_is_not_a_why_not_reason() -> None:
    result = explained(worlds.client(min_hours=25), worlds.opening(shifts=None))
    assert isinstance(result, Exclusion) and result.codes == ("HOURS_OUT_OF_RANGE",)
    assert [q.code for q in result.questions] == ["SHIFTS_NOT_STATED"]  # asked beside the reason
    assert exclusion_to_dict(result)["questions"][0]["code"] == "SHIFTS_NOT_STATED"
    # the same opening for a client it fits otherwise: suggested, with the question
    assert "SHIFTS_NOT_STATED" in concerns(explained(worlds.client(**NARROW), worlds.opening(shifts=None)))


def test_the_unknown_codes_line_up_with_the_rules_they_leave_open() -> None:
    assert {r.code.name for r in UNDECIDABLE} == {
        "COMMUTE_TOO_LONG",
        "SCHEDULE_OUTSIDE_AVAILABILITY",
        "HOURS_OUT_OF_RANGE",
        "WAGE_BELOW_FLOOR",
        "EARNINGS_ABOVE_CAP",
        "REQUIRED_ACCOMMODATION_UNAVAILABLE",
    }
    for rule in UNDECIDABLE:
        assert int(rule.unknown_code) == int(rule.code)
    assert int(Unknown.LOCATION_APPROXIMATE) not in {int(f) for f in Failed}
    assert {u.name for u in Unknown} == set(UNKNOWN)  # each has its question
    assert all(r.unknown is None for r in RULES if r not in UNDECIDABLE)


# ----- the questions


def test_questions_are_phrased_from_the_clients_limits() -> None:
    weekdays = [f"{d} 09:00-13:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")]
    client = worlds.client(availability=weekdays, min_hours=10, max_hours=20, wage_floor=16.5)
    opening = worlds.opening(shifts=None, hours_per_week=None, hourly_wage=None)
    asked = concerns(explained(client, opening))
    assert asked["SHIFTS_NOT_STATED"] == (
        "Shift times not stated — ask the employer whether "
        "weekday mornings (Mon-Fri 09:00-13:00) are possible"
    )
    assert asked["HOURS_NOT_STATED"] == "Weekly hours not stated — ask whether 10-20 hours a week is possible"
    assert asked["WAGE_NOT_STATED"] == "Pay not stated — ask whether it is at least $16.50 an hour"
    assert "SCHEDULE_FIT" not in {r.code for r in explained(client, opening).reasons}


def test_pay_is_asked_about_against_the_minimum_wage_without_a_floor() -> None:
    asked = concerns(explained(worlds.client(wage_floor=0.0), worlds.opening(hourly_wage=None)))
    assert asked["WAGE_NOT_STATED"] == "Pay not stated — ask whether it is at least $7.25 an hour"


def test_location_questions() -> None:
    client = worlds.client()
    unknown = concerns(explained(client, worlds.opening(**STATE_ONLY)))
    assert (
        unknown["LOCATION_NOT_STATED"]
        == "Location not stated (only the state is known) — ask where the work is"
    )
    city = concerns(explained(client, worlds.opening(location_precision="city")))
    assert (
        city["LOCATION_APPROXIMATE"] == "Only the city is known: the commute is an estimate within about 8 km"
    )
    assert "LOCATION_APPROXIMATE" not in concerns(explained(client, worlds.opening()))


def test_earnings_question_names_what_is_missing() -> None:
    asked = concerns(explained(worlds.client(earnings_cap=1000.0), worlds.opening(hourly_wage=None)))
    assert asked["EARNINGS_NOT_KNOWN"].startswith("Monthly earnings unknown (pay not stated)")
    assert "$1,000.00/month" in asked["EARNINGS_NOT_KNOWN"]


@pytest.mark.parametrize(
    ("windows", "text"),
    [
        (["Mon 09:00-13:00", "Tue 09:00-13:00"], "Mon, Tue mornings (09:00-13:00)"),
        (["Sat 13:00-17:00", "Sun 13:00-17:00"], "weekend afternoons (Sat, Sun 13:00-17:00)"),
        (["Thu 18:00-22:00"], "Thursday evenings (18:00-22:00)"),
        (["Mon 08:00-17:00", "Fri 22:00-06:00"], "Mon 08:00-17:00 or Fri 22:00-06:00"),
        ([], "the client's hours"),
    ],
)
def test_availability_in_words(windows: list[str], text: str) -> None:
    client = worlds.client(availability=windows) if windows else None
    parsed: tuple[TimeWindow, ...] = client.availability if client else ()
    assert availability_text(parsed) == text


def test_shortlist_dicts_carry_the_unknown_codes_with_evidence() -> None:
    result = explained(worlds.client(**NARROW), worlds.opening(shifts=None, hourly_wage=None))
    assert isinstance(result, Suggestion)
    d = suggestion_to_dict(result)
    assert d["unknowns"] == ["SHIFTS_NOT_STATED", "WAGE_NOT_STATED"]
    shifts = next(c for c in d["concerns"] if c["code"] == "SHIFTS_NOT_STATED")
    assert shifts["evidence"] == {"unknown": "shifts", "availability": ["Mon 08:00-14:00"]}
    assert shifts["factor"] == "schedule"
    stated = explained(worlds.client(), worlds.opening())
    assert isinstance(stated, Suggestion) and suggestion_to_dict(stated)["unknowns"] == []


# ----- ranking: a documented neutral value, never the best case


def factors(client: Client, opening: Opening) -> dict[str, float]:
    result = explained(client, opening)
    assert isinstance(result, Suggestion)
    return result.factors


def test_unknowns_score_the_neutral_values_of_the_config() -> None:
    """Shown factors have four decimals."""
    client = worlds.client(min_hours=10, max_hours=30)  # middle 20 h, half-range 10, tolerance 5
    known = factors(client, worlds.opening())  # 20 h/week: the middle, schedule fit 1
    assert known["schedule"] == pytest.approx(1.0)
    assert factors(client, worlds.opening(hours_per_week=None))["schedule"] == pytest.approx(
        1 - 10 / 15, abs=1e-4
    )
    assert factors(client, worlds.opening(shifts=None))["schedule"] == pytest.approx(0.5)
    assert factors(client, worlds.opening(hourly_wage=None))["wage"] == pytest.approx(0.25)
    assert factors(client, worlds.opening(**STATE_ONLY))["commute"] == pytest.approx(0.2)
    city = factors(client, worlds.opening(location_precision="city"))["commute"]
    assert city == pytest.approx(known["commute"] - 8 * 0.005, abs=1e-4)  # the default 8 km radius


def test_an_unknown_never_outranks_the_same_opening_with_a_passing_value() -> None:
    client = worlds.client()
    stated = worlds.opening(id="O-stated")
    unstated = worlds.opening(id="O-unstated", shifts=None, hours_per_week=None, hourly_wage=None)
    matcher = Matcher().fit([stated, unstated], as_of=worlds.AS_OF)
    (shortlist,) = matcher.recommend([client])
    assert [s.opening_id for s in shortlist.suggestions] == ["O-stated", "O-unstated"]
    by_id = {s.opening_id: s for s in shortlist.suggestions}
    for f in FACTORS:
        assert by_id["O-unstated"].factors[f] <= by_id["O-stated"].factors[f] + 1e-12, f


@pytest.mark.parametrize("modes", [["ride"], ["car", "transit"], ["transit", "walk"]])
def test_unstated_shifts_score_the_commute_of_the_slowest_passing_shift(modes: list[str]) -> None:
    """Rush hour slows a road trip and service hours stop transit: the unknown takes the worst of them.

    Stating any half-hour shift the commute passes never lowers the commute factor, and the
    slowest of them is what the unstated opening gets (a shift could start at any hour).
    """
    every_day = [f"{day} 00:00-23:59" for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    client = worlds.client(modes=modes, availability=every_day, max_commute_minutes=75)
    far = {"lat": worlds.CENTRE[0] + 0.1, "lon": worlds.CENTRE[1]}  # about 11 km
    unstated = factors(client, worlds.opening(location=far, shifts=None))["commute"]
    stated = []
    for hour in range(24):
        result = explained(client, worlds.opening(location=far, shifts=[f"Mon {hour:02d}:00-{hour:02d}:30"]))
        if isinstance(result, Suggestion):
            stated.append(result.factors["commute"])
    assert len(stated) > 1
    assert unstated <= min(stated) + 1e-12
    assert unstated == pytest.approx(min(stated), abs=1e-4)
