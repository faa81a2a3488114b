"""Hypothesis properties of the whole engine on small random worlds (see ``worlds.random_world``).

Failures name the world (``random_world(seed, ...)``) so they can be replayed.
"""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher, MatcherConfig
from matcher.batch import score_frame
from matcher.config import RankingConfig
from matcher.constraints import flag_names
from matcher.serialize import shortlist_to_dict
from matcher.types import Client, LocationPrecision, Shortlist
from tests.matcher.reference import Reference
from tests.matcher.worlds import AS_OF, DIMENSIONS, SEEDS, WORLD_SETTINGS, World, random_world

# k = every opening and no employer cap: a shortlist is then the whole feasible set
WIDE = MatcherConfig(ranking=RankingConfig(max_per_employer=10_000))
PROPERTY = settings(max_examples=25, **WORLD_SETTINGS)


def feasible_sets(world: World) -> dict[str, set[str]]:
    """Each client's whole shortlist (k = every opening, no employer cap), via the fast batch path."""
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    frame = score_frame(matcher, world.clients, k=len(world.openings), blocked=world.blocked)
    out: dict[str, set[str]] = {c.id: set() for c in world.clients}
    for cid, oid in zip(frame["client_id"], frame["opening_id"], strict=True):
        out[cid].add(oid)
    return out


def scores(world: World) -> dict[tuple[str, str], float]:
    """Unrounded score of every feasible pair."""
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    block = matcher.score(world.clients, blocked=world.blocked)
    return {
        (c.id, oid): float(block.scores.score[i, j])
        for i, c in enumerate(world.clients)
        for oid, j in matcher.index.position.items()
        if block.codes[i, j] == 0
    }


def as_json(shortlists: list[Shortlist]) -> str:
    return json.dumps([shortlist_to_dict(sl) for sl in shortlists], sort_keys=True)


@PROPERTY
@given(seed=SEEDS, strict=st.sampled_from([0.0, 0.4, 0.8]))
def test_no_suggestion_violates_a_hard_constraint(seed: int, strict: float) -> None:
    world = random_world(seed, n_clients=4, n_openings=15, strict=strict)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=WIDE)
    openings = {o.id: o for o in world.openings}
    shortlists = matcher.recommend(world.clients, k=15, blocked=world.blocked, explain_exclusions=False)
    for c, sl in zip(world.clients, shortlists, strict=True):
        for s in sl.suggestions:
            failed = ref.pair(c, openings[s.opening_id], blocked=world.blocked.get(c.id, ())).failed
            assert not failed, f"{world.label}: {c.id} x {s.opening_id} suggested but fails {failed}"


@PROPERTY
@given(seed=SEEDS)
def test_contributions_add_up_exactly_to_the_score(seed: int) -> None:
    world = random_world(seed, n_clients=4, n_openings=12, strict=0.2)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=WIDE)
    openings = {o.id: o for o in world.openings}
    shortlists = matcher.recommend(world.clients, k=12, explain_exclusions=False)
    for c, sl in zip(world.clients, shortlists, strict=True):
        for s in sl.suggestions:
            where = f"{world.label}: {c.id} x {s.opening_id}"
            assert round(sum(s.contributions.values()) * 100) == round(s.score * 100), where
            assert 0.0 <= s.score <= 100.0, where
            exact = ref.pair(c, openings[s.opening_id])
            assert abs(s.score - exact.score) <= 0.005 + 1e-9, where
            for f, points in s.contributions.items():
                assert abs(points - 100 * exact.weights[f] * exact.factors[f]) < 0.01 + 1e-9, (where, f)


@PROPERTY
@given(seed=SEEDS, extra=st.integers(1, 60))
def test_raising_the_commute_limit_never_removes_a_suggestion(seed: int, extra: int) -> None:
    world = random_world(seed)
    before = feasible_sets(world)
    longer = [
        dataclasses.replace(c, max_commute_minutes=c.max_commute_minutes + extra) for c in world.clients
    ]
    after = feasible_sets(dataclasses.replace(world, clients=longer))
    for cid in before:
        assert before[cid] <= after[cid], f"{world.label}: +{extra} min removed {before[cid] - after[cid]}"


