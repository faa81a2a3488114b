"""Nearest misses and paged exclusions, checked against a plain loop over ``Matcher.explain``.

A near miss is an opening the client could realistically take if one limit moved:
it fails exactly one limit (a specialist's rejection does not count) and lies within
twice the client's commute reach, or is remote. Farther openings never are.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher import Matcher, geo, pipeline, scoring
from matcher.candidates import NEAR_MISS_REACH
from matcher.commute import reach_km
from matcher.constraints import Failed
from matcher.errors import ValidationError
from matcher.explain import best_columns, single_failures
from matcher.types import Client, Exclusion, Opening
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world
from tests.matcher.worlds import World, random_world

SEEDS = range(6)


def _fitted(seed: int) -> tuple[Matcher, World]:
    world = random_world(seed, n_clients=4, n_openings=40, strict=0.6)
    return Matcher().fit(world.openings, as_of=worlds.AS_OF), world


def _within_twice_reach(matcher: Matcher, client: Client, o: Opening) -> bool:
    """The rule, from the records: remote, no place, or within twice the client's reach (haversine).

    The reach is the commute model's own (``matcher.commute.reach_km``), the candidate search's too.
    """
    if o.remote or o.location is None:
        return True
    return geo.haversine_km(client.home, o.location) <= NEAR_MISS_REACH * _reach(matcher, client)


_REACH: dict[tuple[str, tuple[str, ...], float], float] = {}


def _reach(matcher: Matcher, client: Client) -> float:
    key = (matcher.config.config_hash, tuple(client.modes), client.max_commute_minutes)
    if key not in _REACH:
        _REACH[key] = float(reach_km([client], matcher.config.commute)[0])
    return _REACH[key]


def test_single_failures_matches_a_loop() -> None:
    codes = np.array([[0, 1, 2, 3, 4096, 4097, 8, 12]], dtype=np.uint16)
    got = single_failures(codes, ignore=4096)
    expected = [c != 0 and bin(c).count("1") == 1 and not c & 4096 for c in codes[0].tolist()]
    assert got[0].tolist() == expected


def test_best_columns_skip_nan_and_keep_ties_in_column_order() -> None:
    score = np.array([np.nan, 5.0, 7.0, 5.0, np.nan, 9.0])
    assert best_columns(score, 3).tolist() == [5, 2, 1]
    assert best_columns(score, 10).tolist() == [5, 2, 1, 3]


@pytest.mark.parametrize("seed", SEEDS)
def test_near_misses_are_the_best_openings_failing_one_limit(seed: int) -> None:
    matcher, world = _fitted(seed)
    shortlists = matcher.recommend(world.clients, k=3, blocked=world.blocked, near_misses=4)
    for client, sl in zip(world.clients, shortlists, strict=True):
        loop = {}
        for o in world.openings:
            result = matcher.explain(client, o.id, blocked=world.blocked)
            if isinstance(result, Exclusion) and len(result.reasons) == 1:
                if result.reasons[0].code != "REJECTED_BY_SPECIALIST" and _within_twice_reach(
                    matcher, client, o
                ):
                    loop[o.id] = result.reasons[0]
        assert len(sl.near_misses) == min(4, len(loop))
        for miss in sl.near_misses:
            assert miss.reason == loop[miss.opening_id]  # the same why-not, feasible_if included
        scores = [m.score for m in sl.near_misses]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_pages_of_exclusions_add_up_to_every_why_not(seed: int) -> None:
    matcher, world = _fitted(seed)
    for client in world.clients:
        (full,) = matcher.recommend([client], blocked=world.blocked, explain_exclusions=True)
        total, first = matcher.exclusions(client, blocked=world.blocked, limit=7)
        rest = matcher.exclusions(client, blocked=world.blocked, offset=7, limit=1000)[1]
        assert total == full.n_excluded and first + rest == list(full.exclusions)
        for code, count in full.exclusion_counts.items():
            n, page = matcher.exclusions(client, blocked=world.blocked, code=code, limit=1000)
            assert n == count and all(code in e.codes for e in page)


def test_an_unknown_reason_code_is_refused() -> None:
    matcher, world = _fitted(0)
    with pytest.raises(ValidationError) as info:
        matcher.exclusions(world.clients[0], code="NOPE")
    assert info.value.value == "NOPE"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("first", [1, 64])
def test_the_score_bound_leaves_the_best_misses_as_scoring_every_one_gives(
    seed: int, first: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough single failures that the upper bound rules most out: still the same misses."""
    monkeypatch.setattr(pipeline, "BOUND_FROM", 0)  # bound them however few they are
    monkeypatch.setattr(pipeline, "FIRST_SCORED", first)  # 1: the bound decides almost every one
    world = random_world(seed, n_clients=5, n_openings=400, strict=0.3)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    scored = matcher.score(world.clients, blocked=world.blocked)
    mask = single_failures(scored.codes, ignore=int(Failed.REJECTED_BY_SPECIALIST))
    mask &= np.array(
        [[_within_twice_reach(matcher, c, o) for o in matcher.index.openings] for c in world.clients]
    )
    assert mask.sum(axis=1).max() > 64  # more than the first batch the bound lets through
    config = matcher.config
    would = scoring.score(
        scored.clients,
        matcher.index,
        scored.commute,
        mask,
        scoring=config.scoring,
        commute_config=config.commute,
    ).score
    for n in (1, 3, 10):
        shortlists = matcher.recommend(world.clients, k=3, blocked=world.blocked, near_misses=n)
        for c, sl in enumerate(shortlists):
            expected = [
                (matcher.index.ids[j], round(float(would[c, j]), 2)) for j in best_columns(would[c], n)
            ]
            assert [(m.opening_id, m.score) for m in sl.near_misses] == expected


