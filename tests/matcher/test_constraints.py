"""Hard constraints: each code fires on a hand-made case, and only there; all failures are listed."""

from __future__ import annotations

import pytest

from matcher import Matcher
from matcher.constraints import Failed, flag_names
from matcher.types import Client, Opening
from tests.matcher import worlds


def codes(client: Client, opening: Opening, **kwargs) -> set[str]:
    matcher = Matcher().fit([opening], as_of=worlds.AS_OF)
    return set(flag_names(int(matcher.score([client], **kwargs).codes[0, 0])))


def test_the_baseline_pair_is_feasible() -> None:
    assert codes(worlds.client(), worlds.opening()) == set()


CASES = [
    # (client overrides, opening overrides, expected codes)
    ({}, {"status": "filled"}, {"NOT_OPEN"}),
    ({}, {"status": "closed"}, {"NOT_OPEN"}),
    ({}, {"expires": "2026-03-01"}, {"EXPIRED"}),
    ({}, {"expires": worlds.AS_OF.isoformat()}, set()),  # expires today: still open today
    ({"max_commute_minutes": 20}, {}, {"COMMUTE_TOO_LONG"}),
    ({"availability": ["Mon 08:00-14:00"]}, {}, {"SCHEDULE_OUTSIDE_AVAILABILITY"}),
    ({"availability": ["Mon 08:00-14:00", "Wed 09:00-13:00"]}, {}, set()),
    ({"min_hours": 25}, {}, {"HOURS_OUT_OF_RANGE"}),
    ({"max_hours": 19.5}, {}, {"HOURS_OUT_OF_RANGE"}),
    ({"min_hours": 20, "max_hours": 20}, {}, set()),
    ({"wage_floor": 15.01}, {}, {"WAGE_BELOW_FLOOR"}),
    ({"wage_floor": 15.0}, {}, set()),
    ({"earnings_cap": 1000.0}, {}, {"EARNINGS_ABOVE_CAP"}),  # 15 x 20 x 4.345 = 1303.50
    ({"earnings_cap": 1303.5}, {}, set()),
    ({"accommodations": {"quiet_workspace": "required"}}, {}, {"REQUIRED_ACCOMMODATION_UNAVAILABLE"}),
    ({"accommodations": {"quiet_workspace": "required"}}, {"offered_to_all": ["quiet_workspace"]}, set()),
    ({"accommodations": {"quiet_workspace": "preferred"}}, {}, set()),
    ({"exclusions": {"industries": ["restaurants"]}}, {}, {"EXCLUDED_INDUSTRY"}),
    ({"exclusions": {"industries": ["hotel"]}}, {}, set()),
    ({"exclusions": {"employers": ["lakeview diner"]}}, {}, {"EXCLUDED_EMPLOYER"}),
    ({"exclusions": {"employers": ["Northside Grocers"]}}, {}, set()),
    ({"exclusions": {"keywords": ["dishes"]}}, {}, {"EXCLUDED_KEYWORD"}),
    ({"exclusions": {"keywords": ["friendly team"]}}, {}, {"EXCLUDED_KEYWORD"}),
    ({"exclusions": {"keywords": ["night"]}}, {}, set()),
    ({"exclusions": {"keywords": ["friendly night"]}}, {}, set()),  # every word must occur
    ({"avoid_background_check": True}, {"background_check": True}, {"BACKGROUND_CHECK"}),
    ({"avoid_background_check": True}, {"background_check": True, "fair_chance": True}, set()),
    ({}, {"background_check": True}, set()),
    # zero exclusion: the lowest capacity against the highest demands is never a constraint
    (
        {"capacity": dict.fromkeys(worlds.DIMENSIONS, 1)},
        {"demands": dict.fromkeys(worlds.DIMENSIONS, 5)},
        set(),
    ),
]


@pytest.mark.parametrize(("client_kw", "opening_kw", "expected"), CASES)
def test_each_constraint_fires_on_its_own_case(client_kw, opening_kw, expected) -> None:
    assert codes(worlds.client(**client_kw), worlds.opening(**opening_kw)) == expected


