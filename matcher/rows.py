"""Top-k suggestion rows, with the displayed numbers of ``Matcher.recommend``.

``Matcher.recommend`` rounds each suggestion's per-factor points to hundredths
by largest remainder (``pipeline.round_contributions``) so they add up to the
displayed score; :func:`round_points` does the same on whole arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from matcher.config import FACTORS
from matcher.scoring import Scores

CONTRIB_COLUMNS = tuple(f"contrib_{f}" for f in FACTORS)
ROW_COLUMNS = ("client_id", "rank", "opening_id", "score", *CONTRIB_COLUMNS)


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
        Unrounded per-factor points (``100 * weight * factor``).

    Returns
    -------
    contributions : ndarray of shape (N, F)
        Rounded points; each row adds up exactly to ``score``.
    score : ndarray of shape (N,)
        The displayed score (two decimals).
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


def top_rows(
    client_ids: Sequence[str], opening_ids: Sequence[str], tops: Sequence[np.ndarray], scores: Scores
) -> dict[str, np.ndarray]:
    """Columns (client_id, rank, opening_id, score, contrib_*) of each client's top-k.

    Returned as arrays; :func:`rows_frame` joins the parts of many blocks into one frame.
    """
    if not any(len(t) for t in tops):
        return {}
    rows = np.concatenate([np.full(len(t), c, dtype=np.int64) for c, t in enumerate(tops)])
    cols = np.concatenate([np.asarray(t, dtype=np.int64) for t in tops])
    ranks = np.concatenate([np.arange(1, len(t) + 1, dtype=np.int64) for t in tops])
    points = np.stack(
        [100.0 * scores.weights[rows, k] * scores.factors[k, rows, cols] for k in range(len(FACTORS))],
        axis=1,
    )
    contrib, score = round_points(points)
    data = {
        "client_id": np.asarray(client_ids, dtype=object)[rows],
        "rank": ranks,
        "opening_id": np.asarray(opening_ids, dtype=object)[cols],
        "score": score,
    }
    for k, name in enumerate(CONTRIB_COLUMNS):
        data[name] = contrib[:, k]
    return data


def rows_frame(parts: Sequence[dict[str, np.ndarray]]) -> pd.DataFrame:
    """One frame of many :func:`top_rows` parts (empty parts are skipped)."""
    parts = [p for p in parts if p]
    if not parts:
        return empty_rows()
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in ROW_COLUMNS})