def test_an_opening_beyond_twice_the_reach_is_never_a_near_miss() -> None:
    """Two openings failing only the commute, due north: at 1.5x the reach a near miss, at 2.5x not."""
    client = worlds.client()
    reach = _reach(Matcher(), client)
    lat, lon = worlds.CENTRE
    degrees = reach / 111.19  # km per degree of latitude
    openings = [
        worlds.opening(id=f"O-{name}", location={"lat": lat + factor * degrees, "lon": lon})
        for name, factor in (("near", 1.5), ("far", 2.5), ("farther", 20.0))
    ]
    matcher = Matcher().fit(openings, as_of=worlds.AS_OF)
    (sl,) = matcher.recommend([client], explain_exclusions=False, near_misses=5)
    assert [m.opening_id for m in sl.near_misses] == ["O-near"]
    assert sl.near_misses[0].reason.code == "COMMUTE_TOO_LONG"
    assert sl.exclusion_counts == {"COMMUTE_TOO_LONG": 3}  # still counted, just not a near miss


@pytest.mark.parametrize("seed", range(6))
def test_near_misses_and_counts_from_the_candidates_equal_a_scan_of_every_opening(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Openings spread over many km: the candidate query (2x reach) changes no miss and no count."""
    monkeypatch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)  # small worlds: never fall back
    world = spread_world(seed, n_clients=6, n_openings=80)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    full = Matcher(matcher.config, vocab=matcher.vocab, text_model=matcher.text_model)
    full.index_ = matcher.index_  # no candidate index: scores every opening
    cols = matcher._candidate_columns(world.clients, None, NEAR_MISS_REACH)
    assert cols is not None and len(cols) < len(world.openings)  # the query does leave some out
    for k, n in ((3, 4), (10, 1), (len(world.openings), 10)):
        fast = matcher.recommend(
            world.clients, k=k, blocked=world.blocked, explain_exclusions=False, near_misses=n
        )
        slow = full.recommend(
            world.clients, k=k, blocked=world.blocked, explain_exclusions=False, near_misses=n
        )
        assert fast == slow, world.label
