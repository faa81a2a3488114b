"""Cheap necessary conditions for feasibility, checked pair by pair before scoring.

Within commuting reach, most pairs still fail a plain limit of the client's
(a shift outside their availability, hours out of range, wage below floor,
earnings above their cap, a required accommodation missing, a named
exclusion). Each test below mirrors one rule of ``matcher.constraints`` on
the same arrays, so a pair it rejects is one the engine would exclude; the
engine still checks every remaining pair in full (commute by mode and service
hours, rejections). The geography-only path (``prefilter=False``) and a test
comparing blocked with unblocked shortlists guard this mirror.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matcher import schedule
from matcher.features import ClientBatch, OpeningIndex


def _bits(flags: np.ndarray) -> np.ndarray:
    """(n, A) bool -> (n,) uint64 bit sets (A <= 64 accommodations)."""
    if flags.shape[1] > 64:
        raise ValueError("more than 64 accommodation codes: cannot pack into one word")
    weights = np.left_shift(np.uint64(1), np.arange(flags.shape[1], dtype=np.uint64))
    return np.asarray((flags.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64))


def possibly_feasible(
    clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """(P,) bool: pair (rows[p], cols[p]) passes every cheap hard constraint.

    Parameters
    ----------
    clients : ClientBatch
        Built against ``index`` (its named-exclusion masks are (C, J) on it).
    index : OpeningIndex
    rows, cols : ndarray of int
        Pairs as client rows of ``clients`` and opening columns of ``index``.

    Returns
    -------
    ndarray of bool
        False only where the engine's ``failed_codes`` is certainly non-zero.
    """
    # Most selective first; later tests only see the pairs still standing.
    keep = np.arange(len(rows))
    n_patterns = len(index.shift_patterns)
    table = schedule.fits(clients.avail, index.shift_patterns, np.arange(n_patterns))
    for test in (_schedule(table), _hours, _money, _accommodations_met, _exclusions):
        ok = test(clients, index, rows[keep], cols[keep])
        keep = keep[ok]
    out = np.zeros(len(rows), dtype=bool)
    out[keep] = True
    return out


Test = Callable[[ClientBatch, OpeningIndex, np.ndarray, np.ndarray], np.ndarray]


def _schedule(table: np.ndarray) -> Test:
    """Every shift slot inside the availability (``schedule.fits`` per distinct pattern)."""

    def test(clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        del clients
        return np.asarray(table[rows, index.shift_inverse[cols]], dtype=bool)

    return test


def _hours(clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    hours = index.hours[cols]
    return np.asarray((hours >= clients.min_hours[rows]) & (hours <= clients.max_hours[rows]))


def _money(clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    ok = index.wage[cols] >= clients.wage_floor[rows]
    return np.asarray(ok & (index.monthly[cols] <= clients.earnings_cap[rows]))


def _exclusions(clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    ok = ~(clients.excluded_by_employer[rows, cols] | clients.excluded_by_keyword[rows, cols])
    checked = index.background_check & ~index.fair_chance
    ok &= ~(clients.avoid_background_check[rows] & checked[cols])
    return np.asarray(ok & ~_excluded_industry(clients, index, rows, cols))


def _accommodations_met(
    clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Every required accommodation is offered to all, or on request when the client discloses."""
    required = _bits(clients.required)
    to_all = _bits(index.offered)
    on_disclosure = _bits(index.offered | index.on_request)
    given = np.where(clients.discloses[rows], on_disclosure[cols], to_all[cols])
    return np.asarray((required[rows] & ~given) == 0)


def _excluded_industry(
    clients: ClientBatch, index: OpeningIndex, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    out = np.zeros(len(rows), dtype=bool)
    if not clients.excluded_industries.any():
        return out
    code = index.industry_code[cols]
    known = code >= 0
    out[known] = clients.excluded_industries[rows[known], code[known]]
    return out
