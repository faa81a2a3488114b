"""Result rows, the one place a suggestion's displayed numbers are made.

A row is one suggestion: ``client_id, rank, opening_id, score, contrib_<factor>``.
Each pair's per-factor points (``100 * weight * factor``) are rounded to
hundredths by largest remainder, so the displayed contributions add up exactly
to the displayed score. Interactive shortlists (``Matcher.recommend`` and
``explain``), the batch frame (``batch.score_frame``) and the nightly re-match
(``rematch.chunks``) all take their numbers from :func:`top_rows`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from matcher.config import FACTORS
from matcher.scoring import Scores

CONTRIB_COLUMNS = tuple(f"contrib_{f}" for f in FACTORS)
ROW_COLUMNS = ("client_id", "rank", "opening_id", "score", *CONTRIB_COLUMNS)

Rows = dict[str, np.ndarray]  # column name -> values, as :func:`top_rows` returns them


def empty_rows() -> pd.DataFrame:
    """A rows frame with no rows and the right columns."""
    return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in ROW_COLUMNS})


def _dtype(column: str) -> str:
    return {"client_id": "object", "opening_id": "object", "rank": "int64"}.get(column, "float64")


def round_points(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Largest-remainder rounding of (N, F) points to hundredths, row by row.

    Parameters
    ----------
    points : ndarray of shape (N, F)
        Unrounded per-factor points (``100 * weight * factor``), columns in
        :data:`~matcher.config.FACTORS` order (ties go to the earlier factor).

    Returns
    -------
    contributions : ndarray of shape (N, F)
        Rounded points; each row adds up exactly to ``score``.
    score : ndarray of shape (N,)
        The displayed score (two decimals): the unrounded total, rounded.
    """
    n, f = points.shape
    cents = points * 100.0
    total = np.zeros(n)
    for k in range(f):  # sequential, as Python's sum() adds them
        total = total + cents[:, k]
    floors = np.floor(cents)
    short = np.rint(total).astype(np.int64) - floors.astype(np.int64).sum(axis=1)
    remainder = cents - floors
    factor_index = np.broadcast_to(np.arange(f), (n, f))
    order = np.lexsort((factor_index, -remainder), axis=-1)
    place = np.empty_like(order)
    np.put_along_axis(place, order, factor_index, axis=1)
    cents_int = floors.astype(np.int64) + (place < np.maximum(short, 0)[:, None])
    return cents_int / 100.0, cents_int.sum(axis=1) / 100.0


def round_contributions(contrib: Mapping[str, float]) -> dict[str, float]:
    """One suggestion's points rounded as :func:`round_points` rounds a row.

    ``contrib`` maps factor names (a subset of ``FACTORS``) to points; the
    rounded parts add up exactly to the rounded total.
    """
    points = np.array([[contrib.get(f, 0.0) for f in FACTORS]], dtype=np.float64)
    rounded = dict(zip(FACTORS, round_points(points)[0][0].tolist(), strict=True))
    return {f: rounded[f] for f in contrib}


def pair_points(scores: Scores, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(N, F) unrounded points ``100 * weight * factor`` of the feasible pairs (rows[i], cols[i])."""
    factors: np.ndarray = scores.factors[:, rows, cols]  # (F, N)
    points: np.ndarray = 100.0 * scores.weights[rows] * factors.T  # the order of Scores.contributions
    return points


def top_rows(
    client_ids: Sequence[str], opening_ids: Sequence[str], tops: Sequence[np.ndarray], scores: Scores
) -> Rows:
    """Columns (client_id, rank, opening_id, score, contrib_*) of each client's ranked openings.

    Parameters
    ----------
    client_ids, opening_ids : sequences of str
        Ids of the rows and columns of ``scores``.
    tops : sequence of ndarray
        Per client, the columns in rank order (``ranking.top_k``).
    scores : Scores

    Returns
    -------
    Rows
        Rows grouped by client in ``tops`` order, rank 1 first; ``{}`` when
        there are none. :func:`rows_frame` joins the parts of many calls.
    """
    if not any(len(t) for t in tops):
        return {}
    rows = np.concatenate([np.full(len(t), c, dtype=np.int64) for c, t in enumerate(tops)])
    cols = np.concatenate([np.asarray(t, dtype=np.int64) for t in tops])
    ranks = np.concatenate([np.arange(1, len(t) + 1, dtype=np.int64) for t in tops])
    contrib, score = round_points(pair_points(scores, rows, cols))
    data = {  # ids gathered one by one: the index may hold 100k of them
        "client_id": np.array([client_ids[i] for i in rows.tolist()], dtype=object),
        "rank": ranks,
        "opening_id": np.array([opening_ids[j] for j in cols.tolist()], dtype=object),
        "score": score,
    }
    for k, name in enumerate(CONTRIB_COLUMNS):
        data[name] = contrib[:, k]
    return data


def rows_frame(parts: Sequence[Rows]) -> pd.DataFrame:
    """One frame of many :func:`top_rows` parts (empty parts are skipped)."""
    parts = [p for p in parts if p]
    if not parts:
        return empty_rows()
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in ROW_COLUMNS})
