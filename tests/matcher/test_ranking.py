"""Top-k: best first, ties by opening id, a cap per employer, excluded pairs never returned."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher, MatcherConfig
from matcher.config import RankingConfig
from matcher.ranking import top_k, top_k_pairs
from tests.matcher import worlds

NAN = np.nan


def plain_top(row: list[float], employer: list[int], n: int, cap: int) -> list[int]:
    """Reference: sort every feasible column by (-score rounded to 6 places, column), then cap."""
    order = sorted((j for j, v in enumerate(row) if not np.isnan(v)), key=lambda j: (-round(row[j], 6), j))
    picked: list[int] = []
    for j in order:
        if sum(1 for p in picked if employer[p] == employer[j]) < cap:
            picked.append(j)
        if len(picked) == n:
            break
    return picked


def test_best_first_ties_by_column_and_nan_never_returned() -> None:
    scores = np.array([[50.0, NAN, 70.0, 50.0, 70.0 + 1e-9, 10.0]])
    got = top_k(scores, np.arange(6), n=10, max_per_employer=2)
    assert got[0].tolist() == [2, 4, 0, 3, 5]  # 70 and 70+1e-9 tie after rounding: lower column first


def test_employer_cap_skips_to_the_next_employer() -> None:
    scores = np.array([[90.0, 80.0, 70.0, 60.0, 50.0]])
    employer = np.array([0, 0, 0, 1, 0])
    assert top_k(scores, employer, n=3, max_per_employer=2)[0].tolist() == [0, 1, 3]
    assert top_k(scores, employer, n=5, max_per_employer=1)[0].tolist() == [0, 3]


def test_fewer_feasible_than_k_and_none_at_all() -> None:
    scores = np.array([[NAN, 3.0, NAN], [NAN, NAN, NAN]])
    got = top_k(scores, np.zeros(3, int), n=5, max_per_employer=5)
    assert got[0].tolist() == [1] and got[1].tolist() == []


row_values = st.one_of(st.just(NAN), st.sampled_from([10.0, 20.0, 20.0000000001, 30.0]), st.floats(0, 100))


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n_cols=st.integers(1, 60),
    n=st.integers(1, 12),
    cap=st.integers(1, 3),
)
def test_top_k_equals_a_sort_and_cap_reference(data, n_cols: int, n: int, cap: int) -> None:
    rows = data.draw(st.lists(st.lists(row_values, min_size=n_cols, max_size=n_cols), min_size=1, max_size=3))
    employer = data.draw(st.lists(st.integers(0, 4), min_size=n_cols, max_size=n_cols))
    got = top_k(np.array(rows), np.array(employer), n=n, max_per_employer=cap)
    assert [g.tolist() for g in got] == [plain_top(r, employer, n, cap) for r in rows]


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n_cols=st.integers(1, 60),
    n=st.integers(1, 12),
    cap=st.integers(1, 3),
)
def test_top_k_of_listed_pairs_equals_the_sort_and_cap_reference(data, n_cols: int, n: int, cap: int) -> None:
    """The batch and shortlist paths rank the feasible pairs' list, never a dense array."""
    rows = data.draw(st.lists(st.lists(row_values, min_size=n_cols, max_size=n_cols), min_size=1, max_size=4))
    employer = data.draw(st.lists(st.integers(0, 4), min_size=n_cols, max_size=n_cols))
    r, c = np.nonzero(~np.isnan(np.array(rows)))  # the pairs, row by row
    got = top_k_pairs(r, c, np.array(rows)[r, c], len(rows), np.array(employer), n=n, max_per_employer=cap)
    assert [g.tolist() for g in got] == [plain_top(row, employer, n, cap) for row in rows]


def test_matcher_ties_break_by_opening_id_whatever_the_input_order() -> None:
    same = {"employer": "Lakeview Diner", "title": "Dishwasher"}
    openings = [worlds.opening(id=i, **same) for i in ("O-3", "O-1", "O-2")]
    sl = Matcher().fit(openings, as_of=worlds.AS_OF).recommend([worlds.client()], k=3)[0]
    assert len({s.score for s in sl.suggestions}) == 1
    assert [s.opening_id for s in sl.suggestions] == ["O-1", "O-2"]  # cap of 2 per employer
    wide = MatcherConfig(ranking=RankingConfig(max_per_employer=5))
    sl = Matcher(wide).fit(openings, as_of=worlds.AS_OF).recommend([worlds.client()], k=3)[0]
    assert [s.opening_id for s in sl.suggestions] == ["O-1", "O-2", "O-3"]
    assert [s.rank for s in sl.suggestions] == [1, 2, 3]


def test_employer_cap_matches_employer_names_loosely() -> None:
    """ "Lakeview Diner" and "LAKEVIEW DINER " are the same employer for the cap."""
    openings = [
        worlds.opening(id="O-1"),
        worlds.opening(id="O-2", employer="LAKEVIEW DINER "),
        worlds.opening(id="O-3", employer="lakeview diner"),
    ]
    sl = Matcher().fit(openings, as_of=worlds.AS_OF).recommend([worlds.client()], k=3)[0]
    assert len(sl.suggestions) == 2


def test_excluded_openings_never_appear_and_k_is_respected(small_matcher, default_client) -> None:
    sl = small_matcher.recommend([default_client], k=10)[0]
    suggested = {s.opening_id for s in sl.suggestions}
    excluded = {e.opening_id for e in sl.exclusions}
    assert not suggested & excluded
    assert "O-night" in excluded and {"O-dish", "O-remote"} <= suggested  # both kinds really occur
    assert len(suggested) + len(excluded) <= sl.n_considered
    assert len(small_matcher.recommend([default_client], k=1)[0].suggestions) == 1
