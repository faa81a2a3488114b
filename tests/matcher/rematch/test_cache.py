"""Memoised vocabulary look-ups and texts give exactly the answers of the plain vocabulary and model."""

from __future__ import annotations

import pickle

import numpy as np

from matcher.features import fit_text_model
from matcher.rematch.cache import CachedTermIndex, caching_vocabulary, distinct_text_model
from matcher.vocab import load_vocabulary

PHRASES = [
    "dish washing",
    "dishwashr",
    "working with animals",
    "Dogs",
    "space travel",
    "",
    "data entry",
    "dish washing",
    "cleaning",
    "computers",
    "kitchen work",
]


def test_cached_resolve_and_find_match_the_plain_index() -> None:
    plain = load_vocabulary()
    cached = caching_vocabulary(plain)
    for name in ("work_areas", "industries", "skills"):
        a, b = getattr(plain, name), getattr(cached, name)
        assert isinstance(b, CachedTermIndex)
        for cutoff in (86.0, 70.0):
            assert b.resolve(PHRASES, score_cutoff=cutoff) == a.resolve(PHRASES, score_cutoff=cutoff)
            assert b.resolve(PHRASES[::-1], score_cutoff=cutoff) == a.resolve(
                PHRASES[::-1], score_cutoff=cutoff
            )
        for text in (
            "Dishwasher PT nights restaurant",
            "Warehouse packer",
            "Dishwasher PT nights restaurant",
        ):
            assert b.find_in_text(text) == a.find_in_text(text)


def test_caching_twice_does_not_wrap_twice() -> None:
    once = caching_vocabulary(load_vocabulary())
    assert caching_vocabulary(once).skills is once.skills


def test_distinct_text_model_gives_the_rows_of_the_plain_model() -> None:
    plain = fit_text_model(["dish washing at a restaurant", "warehouse packer nights", "dog walker"])
    model = distinct_text_model(plain)
    texts = ["dog walker", "dish washing", "dog walker", "", "packer", "dish washing"]
    for batch in (texts, texts[:3], ["unseen words only"]):
        want, got = plain.transform(batch).toarray(), model.transform(batch).toarray()
        assert got.dtype == want.dtype and np.array_equal(got, want)
    assert distinct_text_model(model) is model
    assert np.array_equal(
        pickle.loads(pickle.dumps(model)).transform(texts).toarray(), plain.transform(texts).toarray()
    )