@PROPERTY
@given(seed=SEEDS, pick=st.randoms(use_true_random=False))
def test_offering_a_needed_accommodation_never_lowers_a_score(seed: int, pick: random.Random) -> None:
    world = random_world(seed)
    needs = sorted({a for c in world.clients for a in c.accommodations}) or ["quiet_workspace"]
    code = pick.choice(needs)
    j = pick.randrange(len(world.openings))
    target = world.openings[j]
    better = dataclasses.replace(target, offered_to_all=target.offered_to_all | {code})
    changed = dataclasses.replace(world, openings=[*world.openings[:j], better, *world.openings[j + 1 :]])
    before, after = scores(world), scores(changed)
    where = f"{world.label}: {code} offered by {target.id}"
    assert set(before) <= set(after), f"{where} removed {set(before) - set(after)}"
    for pair, value in before.items():
        assert after[pair] >= value - 1e-9, (where, pair)


@PROPERTY
@given(seed=SEEDS)
def test_lowest_capacity_still_gets_suggestions(seed: int) -> None:
    """Zero exclusion: capacity never changes the feasible set, so nobody is left without suggestions."""
    world = random_world(seed, strict=0.3)
    lowest = [dataclasses.replace(c, capacity=dict.fromkeys(DIMENSIONS, 1)) for c in world.clients]
    feasible = feasible_sets(dataclasses.replace(world, clients=lowest))
    assert feasible == feasible_sets(world), world.label
    default = Matcher().fit(world.openings, as_of=AS_OF)  # default k and employer cap
    shortlists = default.recommend(lowest, blocked=world.blocked, explain_exclusions=False)
    for c, sl in zip(lowest, shortlists, strict=True):
        assert bool(sl.suggestions) == bool(feasible[c.id]), f"{world.label}: {c.id}"
        assert all(s.factors["cognitive"] <= 1.0 for s in sl.suggestions)


@settings(max_examples=10, **WORLD_SETTINGS)
@given(seed=SEEDS)
def test_same_inputs_give_identical_shortlists(seed: int) -> None:
    world = random_world(seed, n_clients=3, n_openings=10, strict=0.3)
    runs = [
        as_json(Matcher().fit(world.openings, as_of=AS_OF).recommend(world.clients, blocked=world.blocked))
        for _ in range(2)
    ]
    assert runs[0] == runs[1], world.label


@settings(max_examples=10, **WORLD_SETTINGS)
@given(seed=SEEDS, shuffle=st.randoms(use_true_random=False))
def test_input_order_does_not_change_results(seed: int, shuffle: random.Random) -> None:
    world = random_world(seed, n_clients=3, n_openings=10, strict=0.3)
    openings, clients = list(world.openings), list(world.clients)
    shuffle.shuffle(openings)
    shuffle.shuffle(clients)
    first = Matcher().fit(world.openings, as_of=AS_OF).recommend(world.clients, blocked=world.blocked)
    second = Matcher().fit(openings, as_of=AS_OF).recommend(clients, blocked=world.blocked)
    by_id = {sl.client_id: sl for sl in second}
    assert as_json(first) == as_json([by_id[sl.client_id] for sl in first]), world.label


# ----- unknown terms: a question, never a failure (docs/constraints.md, "Unknown terms")

UNSTATED_RULES = {  # the opening's term -> the rules that read it
    "shifts": {"SCHEDULE_OUTSIDE_AVAILABILITY"},
    "hours_per_week": {"HOURS_OUT_OF_RANGE", "EARNINGS_ABOVE_CAP"},
    "hourly_wage": {"WAGE_BELOW_FLOOR", "EARNINGS_ABOVE_CAP"},
    "location": {"COMMUTE_TOO_LONG"},
}


