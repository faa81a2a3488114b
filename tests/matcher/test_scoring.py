"""Soft factors and weights on hand-made pairs (values computed by hand from the README formulas)."""

from __future__ import annotations

import pytest

from matcher import FACTORS, Matcher, MatcherConfig
from matcher.config import DEFAULT_WEIGHTS, PRIORITY_MULTIPLIERS
from matcher.features import client_weights
from matcher.types import Client, Exclusion, Opening, Suggestion
from tests.matcher import worlds

DIMS = worlds.DIMENSIONS


def factors(client: Client, opening: Opening) -> dict[str, float]:
    block = Matcher().fit([opening], as_of=worlds.AS_OF).score([client])
    return {f: float(block.scores.factors[k, 0, 0]) for k, f in enumerate(FACTORS)}


def suggestion(client: Client, opening: Opening) -> Suggestion:
    result = Matcher().fit([opening], as_of=worlds.AS_OF).explain(client, opening.id)
    assert isinstance(result, Suggestion), getattr(result, "codes", None)
    return result


def test_preferences_weigh_most_by_default() -> None:
    w = dict(zip(FACTORS, client_weights([worlds.client()], MatcherConfig())[0], strict=True))
    assert max(w, key=w.__getitem__) == "preference"
    assert sum(w.values()) == pytest.approx(1.0)
    assert w == pytest.approx(DEFAULT_WEIGHTS)


def test_priorities_multiply_then_renormalise() -> None:
    priorities = {"commute": "high", "wage": "low"}
    w = client_weights([worlds.client(priorities=priorities)], MatcherConfig())[0]
    raw = {f: DEFAULT_WEIGHTS[f] * PRIORITY_MULTIPLIERS[priorities.get(f, "normal")] for f in FACTORS}
    assert list(w) == pytest.approx([raw[f] / sum(raw.values()) for f in FACTORS])


def test_priorities_change_the_order_of_two_openings() -> None:
    near_low_pay = worlds.opening(
        id="O-near", hourly_wage=12.5, location={"lat": worlds.CENTRE[0] + 0.005, "lon": worlds.CENTRE[1]}
    )
    far_high_pay = worlds.opening(
        id="O-far", hourly_wage=22.0, location={"lat": worlds.CENTRE[0] + 0.1, "lon": worlds.CENTRE[1]}
    )
    matcher = Matcher().fit([near_low_pay, far_high_pay], as_of=worlds.AS_OF)
    by_wage = worlds.client(modes=["car"], priorities={"wage": "high", "commute": "low"})
    by_commute = worlds.client(modes=["car"], priorities={"wage": "low", "commute": "high"})
    order = [[s.opening_id for s in sl.suggestions] for sl in matcher.recommend([by_wage, by_commute])]
    assert order == [["O-far", "O-near"], ["O-near", "O-far"]]


def test_unknown_demands_are_not_read_as_zero() -> None:
    client = worlds.client()  # capacity 3 everywhere
    lowest = worlds.opening(demands=dict.fromkeys(DIMS, 1))
    unknown = worlds.opening(demands={})  # stamina still comes from the 4-hour shifts
    assert factors(client, lowest)["cognitive"] == 1.0
    f_unknown = factors(client, unknown)["cognitive"]
    assert f_unknown == pytest.approx(1 - 0.25 * (len(DIMS) - 1) / 6)
    assert suggestion(client, lowest).score > suggestion(client, unknown).score
    concern = [r for r in suggestion(client, unknown).concerns if r.code == "DEMANDS_UNKNOWN"]
    assert len(concern) == 1
    assert concern[0].text.startswith("Job demands unknown (not zero) for: sustained attention")
    assert "stamina" not in concern[0].text.lower()


def test_accommodation_offsets_reduce_the_cognitive_penalty() -> None:
    client = worlds.client(capacity={**dict.fromkeys(DIMS, 3), "memory": 1})
    job = {"demands": {**dict.fromkeys(DIMS, 2), "memory": 4}}  # gap 3 on memory
    plain = factors(client, worlds.opening(**job))["cognitive"]
    offered = factors(client, worlds.opening(**job, offered_to_all=["written_instructions"]))["cognitive"]
    both = factors(client, worlds.opening(**job, offered_to_all=["written_instructions", "job_coach"]))
    assert plain == pytest.approx(1 - 3 / 6)
    assert offered == pytest.approx(1 - 2 / 6)  # one level off
    assert both["cognitive"] == pytest.approx(offered)  # offsets do not stack per dimension
    unrelated = factors(client, worlds.opening(**job, offered_to_all=["reduced_public_contact"]))
    assert unrelated["cognitive"] == pytest.approx(plain)


def test_on_request_offsets_count_only_with_disclosure() -> None:
    job = worlds.opening(demands={**dict.fromkeys(DIMS, 2), "attention": 5}, on_request=["quiet_workspace"])
    capacity = dict.fromkeys(DIMS, 3)
    silent = factors(worlds.client(capacity=capacity, discloses=False), job)["cognitive"]
    disclosed = factors(worlds.client(capacity=capacity, discloses=True), job)["cognitive"]
    assert silent == pytest.approx(1 - 2 / 6) and disclosed == pytest.approx(1 - 1 / 6)


