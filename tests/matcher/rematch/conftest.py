"""Fixtures of the re-match tests: a generated two-metro caseload and its fitted engine."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from matcher import Matcher, demo
from matcher.batch import score_frame
from matcher.config import FACTORS
from matcher.rematch.context import ScoringContext
from matcher.rematch.rescore import Inputs, fit_matcher, load_inputs


@dataclass(frozen=True)
class Generated:
    """Validated records, a plain fitted Matcher (the reference) and the re-match context."""

    inputs: Inputs
    matcher: Matcher
    context: ScoringContext


@pytest.fixture(scope="session")
def generated() -> Generated:
    """160 clients x 900 openings over two metro areas (seeded)."""
    raw_clients, raw_openings = demo.generate(11, n_clients=160, n_openings=900, metros=2)
    inputs = load_inputs(raw_clients, raw_openings)
    plain = Matcher().fit(inputs.openings, as_of=demo.DEMO_AS_OF)
    cached = fit_matcher(inputs.openings, as_of=demo.DEMO_AS_OF)
    return Generated(inputs, plain, ScoringContext.from_matcher(cached, k=10))


def reference_rows(matcher: Matcher, clients: list, *, k: int, blocked: dict | None = None) -> pd.DataFrame:
    """Top-k of every client against every opening, with the displayed numbers of ``Matcher.recommend``.

    ``score_frame`` scores each client against the whole index (no candidates, no
    prefilter, no chunk groups); its rows are the ones shortlists show (``matcher.rows``).
    """
    return sorted_rows(score_frame(matcher, clients, k=k, blocked=blocked))


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in (client id, rank) order, without the congestion flag, for exact comparison."""
    cols = ["client_id", "rank", "opening_id", "score", *(f"contrib_{f}" for f in FACTORS)]
    out = frame[cols].sort_values(["client_id", "rank"], ignore_index=True)
    return out.astype({"rank": "int64", "client_id": object, "opening_id": object})
