"""The vectorized engine against the per-pair reference (``reference.py``) on small random worlds.

Every pair: the same failed constraints, undecided (unknown) constraints,
factors, weights and score (within 1e-6); ``recommend`` suggests exactly the
feasible pairs and explains every infeasible one with exactly its failed codes.
Worlds with ``unstated`` > 0 leave shifts, hours, pay and locations unknown.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import FACTORS, Matcher, MatcherConfig
from matcher.config import RankingConfig
from matcher.constraints import Failed, Unknown, flag_names, unknown_codes_at
from tests.matcher.reference import Reference
from tests.matcher.worlds import AS_OF, SEEDS, WORLD_SETTINGS, World, random_world

WIDE = MatcherConfig(ranking=RankingConfig(max_per_employer=10_000))


def assert_engine_matches_reference(world: World, config: MatcherConfig = WIDE) -> int:
    """Compare every pair; return how many pairs were feasible."""
    matcher = Matcher(config).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=config)
    block = matcher.score(world.clients, blocked=world.blocked)
    rows, cols = np.divmod(np.arange(block.codes.size), block.codes.shape[1])
    unknown = unknown_codes_at(block.clients, matcher.index, rows, cols).reshape(block.codes.shape)
    n_feasible = 0
    for i, c in enumerate(world.clients):
        weights = ref.weights(c)
        np.testing.assert_allclose(block.scores.weights[i], [weights[f] for f in FACTORS], atol=1e-12)
        for o in world.openings:
            j = matcher.index.position[o.id]
            r = ref.pair(c, o, blocked=world.blocked.get(c.id, ()))
            where = f"{world.label}: client {c.id} x opening {o.id}"
            assert set(flag_names(int(block.codes[i, j]))) == r.failed, where
            assert set(flag_names(int(unknown[i, j]), Unknown)) == r.unknown, where
            for k, f in enumerate(FACTORS):
                if not r.feasible:  # factors are computed for feasible pairs only
                    assert math.isnan(block.scores.factors[k, i, j]), (where, f)
                    continue
                assert block.scores.factors[k, i, j] == pytest.approx(r.factors[f], abs=1e-6), (where, f)
            if r.feasible:
                n_feasible += 1
                assert block.scores.score[i, j] == pytest.approx(r.score, abs=1e-6), where
                assert block.commute.minutes[i, j] == pytest.approx(r.minutes, abs=1e-6), where
            else:
                assert math.isnan(block.scores.score[i, j]), where
    return n_feasible


@pytest.mark.parametrize("seed", range(12))
def test_engine_equals_reference_on_seeded_worlds(seed: int) -> None:
    world = random_world(seed)
    n_feasible = assert_engine_matches_reference(world)
    # the worlds are built so that both feasible and infeasible pairs occur
    assert 0 < n_feasible < len(world.clients) * len(world.openings)


@pytest.mark.parametrize("seed", range(8))
def test_engine_equals_reference_with_unstated_terms(seed: int) -> None:
    world = random_world(seed, unstated=0.35)
    n_feasible = assert_engine_matches_reference(world)
    assert 0 < n_feasible < len(world.clients) * len(world.openings)


def test_unstated_worlds_reach_every_unknown_and_still_every_failure() -> None:
    """With terms left out, the worlds still fail every rule somewhere and leave each undecidable one open."""
    failed: set[str] = set()
    unknown: set[str] = set()
    for seed in range(8):
        world = random_world(seed, unstated=0.35)
        matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
        assert matcher.text_model is not None
        ref = Reference(as_of=AS_OF, text_model=matcher.text_model)
        for c in world.clients:
            for o in world.openings:
                r = ref.pair(c, o, blocked=world.blocked.get(c.id, ()))
                failed |= r.failed
                unknown |= r.unknown
                assert not (r.unknown & {"SHIFTS_NOT_STATED"} and "SCHEDULE_OUTSIDE_AVAILABILITY" in r.failed)
    assert failed == {f.name for f in Failed}
    assert unknown == {u.name for u in Unknown} - {"LOCATION_APPROXIMATE"}


def test_seeded_worlds_exercise_every_constraint() -> None:
    """The random worlds above really reach every exclusion code (else the comparison is weak)."""
    seen: set[str] = set()
    for seed in range(12):
        world = random_world(seed)
        matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
        assert matcher.text_model is not None
        ref = Reference(as_of=AS_OF, text_model=matcher.text_model)
        for c in world.clients:
            for o in world.openings:
                seen |= ref.pair(c, o, blocked=world.blocked.get(c.id, ())).failed
    assert seen == {f.name for f in Failed}


@settings(max_examples=30, **WORLD_SETTINGS)
@given(
    seed=SEEDS,
    n_clients=st.integers(1, 5),
    n_openings=st.integers(1, 20),
    strict=st.sampled_from([0.0, 0.3, 0.8]),
    unstated=st.sampled_from([0.0, 0.0, 0.3, 1.0]),
)
def test_engine_equals_reference_property(
    seed: int, n_clients: int, n_openings: int, strict: float, unstated: float
) -> None:
    world = random_world(seed, n_clients, n_openings, strict=strict, unstated=unstated)
    assert_engine_matches_reference(world)


@pytest.mark.parametrize("unstated", [0.0, 0.6])
def test_travel_time_override_matches_reference(unstated: float) -> None:
    """Router minutes replace the estimate for the pairs and modes they cover, in both."""
    import pandas as pd

    from matcher.commute import TravelTimes

    world = random_world(3, n_clients=5, strict=0.0, unstated=unstated)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=WIDE)
    pairs = zip(world.clients, world.openings[:5], strict=True)
    rows = [(c.id, o.id, m, 5.0 + 3 * k) for k, (c, o) in enumerate(pairs) for m in c.modes]
    rows.append((world.clients[0].id, world.openings[-1].id, "car", 999.0))
    table = {(c, o, m): v for c, o, m, v in rows}
    tt = TravelTimes.from_frame(pd.DataFrame(rows, columns=["client_id", "opening_id", "mode", "minutes"]))
    block = matcher.score(world.clients, travel_times=tt)
    for i, c in enumerate(world.clients):
        for o in world.openings:
            j = matcher.index.position[o.id]
            r = ref.pair(c, o, travel_times=table)
            assert set(flag_names(int(block.codes[i, j]))) == r.failed
            assert block.commute.minutes[i, j] == pytest.approx(r.minutes)
            if r.feasible:
                assert block.scores.score[i, j] == pytest.approx(r.score, abs=1e-6)


@pytest.mark.parametrize(("seed", "unstated"), [(0, 0.0), (5, 0.0), (9, 0.0), (2, 0.4), (6, 0.4)])
def test_recommend_suggests_exactly_the_feasible_pairs(seed: int, unstated: float) -> None:
    world = random_world(seed, unstated=unstated)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=WIDE)
    shortlists = matcher.recommend(world.clients, k=len(world.openings), blocked=world.blocked)
    assert [sl.client_id for sl in shortlists] == [c.id for c in world.clients]
    for c, sl in zip(world.clients, shortlists, strict=True):
        expected = {o.id: ref.pair(c, o, blocked=world.blocked.get(c.id, ())) for o in world.openings}
        feasible = {oid for oid, r in expected.items() if r.feasible}
        assert {s.opening_id for s in sl.suggestions} == feasible
        assert {e.opening_id: set(e.codes) for e in sl.exclusions} == {
            oid: set(r.failed) for oid, r in expected.items() if not r.feasible
        }
        for s in sl.suggestions:
            assert abs(s.score - expected[s.opening_id].score) <= 0.005 + 1e-9
        assert sl.n_considered == len(world.openings)
        counts: dict[str, int] = {}
        for r in expected.values():
            for code in r.failed:
                counts[code] = counts.get(code, 0) + 1
        assert sl.exclusion_counts == counts
