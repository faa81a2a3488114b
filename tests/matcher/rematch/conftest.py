"""Fixtures of the re-match tests: a generated two-metro caseload and its fitted engine."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from matcher import Matcher, demo
from matcher.batch import score_frame
from matcher.config import FACTORS
from matcher.pipeline import round_contributions
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
    """Unblocked top-k of every client, with the displayed numbers of ``Matcher.recommend``.

    ``score_frame`` scores each client against every opening; the pipeline's own
    ``round_contributions`` then rounds the points as a Suggestion shows them.
    """
    frame = score_frame(matcher, clients, k=k, blocked=blocked)
    records = []
    for row in frame.to_dict("records"):
        rounded = round_contributions({f: row[f"contrib_{f}"] for f in FACTORS})
        records.append(
            {
                "client_id": row["client_id"],
                "rank": int(row["rank"]),
                "opening_id": row["opening_id"],
                "score": round(sum(rounded.values()), 2),
                **{f"contrib_{f}": rounded[f] for f in FACTORS},
            }
        )
    return sorted_rows(pd.DataFrame(records, columns=list(frame.columns)))


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in (client id, rank) order, without the congestion flag, for exact comparison."""
    cols = ["client_id", "rank", "opening_id", "score", *(f"contrib_{f}" for f in FACTORS)]
    out = frame[cols].sort_values(["client_id", "rank"], ignore_index=True)
    return out.astype({"rank": "int64", "client_id": object, "opening_id": object})
