"""The fairness audit for auditors and admins, and the demographics it aggregates.

Demographics are self-reported, optional, recorded by the client's specialist with the
client's consent, and read back by no one: no page or route returns one client's answers.
The audit aggregates them with three selections per client (got at least one suggestion, in
a stored recommendation record, interactive or nightly; approved by the specialist; hired)
and the client's best suggestion score. The engine never reads them: ``api.matching``,
``api.shortlists`` and ``matcher`` do not import this module or its table (import-linter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.store import outcomes as store
from matcher.csvout import rows_to_csv
from matcher.outcomes import FOUR_FIFTHS, GROUPINGS, MIN_GROUP, UNSTATED, impact_ratios, score_comparison
from matcher.outcomes.groups import ATTRIBUTES, label

SELECTIONS = {
    "suggested": "Got at least one suggestion",
    "approved": "A suggestion approved by the specialist",
    "hired": "Hired",
}
SEED = 20261201  # the bootstrap's seed: the same data give the same intervals
CSV_COLUMNS = (
    "selection",
    "grouping",
    "group",
    "n",
    "rate",
    "impact_ratio",
    "ci_low",
    "ci_high",
    "reference",
    "suppressed",
    "flag",
)


@dataclass(frozen=True, slots=True)
class FairnessAudit:
    """Impact ratios and score comparisons of the program (aggregates only)."""

    clients: int
    with_answers: int
    ratios: list[dict[str, Any]]
    scores: list[dict[str, Any]]


def audit_frame(session: Session) -> pd.DataFrame:
    """One row per client: its groups (``not_stated`` when missing), selections and best score."""
    rows = store.demographic_rows(session)
    scores = store.best_scores(session)
    approved = store.clients_with_action(session, action="approve")
    hired = store.placed_client_ids(session) | store.clients_with_action(session, action="hired")
    frame = pd.DataFrame(rows, columns=["client_id", *ATTRIBUTES])
    frame["answered"] = frame[list(ATTRIBUTES)].notna().any(axis=1)
    frame[list(ATTRIBUTES)] = frame[list(ATTRIBUTES)].fillna(UNSTATED)
    frame["top_score"] = frame["client_id"].map(scores).astype(float)
    frame["suggested"] = frame["top_score"].notna()
    frame["approved"] = frame["client_id"].isin(approved)
    frame["hired"] = frame["client_id"].isin(hired)
    return frame


def run_audit(session: Session) -> FairnessAudit:
    """The audit over every client of the program."""
    frame = audit_frame(session)
    ratios = impact_ratios(frame, selections=list(SELECTIONS), groupings=GROUPINGS, seed=SEED)
    scores = score_comparison(frame, score="top_score", groupings=GROUPINGS, seed=SEED)
    return FairnessAudit(
        clients=len(frame),
        with_answers=int(frame["answered"].sum()),
        ratios=[_words(r) for r in ratios],
        scores=[_words(r) for r in scores],
    )


def _words(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with ``group_words`` (each code in words) beside the codes."""
    columns = row["grouping"].split(" × ")
    codes = row["group"].split(" × ")
    words = " × ".join(label(c, v) for c, v in zip(columns, codes, strict=True))
    return row | {"group_words": words, "under_four_fifths": _under(row)}


def _under(row: dict[str, Any]) -> bool:
    ratio = row.get("impact_ratio")
    return ratio is not None and ratio < FOUR_FIFTHS


def audit_csv(audit: FairnessAudit) -> str:
    """The impact ratios as CSV (suppressed groups with blank figures; text cells escaped)."""
    body = ([_cell(r.get(c)) for c in CSV_COLUMNS] for r in audit.ratios)
    return rows_to_csv(CSV_COLUMNS, body)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return value


__all__ = ["MIN_GROUP", "SELECTIONS", "FairnessAudit", "audit_csv", "run_audit"]