@pytest.mark.parametrize(
    ("discloses", "offered", "on_request", "not_possible", "feasible"),
    [
        (False, [], ["quiet_workspace"], [], False),  # on request needs disclosure
        (True, [], ["quiet_workspace"], [], True),
        (False, ["quiet_workspace"], [], [], True),  # offered to everyone: no disclosure needed
        (True, [], [], [], True),  # not stated: a question to ask, not a wall
        (False, [], [], [], False),  # ... but without disclosure only what all get counts
        (True, [], [], ["quiet_workspace"], False),  # the employer says it is not possible
        (False, [], [], ["quiet_workspace"], False),
    ],
)
def test_disclosure_decides_whether_on_request_accommodations_count(
    discloses: bool, offered: list[str], on_request: list[str], not_possible: list[str], feasible: bool
) -> None:
    client = worlds.client(accommodations={"quiet_workspace": "required"}, discloses=discloses)
    opening = worlds.opening(offered_to_all=offered, on_request=on_request, not_possible=not_possible)
    assert (codes(client, opening) == set()) is feasible


def test_rejected_by_specialist_via_blocked() -> None:
    client, opening = worlds.client(), worlds.opening()
    assert codes(client, opening, blocked={client.id: [opening.id]}) == {"REJECTED_BY_SPECIALIST"}
    assert codes(client, opening, blocked={"C-other": [opening.id], client.id: ["O-unknown"]}) == set()


def test_every_failed_constraint_is_listed() -> None:
    client = worlds.client(
        max_commute_minutes=20,
        min_hours=25,
        wage_floor=20.0,
        earnings_cap=500.0,
        accommodations={"job_coach": "required"},
        avoid_background_check=True,
        exclusions={"industries": ["food"]},
    )
    opening = worlds.opening(status="closed", expires="2026-03-01", background_check=True)
    got = codes(client, opening, blocked={client.id: [opening.id]})
    assert got == {f.name for f in Failed} - {
        "SCHEDULE_OUTSIDE_AVAILABILITY",
        "EXCLUDED_EMPLOYER",
        "EXCLUDED_KEYWORD",
    }


def test_keyword_and_employer_exclusions_are_both_listed() -> None:
    """An opening from an excluded employer that also mentions an excluded word fails both."""
    client = worlds.client(exclusions={"employers": ["Lakeview Diner"], "keywords": ["dishes"]})
    assert codes(client, worlds.opening()) == {"EXCLUDED_EMPLOYER", "EXCLUDED_KEYWORD"}


def test_keyword_matching_the_employer_name_counts_as_a_keyword() -> None:
    client = worlds.client(exclusions={"keywords": ["diner"]})
    assert codes(client, worlds.opening(description="Wash pots.")) == {"EXCLUDED_KEYWORD"}


def test_flags_have_stable_codes() -> None:
    assert [f.name for f in Failed] == [
        "NOT_OPEN",
        "EXPIRED",
        "COMMUTE_TOO_LONG",
        "SCHEDULE_OUTSIDE_AVAILABILITY",
        "HOURS_OUT_OF_RANGE",
        "WAGE_BELOW_FLOOR",
        "EARNINGS_ABOVE_CAP",
        "REQUIRED_ACCOMMODATION_UNAVAILABLE",
        "EXCLUDED_INDUSTRY",
        "EXCLUDED_EMPLOYER",
        "EXCLUDED_KEYWORD",
        "BACKGROUND_CHECK",
        "REJECTED_BY_SPECIALIST",
    ]


def test_a_remote_job_meets_a_required_remote_work_need_without_listing_it() -> None:
    client = worlds.client(accommodations={"remote_work": "required"}, discloses=False)
    remote = worlds.opening(location=None, remote=True, offered_to_all=[])
    onsite = worlds.opening(offered_to_all=[])
    assert codes(client, remote) == set()
    assert codes(client, onsite) == {"REQUIRED_ACCOMMODATION_UNAVAILABLE"}
