"""Top-k per client: best score first, ties by opening id, a cap per employer."""

from __future__ import annotations

import numpy as np


def top_k(
    scores: np.ndarray, employer_code: np.ndarray, *, n: int, max_per_employer: int
) -> list[np.ndarray]:
    """Indices of each row's top ``n`` feasible columns.

    Parameters
    ----------
    scores : ndarray of shape (C, J)
        Scores with NaN for excluded pairs (never returned).
    employer_code : ndarray of shape (J,)
        Employer of each column; at most ``max_per_employer`` per employer.
    n : int
        How many to return per row.
    max_per_employer : int
        Cap on suggestions from one employer.

    Returns
    -------
    list of ndarray
        Per row, column indices best first. Columns are in opening-id order, so
        equal scores break ties by id (stable sort).
    """
    out = []
    # Round so that float noise never decides an order; ties then go to the lower id.
    rounded = np.round(scores, 6)
    for row in rounded:
        feasible = np.flatnonzero(~np.isnan(row))
        out.append(_pick(feasible, row[feasible], employer_code, n, max_per_employer))
    return out


def top_k_pairs(
    rows: np.ndarray,
    cols: np.ndarray,
    scores: np.ndarray,
    n_rows: int,
    employer_code: np.ndarray,
    *,
    n: int,
    max_per_employer: int,
) -> list[np.ndarray]:
    """:func:`top_k` of the scores of listed pairs, without a dense (C, J) array.

    ``rows`` ascending and, within a row, ``cols`` ascending (the pairs of a dense
    array in row-major order): each row's columns are then those :func:`top_k`
    sees, in the same order, so the result is the same.
    """
    rounded = np.round(scores, 6)  # elementwise, as top_k rounds the dense array
    at = np.searchsorted(rows, np.arange(n_rows + 1))
    out = []
    for r in range(n_rows):
        cols_r, values = cols[at[r] : at[r + 1]], rounded[at[r] : at[r + 1]]
        known = ~np.isnan(values)
        if not known.all():
            cols_r, values = cols_r[known], values[known]
        out.append(_pick(cols_r, values, employer_code, n, max_per_employer))
    return out


def _pick(feasible: np.ndarray, values: np.ndarray, employer: np.ndarray, n: int, cap: int) -> np.ndarray:
    """The best ``n`` of columns ``feasible`` (ascending) with rounded scores ``values``, cap applied."""
    if len(feasible) == 0:
        return feasible.astype(np.int64)
    # Look at a generous head first; fall back to the whole row if the cap thins it out.
    head = min(len(feasible), n * cap * 4)
    for limit in (head, len(feasible)):
        if limit < len(feasible):
            threshold = np.partition(values, len(values) - limit)[len(values) - limit]
            keep = values >= threshold  # keeps every tie at the boundary
            cand, cand_values = feasible[keep], values[keep]
        else:
            cand, cand_values = feasible, values
        order = cand[np.lexsort((cand, -cand_values))]
        picked = _cap(order, employer, n, cap)
        if len(picked) == n or limit == len(feasible):
            return picked
    return picked  # pragma: no cover - loop always returns


def _cap(order: np.ndarray, employer: np.ndarray, n: int, cap: int) -> np.ndarray:
    counts: dict[int, int] = {}
    picked = []
    for j in order:
        e = int(employer[j])
        if counts.get(e, 0) < cap:
            counts[e] = counts.get(e, 0) + 1
            picked.append(j)
            if len(picked) == n:
                break
    return np.asarray(picked, dtype=np.int64)
