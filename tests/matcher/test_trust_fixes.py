"""Explanations say only what the data shows: adjacent alias words, known demands, honest minutes, the
posting's own words (the review of 2026-12-03)."""

from __future__ import annotations

import math

import pytest

from matcher import Matcher
from matcher.commute import mode_minutes
from matcher.config import MatcherConfig
from matcher.types import Exclusion, Opening, Suggestion
from matcher.vocab import load_vocabulary, quote_in_text
from tests.matcher import worlds

VOCAB = load_vocabulary()
DIMS = VOCAB.dimensions


def explain(client: object, opening: Opening) -> Suggestion | Exclusion:
    return Matcher().fit([opening], as_of=worlds.AS_OF).explain(client, opening.id)  # type: ignore[arg-type]


def areas(text: str) -> set[str]:
    return {m.code for m in VOCAB.work_areas.find_in_job_text(text)}


@pytest.mark.parametrize(
    ("text", "not_there"),
    [
        ("Customer Care Associate - Day Shift", "child_care"),  # "day care" from scattered words
        ("Lawn Care Technician - Day Shift Grounds maintenance", "child_care"),
        ("Team Member AM Shift Food service", "customer_service"),  # "member service"
        ("Food Pantry Assistant Social services", "food_service"),  # "food service"
    ],
)
def test_a_multi_word_alias_needs_its_words_together(text: str, not_there: str) -> None:
    assert not_there not in areas(text)


@pytest.mark.parametrize(
    ("text", "there"),
    [("Day Care Teacher", "child_care"), ("Crew Member Food service", "food_service")],
)
def test_a_multi_word_alias_in_sequence_still_matches(text: str, there: str) -> None:
    assert there in areas(text)


def test_a_client_who_likes_working_with_kids_is_not_told_a_day_shift_is_child_care() -> None:
    client = worlds.client(interests=["working with kids"], capacity=dict.fromkeys(DIMS, 3))
    for title in ("Customer Care Associate - Day Shift", "Home Care Aide - Day Shift"):
        got = explain(client, worlds.opening(title=title, industry="", description=""))
        assert isinstance(got, Suggestion)
        assert not any("Child care" in r.text for r in got.positives), title


def cognitive_fit(client_capacity: dict[str, int], demands: dict[str, int], **opening: object) -> bool:
    client = worlds.client(capacity=client_capacity)
    got = explain(client, worlds.opening(demands=demands, **opening))
    assert isinstance(got, Suggestion)
    return any(r.code == "COGNITIVE_FIT" for r in got.positives)


def test_no_capacity_line_when_no_demand_is_known() -> None:
    # no shifts either: the stamina demand is otherwise read from the longest shift
    assert not cognitive_fit(dict.fromkeys(DIMS, 3), {}, shifts=None)


def test_no_capacity_line_for_a_client_with_no_ratings() -> None:
    assert not cognitive_fit({}, dict.fromkeys(DIMS, 2))


def test_no_capacity_line_when_the_known_demands_are_ones_the_client_did_not_rate() -> None:
    assert not cognitive_fit({DIMS[0]: 3}, {DIMS[1]: 2})


def test_the_capacity_line_when_a_rated_dimension_has_a_known_demand_within_it() -> None:
    assert cognitive_fit({DIMS[0]: 3}, {DIMS[0]: 2})


def test_the_unknown_demands_question_is_still_asked() -> None:
    got = explain(worlds.client(capacity=dict.fromkeys(DIMS, 3)), worlds.opening(demands={}))
    assert isinstance(got, Suggestion) and any(r.code == "DEMANDS_UNKNOWN" for r in got.concerns)


def walk_minutes(km: float) -> float:
    return float(mode_minutes(MatcherConfig().commute.modes["walk"], km, 8))


def north(km: float) -> dict[str, float]:
    return {"lat": worlds.CENTRE[0] + km / 111.2, "lon": worlds.CENTRE[1]}


def test_minutes_over_the_limit_are_shown_over_the_limit() -> None:
    km = 1.1  # about 17.2 minutes: the review saw "About 17 minutes ..., over the client's 17-minute limit"
    minutes = walk_minutes(km)
    limit = math.floor(minutes)
    assert 0.05 < minutes - limit < 0.5  # rounding to the nearest minute would show the limit itself
    client = worlds.client(modes=["walk"], max_commute_minutes=limit)
    got = explain(client, worlds.opening(location=north(km)))
    assert isinstance(got, Exclusion)
    text = got.reasons[0].text
    assert f"About {limit + 1} minutes by walking (estimated), over the client's {limit}-minute limit" in text
    assert f"About {limit} minutes" not in text


def test_an_absurd_walk_is_told_as_far_beyond_the_limit() -> None:
    client = worlds.client(modes=["walk"], max_commute_minutes=20)
    got = explain(client, worlds.opening(location=north(400.0), shifts=["Mon 09:00-17:00"]))
    assert isinstance(got, Exclusion)
    (reason,) = got.reasons
    assert "Much farther than the client's 20-minute limit by walking" in reason.text
    assert "minutes by walking" not in reason.text
    assert reason.feasible_if is None or "-minute limit" not in reason.feasible_if


def test_a_mode_the_client_lacks_is_offered_as_a_change_of_travel() -> None:
    client = worlds.client(modes=["walk"], max_commute_minutes=20)
    got = explain(client, worlds.opening(location=north(4.0)))
    assert isinstance(got, Exclusion)
    fix = got.reasons[0].feasible_if or ""
    assert "feasible if the client could travel by " in fix
    assert not fix.startswith("feasible by ")


def test_an_avoided_topic_quotes_the_posting_not_the_keyword() -> None:
    opening = worlds.opening(title="Shelf Stocker (Days)", description="Unload deliveries. Stock shelves.")
    got = explain(worlds.client(exclusions={"keywords": ["heavy lifting"]}), opening)
    assert isinstance(got, Exclusion)
    (reason,) = [r for r in got.reasons if r.code == "EXCLUDED_KEYWORD"]
    assert '(the posting mentions "Unload")' in reason.text
    assert "unloader" not in reason.text


def test_an_interest_quotes_the_job_words_that_matched() -> None:
    kennel = worlds.opening(title="Kennel Assistant", industry="animal care", description="Feed dogs.")
    got = explain(worlds.client(interests=["animals"]), kennel)
    assert isinstance(got, Suggestion)
    texts = [r.text for r in got.positives if r.code == "PREFERENCE_MATCH"]
    assert texts and all('"animals" in the job' not in t for t in texts)
    assert any('"animal" in the job' in t for t in texts)


def test_the_quote_is_the_posting_s_own_spelling() -> None:
    assert quote_in_text("Customer Care Associate - Day Care Shift", "day care") == "Day Care"
    assert quote_in_text("Customer Care Associate - Day Shift", "day care") == ""
    assert quote_in_text("Dishwashers wanted", "dishwasher") == "Dishwashers"
