"""Geographic candidates never drop a feasible pair: their shortlists equal full ones, number for number."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from matcher import Matcher
from matcher.commute import fastest_hour, mode_minutes
from matcher.config import MatcherConfig
from matcher.geo import haversine_km
from matcher.rematch.candidates import (
    CandidateIndex,
    group_clients,
    hilbert_key,
    plan_chunks,
    radians,
    reach_km,
)
from matcher.rematch.chunks import score_chunk
from matcher.rematch.context import ScoringContext
from matcher.rematch.rescore import fit_matcher
from matcher.types import Location
from tests.matcher import worlds
from tests.matcher.rematch.conftest import Generated, reference_rows, sorted_rows


def _blocked_rows(context: ScoringContext, clients: list, *, chunk_size: int, blocked: dict | None = None):
    by_id = {c.id: c for c in clients}
    plan = plan_chunks(clients, context.config.commute, chunk_size=chunk_size)
    parts = [
        score_chunk(context, [by_id[i] for i in ids], number=n, blocked=blocked) for n, ids in enumerate(plan)
    ]
    return sorted_rows(pd.concat([p.rows for p in parts], ignore_index=True)), parts


@pytest.mark.parametrize("prefilter", [True, False])
def test_blocked_top_k_and_scores_equal_unblocked(generated: Generated, prefilter: bool) -> None:
    context = dataclasses.replace(generated.context, prefilter=prefilter)
    got, parts = _blocked_rows(context, generated.inputs.clients, chunk_size=32)
    want = reference_rows(generated.matcher, generated.inputs.clients, k=10)
    assert len(want) > 500  # the case has real shortlists to compare
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    pairs_total = len(generated.inputs.clients) * len(generated.inputs.openings)
    # and blocking skipped most pairs: beyond reach, and (with the prefilter) failing plain limits
    assert sum(p.n_candidates for p in parts) < pairs_total / 4
    assert sum(p.n_pairs for p in parts) < pairs_total / (5 if prefilter else 1.5)


def test_blocked_equals_recommend_for_a_few_clients(generated: Generated) -> None:
    clients = generated.inputs.clients[:6]
    got, _ = _blocked_rows(generated.context, clients, chunk_size=4)
    lists = generated.matcher.recommend(clients, k=10, explain_exclusions=False)
    want = [
        (sl.client_id, s.rank, s.opening_id, s.score, s.contributions) for sl in lists for s in sl.suggestions
    ]
    rows = [
        (
            r["client_id"],
            r["rank"],
            r["opening_id"],
            r["score"],
            {k.removeprefix("contrib_"): v for k, v in r.items() if k.startswith("contrib_")},
        )
        for r in got.to_dict("records")
    ]
    assert rows == sorted(want, key=lambda t: (t[0], t[1]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_constraint_kind_survives_blocking(seed: int) -> None:
    """Random worlds with night shifts, exclusions, on-request needs and rejections."""
    world = worlds.random_world(seed, n_clients=40, n_openings=120)
    plain = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    context = ScoringContext.from_matcher(fit_matcher(world.openings, as_of=worlds.AS_OF), k=5)
    got, _ = _blocked_rows(context, world.clients, chunk_size=7, blocked=world.blocked)
    want = reference_rows(plain, world.clients, k=5, blocked=world.blocked)
    assert len(want) > 20, world.label
    pd.testing.assert_frame_equal(got, want, check_exact=True, obj=world.label)


def test_opening_right_at_the_reach_limit_is_a_candidate() -> None:
    """Walking 30 minutes at 4.8 km/h with detour 1.25 reaches exactly 1.92 km."""
    config = MatcherConfig()
    client = worlds.client(modes=["walk"], max_commute_minutes=30)
    assert reach_km([client], config.commute)[0] == pytest.approx(30 * 4.8 / 60 / 1.25)
    home = client.home
    near = worlds.opening(id="O-edge", location={"lat": home.lat + 1.9195 / 111.195, "lon": home.lon})
    far = worlds.opening(id="O-far", location={"lat": home.lat + 1.95 / 111.195, "lon": home.lon})
    assert haversine_km(home, near.location) < 1.92 < haversine_km(home, far.location)
    matcher = Matcher(config).fit([near, far], as_of=worlds.AS_OF)
    index = CandidateIndex.build(matcher.index)
    cols = index.query(radians([client]), reach_km([client], config.commute))[0]
    assert [matcher.index.ids[j] for j in cols] == ["O-edge"]
    assert matcher.recommend([client], k=5)[0].suggestions[0].opening_id == "O-edge"


def test_reach_is_the_best_of_the_clients_modes() -> None:
    config = MatcherConfig().commute
    walker = worlds.client(modes=["walk"], max_commute_minutes=60)
    driver = worlds.client(modes=["walk", "car"], max_commute_minutes=60)
    ride = worlds.client(modes=["ride"], max_commute_minutes=15)  # pick-up window 20 min > limit
    got = reach_km([walker, driver, ride], config)
    assert got[0] == pytest.approx(60 * 4.8 / 60 / 1.25)
    # the car's reach: 60 minutes at its fastest hour, by its speed-by-distance curve
    car = config.modes["car"]
    assert float(mode_minutes(car, np.array(got[1]), fastest_hour(car))) == pytest.approx(60, abs=0.05)
    assert got[1] > got[0]
    assert got[2] == pytest.approx(0.0, abs=1e-5)  # no mode reaches anything


def test_candidates_skip_closed_and_expired_but_keep_remote_everywhere() -> None:
    openings = [
        worlds.opening(id="O-open"),
        worlds.opening(id="O-filled", status="filled"),
        worlds.opening(id="O-expired", expires="2026-03-01", posted="2026-02-01"),
        worlds.opening(id="O-remote", location=None, remote=True),
    ]
    matcher = Matcher().fit(openings, as_of=worlds.AS_OF)
    index = CandidateIndex.build(matcher.index)
    far_away = worlds.client(home={"lat": 10.0, "lon": 10.0})
    nearby = worlds.client()
    got = index.query(radians([far_away, nearby]), reach_km([far_away, nearby], MatcherConfig().commute))
    ids = [[matcher.index.ids[j] for j in cols] for cols in got]
    assert ids == [["O-remote"], ["O-open", "O-remote"]]


def test_plan_is_deterministic_and_covers_each_client_once(generated: Generated) -> None:
    clients = generated.inputs.clients
    plan = plan_chunks(clients, MatcherConfig().commute, chunk_size=25)
    again = plan_chunks(list(reversed(clients)), MatcherConfig().commute, chunk_size=25)
    flat = [i for chunk in plan for i in chunk]
    assert sorted(flat) == sorted(c.id for c in clients) and len(flat) == len(set(flat))
    assert all(len(chunk) <= 25 for chunk in plan)
    assert plan == again  # input order does not matter


def test_hilbert_order_keeps_chunks_compact(generated: Generated) -> None:
    """Chunks in curve order span far less ground than chunks of clients in id order."""
    clients = sorted(generated.inputs.clients, key=lambda c: c.id)
    points = radians(clients)
    order = np.argsort(hilbert_key(points), kind="stable")

    def mean_spread(idx: np.ndarray) -> float:
        spreads = []
        for s in range(0, len(idx) - 16, 16):
            part = [clients[i].home for i in idx[s : s + 16]]
            spreads.append(max(haversine_km(part[0], p) for p in part))
        return float(np.mean(spreads))

    assert mean_spread(order) < 0.5 * mean_spread(np.arange(len(clients)))


def test_group_clients_bounds_pairs_per_group() -> None:
    rng = np.random.default_rng(0)
    lists = [np.unique(rng.integers(0, 500, size=rng.integers(0, 80))) for _ in range(60)]
    blocks = group_clients(lists, max_pairs=2000, overhead_pairs=300)
    assert [i for b in blocks for i in range(b.start, b.stop)] == list(range(60))
    for b in blocks:
        part = [x for x in lists[b] if len(x)]
        union = len(np.unique(np.concatenate(part))) if part else 0
        assert (b.stop - b.start) * union <= 2000 or b.stop - b.start == 1


def test_haversine_tree_agrees_with_the_engine_distance() -> None:
    """Spot check of the geometry the margin covers: BallTree and geo differ by far under 10 m."""
    a, b = Location(41.88, -87.63), Location(41.95, -87.70)
    matcher = Matcher().fit(
        [worlds.opening(id="O-b", location={"lat": b.lat, "lon": b.lon})], as_of=worlds.AS_OF
    )
    tree = CandidateIndex.build(matcher.index).tree
    assert tree is not None
    dist, _ = tree.query(np.radians([[a.lat, a.lon]]), k=1)
    assert abs(dist[0, 0] * 6371.0088 - haversine_km(a, b)) < 0.01
