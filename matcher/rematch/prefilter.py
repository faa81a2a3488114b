"""Cheap necessary conditions for feasibility, checked pair by pair before scoring.

Within commuting reach, most pairs still fail a plain limit of the client's
(a shift outside their availability, hours out of range, wage below floor,
earnings above their cap, a required accommodation missing, a named
exclusion). These are the rules of the engine's own table
(``matcher.constraints.RULES``) that declare themselves ``prefilter``, run on
gathered pairs instead of a dense block, so a pair rejected here is one the
engine would exclude; the engine still checks every remaining pair in full
(commute by mode and service hours, rejections).
"""

from __future__ import annotations

import numpy as np

from matcher import constraints
from matcher.features import ClientBatch, OpeningIndex


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
    return constraints.passes_at(clients, index, rows, cols, rules=constraints.PREFILTER)
