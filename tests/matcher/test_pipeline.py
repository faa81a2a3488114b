"""The Matcher as a whole: fit/score/recommend/explain contracts, chunking, rounding of contributions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import ENGINE_VERSION, FACTORS, Matcher, MatcherConfig
from matcher.batch import score_frame
from matcher.errors import NotFittedError, ValidationError
from matcher.rows import round_contributions
from matcher.types import Exclusion, Suggestion
from tests.matcher import worlds
from tests.matcher.worlds import random_world


def test_fit_rejects_duplicate_opening_ids() -> None:
    with pytest.raises(ValidationError) as info:
        Matcher().fit([worlds.opening(id="O-1"), worlds.opening(id="O-1")], as_of=worlds.AS_OF)
    assert info.value.field == "id" and info.value.value == "O-1"


def test_recommend_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        Matcher().recommend([worlds.client()])


def test_explain_an_unknown_opening_names_it(small_matcher, default_client) -> None:
    with pytest.raises(ValidationError) as info:
        small_matcher.explain(default_client, "O-nope")
    assert info.value.value == "O-nope"


def test_no_clients_give_no_shortlists(small_matcher) -> None:
    assert small_matcher.recommend([]) == []


def test_no_openings_give_empty_shortlists() -> None:
    """A program with no open jobs today still gets (empty) shortlists, not a crash."""
    matcher = Matcher().fit([], as_of=worlds.AS_OF)
    (sl,) = matcher.recommend([worlds.client()])
    assert sl.suggestions == () and sl.n_considered == 0


def test_shortlists_come_in_input_order_with_metadata(small_matcher) -> None:
    clients = [worlds.client(id=f"C-{i}") for i in (3, 1, 2)]
    shortlists = small_matcher.recommend(clients, k=3)
    assert [sl.client_id for sl in shortlists] == ["C-3", "C-1", "C-2"]
    for sl in shortlists:
        assert sl.engine_version == ENGINE_VERSION
        assert sl.config_hash == MatcherConfig().config_hash
        assert sl.n_considered == 5
        assert sl.n_excluded == len(sl.exclusions) == sum(1 for _ in sl.exclusions)
        assert [s.rank for s in sl.suggestions] == list(range(1, len(sl.suggestions) + 1))
        assert [s.score for s in sl.suggestions] == sorted((s.score for s in sl.suggestions), reverse=True)


def test_chunking_does_not_change_results() -> None:
    world = random_world(11)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    whole = matcher.recommend(world.clients, blocked=world.blocked, chunk_size=256)
    chunked = matcher.recommend(world.clients, blocked=world.blocked, chunk_size=2)
    assert whole == chunked


def test_explain_agrees_with_recommend() -> None:
    """explain() of a suggested opening is that suggestion: same rank, score, contributions, reasons."""
    world = random_world(0, strict=0.2)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    for c, sl in zip(world.clients, matcher.recommend(world.clients, k=20), strict=True):
        for s in sl.suggestions:
            assert matcher.explain(c, s.opening_id) == s, f"{c.id} x {s.opening_id}"
        for e in sl.exclusions:
            assert matcher.explain(c, e.opening_id) == e


def test_explain_is_an_exclusion_exactly_when_excluded(small_matcher, default_client) -> None:
    sl = small_matcher.recommend([default_client], k=10)[0]
    for oid in small_matcher.index.ids:
        result = small_matcher.explain(default_client, oid)
        assert isinstance(result, Exclusion) == (oid in {e.opening_id for e in sl.exclusions})
        if isinstance(result, Suggestion):
            assert set(result.contributions) == set(FACTORS) == set(result.factors)


@pytest.mark.parametrize(
    "values",
    [
        [10.004, 10.004, 10.004],  # 30.012 -> 30.01: three parts round down
        [0.005, 0.005],  # 0.01 in total: one part gets it (the first factor on a tie)
        [33.333333, 33.333333, 33.333334],
    ],
)
def test_round_contributions_by_largest_remainder(values) -> None:
    contrib = dict(zip(FACTORS, values, strict=False))
    rounded = round_contributions(contrib)
    assert set(rounded) == set(contrib)
    assert round(sum(rounded.values()) * 100) == round(sum(contrib.values()) * 100)
    assert all(abs(rounded[k] - v) < 0.01 for k, v in contrib.items())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 30, allow_nan=False), min_size=7, max_size=7))
def test_round_contributions_always_sum_to_the_rounded_total(values: list[float]) -> None:
    contrib = dict(zip(FACTORS, values, strict=True))
    rounded = round_contributions(contrib)
    cents = [round(v * 100) for v in rounded.values()]
    assert all(math.isclose(c / 100, v) for c, v in zip(cents, rounded.values(), strict=True))
    assert sum(cents) == round(sum(values) * 100)
    assert all(abs(rounded[f] - contrib[f]) < 0.01 for f in FACTORS)


def test_explain_of_an_opening_held_back_by_the_employer_cap() -> None:
    """Feasible but beyond the employer cap: rank 0 and a concern saying why it is not shown."""
    openings = [worlds.opening(id=i) for i in ("O-1", "O-2", "O-3")]  # one employer, equal scores
    matcher = Matcher().fit(openings, as_of=worlds.AS_OF)
    client = worlds.client()
    assert [s.opening_id for s in matcher.recommend([client])[0].suggestions] == ["O-1", "O-2"]
    held = matcher.explain(client, "O-3")
    assert isinstance(held, Suggestion) and held.rank == 0
    assert [r.code for r in held.concerns if r.code == "EMPLOYER_CAP"] == ["EMPLOYER_CAP"]
    assert matcher.explain(client, "O-2").rank == 2


def test_k_below_one_is_refused_not_silently_replaced(small_matcher, default_client) -> None:
    with pytest.raises(ValidationError) as info:
        small_matcher.recommend([default_client], k=0)
    assert info.value.field == "k"


def test_shortlists_and_batch_rows_show_the_same_numbers() -> None:
    """One producer of result rows: a suggestion's score and points are its batch row's, exactly."""
    world = random_world(3, strict=0.2)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    frame = score_frame(matcher, world.clients, k=8, blocked=world.blocked)
    rows = {(r["client_id"], r["opening_id"]): r for r in frame.to_dict("records")}
    shown = [s for sl in matcher.recommend(world.clients, k=8, blocked=world.blocked) for s in sl.suggestions]
    assert shown and len(shown) == len(rows)
    for s in shown:
        row = rows[(s.client_id, s.opening_id)]
        assert (row["rank"], row["score"]) == (s.rank, s.score)
        assert {f: row[f"contrib_{f}"] for f in FACTORS} == s.contributions
        assert round(sum(s.contributions.values()) * 100) == round(s.score * 100)
