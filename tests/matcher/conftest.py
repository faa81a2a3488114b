"""Shared fixtures of the matcher tests: a few hand-made openings, a client and a fitted matcher.

Record builders and the seeded random worlds live in ``tests/matcher/worlds.py``
(importable by hypothesis strategies); the per-pair reference in
``tests/matcher/reference.py``.
"""

from __future__ import annotations

import pytest

from matcher import Matcher
from matcher.types import Client, Opening
from tests.matcher import worlds


@pytest.fixture(scope="module")
def small_openings() -> list[Opening]:
    """A few hand-made openings near the default client's home."""
    return [
        worlds.opening(id="O-dish", title="Dishwasher", employer="Lakeview Diner"),
        worlds.opening(
            id="O-cook",
            title="Prep cook",
            employer="Lakeview Diner",
            required_skills=["food prep"],
            hourly_wage=16.0,
        ),
        worlds.opening(
            id="O-stock",
            title="Stock clerk",
            employer="Northside Grocers",
            industry="grocery",
            required_skills=["stocking"],
            demands={},
        ),
        worlds.opening(
            id="O-night",
            title="Night cleaner",
            employer="Bright Cleaning Co",
            industry="cleaning",
            shifts=["Fri 22:00-06:00"],
            hours_per_week=8,
        ),
        worlds.opening(
            id="O-remote",
            title="Data entry clerk",
            employer="City Library",
            industry="office",
            location=None,
            remote=True,
            required_skills=["data entry"],
        ),
    ]


@pytest.fixture(scope="module")
def small_matcher(small_openings: list[Opening]) -> Matcher:
    """The small openings, fitted as of the test date."""
    return Matcher().fit(small_openings, as_of=worlds.AS_OF)


@pytest.fixture(scope="module")
def default_client() -> Client:
    """The client of ``worlds.client_record()``: transit, 45 minutes, 10-30 h/week, floor $12."""
    return worlds.client()
