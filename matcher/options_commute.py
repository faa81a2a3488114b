"""The changed commutes of the options, estimated over just the pairs a change may open.

A longer limit or a learned mode changes a client's commute; of its row only the pairs whose
one failed rule is the commute (and which some change may open) are read again. Without a
router or a travel-time table, each pair's minutes depend on that pair alone, so they are
estimated here for those pairs only, through the estimate's own steps
(``matcher.commute.within_reach`` and ``estimated_by_mode``), so the same minutes, mode and
feasibility as the whole block's estimate gives at those pairs.
"""

from __future__ import annotations

import numpy as np

from matcher.commute import UNREACHABLE, estimated_by_mode, reach_km, within_reach
from matcher.config import CommuteConfig
from matcher.features import ClientBatch, OpeningIndex


def listed_commute(
    clients: ClientBatch, index: OpeningIndex, ri: np.ndarray, ji: np.ndarray, *, config: CommuteConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minutes, mode and feasibility of pairs ``(ri[p], ji[p])`` of ``clients`` x ``index``.

    What ``commute.estimate(clients, index, config=config)`` gives at those pairs (no router, no table).
    """
    rows = np.unique(ri)
    reach = np.zeros(len(clients.clients))
    reach[rows] = reach_km([clients.clients[int(r)] for r in rows], config, None)
    near, km = within_reach(clients, index, reach, ri, ji)
    best = np.full(len(ri), UNREACHABLE)
    best_mode = np.full(len(ri), -1, dtype=np.int8)
    for m, _, has, minutes in estimated_by_mode(clients, index, ri[near], ji[near], km, config):
        p = near[has]
        better = minutes < best[p]
        best[p[better]] = minutes[better]
        best_mode[p[better]] = m
    remote = index.remote[ji]
    best[remote] = 0.0
    best_mode[remote] = -1
    return best, best_mode, best <= clients.limit[ri]
