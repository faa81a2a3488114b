"""The shortcuts of one shortlist's fixed costs give exactly what the plain computations give.

Row products read from the fitted index's columns, the TF-IDF of a client's words computed
without scikit-learn's input checks, values kept per index array, excluded employer names
compared once, the candidates copied as stretches of the curve-order copy: each against the
computation it replaces, bit for bit.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import scipy.sparse as sp

from matcher import Matcher, candidates, memo, pipeline, scoring
from matcher.candidates import gather
from matcher.features.clients import _named_exclusions
from matcher.features.text import fit_text_model, transform_texts
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world
from tests.matcher.test_rowdot import scipy_rowdot


@pytest.mark.parametrize("seed", range(30))
def test_row_products_from_the_columns_give_scipys_bits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_a, n_b, width = (int(x) for x in rng.integers(1, [6, 300, 150]))
    a = sp.random(n_a, width, density=rng.uniform(0, 0.3), format="csr", dtype=np.float32, rng=rng)
    # dense rows too (over 8 products a pair, where the summation order matters)
    b = sp.random(n_b, width, density=rng.uniform(0, 0.6), format="csr", dtype=np.float32, rng=rng)
    n = int(rng.integers(1, 3_000))
    ci, ji = rng.integers(0, n_a, n), rng.integers(0, n_b, n)  # unsorted, repeated pairs
    want = scipy_rowdot(a, b, ci, ji).view(np.int64)
    terms = np.flatnonzero(np.isin(np.repeat(np.arange(n_a), np.diff(a.indptr)), np.unique(ci)))
    by_column = b.tocsc()
    by_column.sort_indices()
    got = scoring._rowdot_by_column(a, by_column, ci, ji, terms)
    assert np.array_equal(got.view(np.int64), want)
    scoring.index_by_column(b)  # then _rowdot picks whichever way reads fewer entries
    assert np.array_equal(scoring._rowdot(a, b, ci, ji).view(np.int64), want)


def test_a_shortlist_is_the_same_with_and_without_the_column_copy() -> None:
    world = worlds.random_world(7, n_clients=12, n_openings=300)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    assert memo.known(scoring.BY_COLUMN, (matcher.index.text.indices, matcher.index.text.data)) is not None

    def shortlists() -> list[object]:
        return [
            matcher.recommend([c], k=10, blocked=world.blocked, explain_exclusions=False, near_misses=5)
            for c in world.clients
        ]

    with_copy = shortlists()
    memo._MEMO.clear()  # the plain row products from here on
    assert shortlists() == with_copy


def test_client_words_get_scikit_learns_tfidf_bits() -> None:
    corpus = ["dish washer kitchen", "retail cashier retail", "kitchen porter dish", "warehouse"]
    model = fit_text_model(corpus)
    texts = ["dishwashing kitchen kitchen", "", "nothing known", "Retail, cashier!", "dish dish dish washer"]
    texts += ["Retail, cashier!", "", "dishwashing kitchen kitchen"]  # repeats are read once, same rows
    got, want = transform_texts(model, texts), model.transform(texts).tocsr()
    assert type(got) is type(want) and got.dtype == want.dtype
    assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
    assert got.data.tobytes() == want.data.tobytes()


def test_a_derived_value_belongs_to_its_array_objects() -> None:
    first = np.arange(5)
    assert memo.derived("test_sum", (first,), lambda: int(first.sum())) == 10
    assert memo.derived("test_sum", (first,), lambda: -1) == 10  # kept
    second = np.arange(5)  # equal content, another object: its own value
    assert memo.known("test_sum", (second,)) is None
    assert memo.derived("test_sum", (second,), lambda: 99) == 99


def test_excluded_employers_follow_the_index_they_are_matched_against() -> None:
    client = worlds.client(exclusions={"employers": ["Lakeview Diner"]})
    one = Matcher().fit([worlds.opening(id="O-1", employer="Lakeview Diner")], as_of=worlds.AS_OF)
    grill, diner = (
        worlds.opening(id=i, employer=e) for i, e in [("O-1", "Corner Grill"), ("O-2", "Lakeview Diner")]
    )
    two = Matcher().fit([grill, diner], as_of=worlds.AS_OF)
    assert _named_exclusions([client], one.index)[0].tolist() == [[True]]
    assert _named_exclusions([client], two.index)[0].tolist() == [[False, True]]
    assert _named_exclusions([client], one.index)[0].tolist() == [[True]]


def _stretch_world() -> tuple[Matcher, worlds.World]:
    world = spread_world(11, n_clients=10, n_openings=400)
    return Matcher().fit(world.openings, as_of=worlds.AS_OF), world


@pytest.mark.parametrize("gap", [0, 3, 50])
def test_stretches_of_the_curve_hold_the_candidates_and_are_the_index_rows(
    gap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(candidates, "STRETCH_GAP", gap)
    monkeypatch.setattr(candidates, "STRETCH_SHARE", 1e9)  # always stretches, never the gather
    matcher, _ = _stretch_world()
    index = matcher.index
    engine = copy.copy(matcher)  # then dead rows in the curve copy: dropped openings
    engine.update_openings([], [index.ids[j] for j in range(0, len(index.ids), 9)])
    for m in (matcher, engine):
        spatial, ix = m._spatial(m.index), m.index
        rng = np.random.default_rng(gap)
        for size in (1, 5, 60, len(ix.ids)):
            cols = np.sort(rng.choice(len(ix.ids), size=size, replace=False))
            sub, by_id = spatial.take_around(cols)
            ids = [sub.ids[int(k)] for k in by_id]
            assert ids == sorted(set(ids)) and {ix.ids[j] for j in cols} <= set(ids)
            at = np.array([ix.position[i] for i in sub.ids])  # each row: one live opening of the index
            want = gather(ix, at)
            for f in ("hours", "wage", "xyz", "shifts", "demands", "employer_code"):
                assert np.array_equal(getattr(sub, f), getattr(want, f), equal_nan=True), f
            for f in ("text", "areas", "req_skills", "words"):
                got, exp = getattr(sub, f).tocsr(), getattr(want, f).tocsr()
                assert (got != exp).nnz == 0 and got.has_canonical_format, f
            if gap == 0:  # only the candidates themselves
                assert len(sub.ids) == len(cols)


def test_shortlists_are_the_same_from_stretches_and_from_gathered_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)  # a small pool: never fall back to all
    matcher, world = _stretch_world()
    kwargs = {"k": 5, "blocked": world.blocked, "explain_exclusions": False}

    def shortlists() -> list[object]:
        return [matcher.recommend([c], near_misses=n, **kwargs) for c in world.clients for n in (0, 5)]

    monkeypatch.setattr(candidates, "STRETCH_GAP", 10**9)  # every row between two candidates too
    monkeypatch.setattr(candidates, "STRETCH_SHARE", 1e9)
    wide = shortlists()
    monkeypatch.setattr(candidates.SpatialCopy, "take_around", candidates.SpatialCopy.take)
    assert shortlists() == wide


@pytest.mark.parametrize("seed", range(30))
def test_dense_sums_of_a_few_rows_give_scipys_bits(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n_a, n_b, width = int(rng.integers(1, 4)), int(rng.integers(1, 400)), int(rng.integers(8, 60))
    a = sp.lil_matrix((n_a, width), dtype=np.float32)
    for r in range(n_a):  # up to 8 entries a row: each pair sums up to 8 products
        cols = rng.choice(width, size=int(rng.integers(0, 9)), replace=False)
        a[r, cols] = rng.uniform(0.01, 1.0, len(cols)).astype(np.float32)
    a = a.tocsr()
    a.sort_indices()
    b = sp.random(n_b, width, density=rng.uniform(0.05, 0.9), format="csr", dtype=np.float32, rng=rng)
    n = int(rng.integers(1, 2_000))
    ci, ji = rng.integers(0, n_a, n), rng.integers(0, n_b, n)
    assert scoring._dense_fits(a, n_b, ci)
    by_column = b.tocsc()
    by_column.sort_indices()
    got = scoring._rowdot_dense(a, by_column, ci, ji)
    assert np.array_equal(got.view(np.int64), scipy_rowdot(a, b, ci, ji).view(np.int64))


def test_near_misses_scored_with_the_feasible_pairs_are_those_scored_on_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = spread_world(5, n_clients=10, n_openings=400)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)

    def shortlists() -> list[object]:
        return [
            matcher.recommend([c], k=5, blocked=world.blocked, explain_exclusions=False, near_misses=n)
            for c in world.clients
            for n in (1, 5)
        ]

    together = shortlists()
    assert any(s.near_misses for [s] in together)  # type: ignore[attr-defined]
    monkeypatch.setattr(pipeline, "BOUND_FROM", 0)  # scored apart: bounds first, then the best
    assert shortlists() == together


def test_a_candidate_query_with_a_cap_gives_the_lists_or_none() -> None:
    world = spread_world(3, n_clients=8, n_openings=300)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    index = candidates.CandidateIndex.build(matcher.index, live_only=False)
    points = candidates.radians(world.clients)
    reach = candidates.reach_km(world.clients, matcher.config.commute)
    lists = index.query(points, reach)
    most = max(len(cols) for cols in lists)
    for cap in (0, most - 1, most, most + 10):
        got = index.query(points, reach, cap)
        if cap >= most:
            assert got is not None and all(np.array_equal(g, w) for g, w in zip(got, lists, strict=True))
        elif got is not None:  # None is sure only when the tree's rows alone pass the cap
            assert all(np.array_equal(g, w) for g, w in zip(got, lists, strict=True))


def test_excluded_employers_match_the_same_whatever_names_come_with_them() -> None:
    from matcher.features import clients as features_clients

    employers = ("Lakeview Diner", "Corner Grill", "Lakeview Diner & Bar", "Harbor Freight")
    alone = {n: features_clients._similar_employers((n,), employers) for n in ("Lakeview Diner", "Grill")}
    features_clients._SIMILAR.clear()
    both = features_clients._similar_employers(("Grill", "Lakeview Diner"), employers)
    assert np.array_equal(both[0], alone["Grill"][0]) and np.array_equal(both[1], alone["Lakeview Diner"][0])
    assert both.tolist()[1][:3] == [100.0, 0.0, 100.0]


def test_one_clients_factors_are_those_it_gets_in_a_batch() -> None:
    world = worlds.random_world(9, n_clients=12, n_openings=200)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    together = matcher.score(world.clients, blocked=world.blocked)
    for c, client in enumerate(world.clients):
        alone = matcher.score([client], blocked=world.blocked)
        mine = together.scores.factors.rows == c
        assert np.array_equal(alone.scores.factors.cols, together.scores.factors.cols[mine])
        got, want = alone.scores.factors.values, together.scores.factors.values[:, mine]
        assert (
            got.tobytes() == want.tobytes()
            and alone.scores.total.tobytes() == together.scores.total[mine].tobytes()
        )


def test_an_unpickled_engine_keeps_the_column_copy_and_its_shortlists() -> None:
    import pickle

    world = worlds.random_world(4, n_clients=6, n_openings=150)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    loaded = pickle.loads(pickle.dumps(matcher))
    assert memo.known(scoring.BY_COLUMN, (loaded.index.text.indices, loaded.index.text.data)) is not None
    for c in world.clients:
        kwargs = {"k": 5, "blocked": world.blocked, "explain_exclusions": False, "near_misses": 3}
        assert loaded.recommend([c], **kwargs) == matcher.recommend([c], **kwargs)  # type: ignore[arg-type]


def test_text_products_of_a_curve_selection_read_the_fitted_columns_with_the_same_bits() -> None:
    matcher, world = _stretch_world()
    index = matcher.index
    spatial = matcher._spatial(index)
    rng = np.random.default_rng(3)
    batch = matcher.score(world.clients[:1]).clients
    for size in (5, 60, len(index.ids)):
        cols = np.sort(rng.choice(len(index.ids), size=size, replace=False))
        for sub, _ in (spatial.take_around(cols), spatial.take(cols)):
            parent, rows = memo.known(candidates.TEXT_ROWS_OF, (sub.text.indices, sub.text.data))  # type: ignore[misc]
            assert parent is index.text and [index.ids[j] for j in rows] == list(sub.ids)
            ji = rng.integers(0, len(sub.ids), 500)
            ci = np.zeros(500, dtype=np.int64)
            got = scoring._rowdot(batch.query, sub.text, ci, ji)
            assert np.array_equal(
                got.view(np.int64), scipy_rowdot(batch.query, sub.text, ci, ji).view(np.int64)
            )
