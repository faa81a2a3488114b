"""Shared fixtures of the matcher tests: vocabularies, a few hand-made records, fitted matchers.

Record builders and the seeded random worlds live in ``tests/matcher/worlds.py``
(importable by hypothesis strategies); the per-pair reference in
``tests/matcher/reference.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from matcher import Matcher, MatcherConfig
from matcher.config import RankingConfig
from matcher.types import Client, Opening
from matcher.vocab import Vocabulary, load_vocabulary
from tests.matcher import worlds
from tests.matcher.reference import Reference

FitFn = Callable[..., Matcher]


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return load_vocabulary()


@pytest.fixture(scope="session")
def as_of():
    return worlds.AS_OF


@pytest.fixture(scope="session")
def wide_config() -> MatcherConfig:
    """No employer cap in practice: ``recommend(k=J)`` returns the whole feasible set."""
    return MatcherConfig(ranking=RankingConfig(k=10, max_per_employer=10_000))


@pytest.fixture(scope="session")
def fit() -> FitFn:
    """``fit(openings, config=None)`` -> a Matcher fitted as of the test date."""

    def make(openings: Sequence[Opening], config: MatcherConfig | None = None) -> Matcher:
        return Matcher(config).fit(list(openings), as_of=worlds.AS_OF)

    return make


@pytest.fixture(scope="session")
def reference_for() -> Callable[[Matcher], Reference]:
    """The per-pair reference sharing a fitted matcher's text model and config."""

    def make(matcher: Matcher) -> Reference:
        assert matcher.text_model is not None
        return Reference(as_of=worlds.AS_OF, text_model=matcher.text_model, config=matcher.config)

    return make


@pytest.fixture(scope="module")
def small_openings() -> list[Opening]:
    """A few hand-made openings near the default client's home."""
    return [
        worlds.opening(id="O-dish", title="Dishwasher", employer="Lakeview Diner"),
        worlds.opening(id="O-cook", title="Prep cook", employer="Lakeview Diner",
                       required_skills=["food prep"], hourly_wage=16.0),  # fmt: skip
        worlds.opening(id="O-stock", title="Stock clerk", employer="Northside Grocers",
                       industry="grocery", required_skills=["stocking"], demands={}),  # fmt: skip
        worlds.opening(id="O-night", title="Night cleaner", employer="Bright Cleaning Co",
                       industry="cleaning", shifts=["Fri 22:00-06:00"], hours_per_week=8),  # fmt: skip
        worlds.opening(id="O-remote", title="Data entry clerk", employer="City Library", industry="office",
                       location=None, remote=True, required_skills=["data entry"]),  # fmt: skip
    ]


@pytest.fixture(scope="module")
def small_matcher(small_openings: list[Opening]) -> Matcher:
    return Matcher().fit(small_openings, as_of=worlds.AS_OF)


@pytest.fixture(scope="module")
def default_client() -> Client:
    return worlds.client()