def test_the_gap_concern_names_demand_capacity_and_offset() -> None:
    client = worlds.client(capacity={**dict.fromkeys(DIMS, 3), "pace": 2})
    opening = worlds.opening(demands={**dict.fromkeys(DIMS, 2), "pace": 4}, offered_to_all=["extra_breaks"])
    s = suggestion(client, opening)
    gap = [r for r in s.concerns if r.code == "COGNITIVE_GAP"]
    assert [r.text for r in gap] == [
        "Pace and time pressure: the job asks high (4), above the client's low (2); "
        "offset by extra or longer breaks"
    ]
    assert gap[0].evidence["gap"] == 2 and gap[0].evidence["gap_after_offsets"] == 1
    assert any(r.code == "SUPPORT_HINT" and "pace and time pressure" in r.text for r in s.hints)
    assert not any(r.code == "COGNITIVE_FIT" for r in s.positives)


def test_unrated_capacity_measures_no_gap() -> None:
    client = worlds.client(capacity={})
    assert factors(client, worlds.opening(demands=dict.fromkeys(DIMS, 5)))["cognitive"] == 1.0


def test_accommodation_factor_is_the_share_of_preferred_needs_met() -> None:
    needs = {"quiet_workspace": "preferred", "extra_breaks": "preferred", "job_coach": "required"}
    opening = worlds.opening(offered_to_all=["job_coach", "quiet_workspace"], on_request=["extra_breaks"])
    assert factors(worlds.client(accommodations=needs), opening)["accommodation"] == 0.5
    assert factors(worlds.client(accommodations=needs, discloses=True), opening)["accommodation"] == 1.0
    assert factors(worlds.client(accommodations={}), opening)["accommodation"] == 1.0


def test_commute_schedule_and_wage_fits_follow_the_formulas() -> None:
    client = worlds.client(
        modes=["transit"], max_commute_minutes=60, min_hours=10, max_hours=30, wage_floor=12.0
    )
    opening = worlds.opening(hours_per_week=28, hourly_wage=15.0)
    block = Matcher().fit([opening], as_of=worlds.AS_OF).score([client])
    minutes = float(block.commute.minutes[0, 0])
    got = {f: float(block.scores.factors[k, 0, 0]) for k, f in enumerate(FACTORS)}
    assert got["commute"] == pytest.approx(1 - 0.8 * minutes / 60)
    assert got["schedule"] == pytest.approx(1 - abs(28 - 20) / (10 + 5))
    assert got["wage"] == pytest.approx(0.25 + 0.75 * (15 - 12) / (0.5 * 12))
    assert factors(worlds.client(wage_floor=0.0), worlds.opening(hourly_wage=7.25))["wage"] == 0.25
    assert factors(worlds.client(wage_floor=10.0), worlds.opening(hourly_wage=15.0))["wage"] == 1.0


def test_no_preferences_is_neutral_and_said_so() -> None:
    client = worlds.client(interests=[], preferred_industries=[], riasec=None)
    assert factors(client, worlds.opening())["preference"] == 0.5
    assert any(r.code == "PREFERENCES_UNKNOWN" for r in suggestion(client, worlds.opening()).concerns)


def test_interest_phrase_match_scores_above_a_mismatch() -> None:
    client = worlds.client(interests=["dish washing"], preferred_industries=[])
    match = suggestion(client, worlds.opening(title="Dishwasher"))
    other = suggestion(
        client, worlds.opening(title="Library assistant", industry="library", description="Shelve books.")
    )
    assert match.factors["preference"] > other.factors["preference"]
    assert any(r.code == "PREFERENCE_MATCH" and '"dish washing"' in r.text for r in match.positives)
    assert any(r.code == "PREFERENCE_OUTSIDE" for r in other.concerns)


def test_riasec_congruence_when_both_sides_have_a_profile() -> None:
    profile = [6, 1, 2, 5, 3, 0]
    same = {"interests": [], "preferred_industries": [], "riasec": profile}
    assert factors(worlds.client(**same), worlds.opening(riasec=profile))["preference"] == pytest.approx(1.0)
    opposite = [7 - v for v in profile]
    assert factors(worlds.client(**same), worlds.opening(riasec=opposite))["preference"] == pytest.approx(0.0)
    assert factors(worlds.client(**same), worlds.opening(riasec=None))["preference"] == 0.5


def test_strengths_cover_required_and_preferred_skills_plus_past_titles() -> None:
    opening = worlds.opening(required_skills=["dishwashing", "cleaning"], preferred_skills=["teamwork"])
    assert factors(worlds.client(strengths=["washing dishes"]), opening)["strengths"] == pytest.approx(0.35)
    both = worlds.client(strengths=["dishwashing", "teamwork"], past_titles=["dish washer"])
    assert factors(both, opening)["strengths"] == pytest.approx(min(0.35 + 0.3 + 0.25, 1.0))
    assert factors(worlds.client(), worlds.opening(required_skills=[]))["strengths"] == 0.5


def test_capacity_lowers_the_score_but_never_excludes() -> None:
    opening = worlds.opening(demands=dict.fromkeys(DIMS, 5))
    lowest = worlds.client(capacity=dict.fromkeys(DIMS, 1))
    result = Matcher().fit([opening], as_of=worlds.AS_OF).explain(lowest, opening.id)
    assert not isinstance(result, Exclusion)
    assert result.factors["cognitive"] == 0.0
