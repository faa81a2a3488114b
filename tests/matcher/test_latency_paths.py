"""The shortcuts of one shortlist's fixed costs give exactly what the plain computations give.

Row products read from the fitted index's columns, the TF-IDF of a client's words computed
without scikit-learn's input checks, values kept per index array, excluded employer names
compared once: each against the computation it replaces, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from matcher import Matcher, memo, scoring
from matcher.features.clients import _named_exclusions
from matcher.features.text import fit_text_model, transform_texts
from tests.matcher import worlds
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