def _passing_value(term: str, c: Client, config: MatcherConfig, pick: random.Random) -> Any:
    """A value of ``term`` that passes client ``c``'s limit on it (pay: at least the reference wage)."""
    if term == "shifts":
        return (pick.choice(c.availability),)  # one of the client's own windows
    if term == "hours_per_week":
        return pick.choice([c.min_hours, c.max_hours, (c.min_hours + c.max_hours) / 2])
    if term == "hourly_wage":
        # competitive integrated work pays at least the minimum wage: the reference the neutral value takes
        return max(c.wage_floor, config.scoring.minimum_wage) + pick.choice([0.0, 0.5, 4.0])
    return c.home  # location: the client's own address


@PROPERTY
@given(seed=SEEDS, pick=st.randoms(use_true_random=False))
def test_filling_in_an_unknown_with_a_passing_value_never_lowers_the_opening(
    seed: int, pick: random.Random
) -> None:
    """Its score never drops and every other opening keeps its score: its rank among them never drops."""
    world = random_world(seed, n_clients=4, n_openings=12, strict=0.3, unstated=0.5)
    first = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert first.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=first.text_model, config=WIDE)
    blocks = first.score(world.clients, blocked=world.blocked)
    unknown_terms = [
        (j, term)
        for j, o in enumerate(world.openings)
        for term in UNSTATED_RULES
        if getattr(o, term) is None
        and (term != "location" or not o.remote)
        # a stated shift sets an unrated stamina demand (a real gap, not the rule): keep it rated
        and (term != "shifts" or "stamina" in o.demands)
    ]
    feasible_pairs = [(i, j, t) for j, t in unknown_terms for i in range(len(world.clients))]
    for i, j, term in pick.sample(feasible_pairs, min(6, len(feasible_pairs))):
        c, o = world.clients[i], world.openings[j]
        col = first.index.position[o.id]
        if blocks.codes[i, col]:
            continue
        filled = dataclasses.replace(o, **{term: _passing_value(term, c, WIDE, pick)})
        if term == "location":
            filled = dataclasses.replace(filled, location_precision=LocationPrecision.EXACT)
        if ref.pair(c, filled, blocked=world.blocked.get(c.id, ())).failed:
            continue  # the value does not pass every rule (e.g. transit does not run then)
        openings = [*world.openings[:j], filled, *world.openings[j + 1 :]]
        second = Matcher(WIDE, text_model=first.text_model).fit(openings, as_of=AS_OF)
        after = second.score([c], blocked=world.blocked)
        where = f"{world.label}: {o.id}.{term} filled for {c.id}"
        before_row, after_row = blocks.scores.score[i], after.scores.score[0]
        assert after_row[col] >= before_row[col] - 1e-9, where
        others = np.arange(len(before_row)) != col
        np.testing.assert_allclose(after_row[others], before_row[others], atol=1e-9, err_msg=where)
        above_before = np.sum(before_row[others] > before_row[col])
        assert np.sum(after_row[others] > after_row[col]) <= above_before, where


@PROPERTY
@given(seed=SEEDS)
def test_replacing_a_failing_value_by_unknown_never_excludes_for_it(seed: int) -> None:
    """The rules reading the term stop failing and no other starts: failing only them, it becomes feasible."""
    world = random_world(seed, n_clients=4, n_openings=12, strict=0.6)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=WIDE)
    for o in world.openings:
        for term, rules in UNSTATED_RULES.items():
            if term == "location" and o.remote:
                continue
            blank = dataclasses.replace(o, **{term: None})
            if term == "location":
                blank = dataclasses.replace(blank, location_precision=LocationPrecision.STATE)
            engine = Matcher(WIDE, text_model=matcher.text_model).fit(
                [blank if x.id == o.id else x for x in world.openings], as_of=AS_OF
            )
            block = engine.score(world.clients, blocked=world.blocked)
            col = engine.index.position[o.id]
            for i, c in enumerate(world.clients):
                before = ref.pair(c, o, blocked=world.blocked.get(c.id, ())).failed
                after = set(flag_names(int(block.codes[i, col])))
                where = f"{world.label}: {o.id}.{term} unknown for {c.id}"
                assert after <= before - rules, (where, before, after)
                if before and before <= rules:
                    assert not after and np.isfinite(block.scores.score[i, col]), where
