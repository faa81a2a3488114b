"""The changed commutes of the options, estimated over just the pairs a change may open.

A longer limit or a learned mode changes a client's commute; of its row only the pairs whose
one failed rule is the commute (and which some change may open) are read again. Without a
router or a travel-time table, each pair's minutes depend on that pair alone, so they are
estimated here for those pairs only: the same steps and arithmetic as
``matcher.commute.estimate`` (the chord-space reach test, the estimate by mode at the shift's
hour, unserved openings, remote ones), element by element, so the same minutes, mode and
feasibility as the whole block's estimate gives at those pairs.
"""

from __future__ import annotations

import numpy as np

from matcher import geo, memo
from matcher.commute import UNREACHABLE, fastest_hour, mode_minutes, reach_km, trip_hour
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
    a, b = clients.xyz, index.xyz
    dot = a[ri, 0] * b[ji, 0] + a[ri, 1] * b[ji, 1] + a[ri, 2] * b[ji, 2]  # as geo.dot, pair by pair
    near = np.flatnonzero(dot >= geo.cos_of_km(reach)[ri])
    km = geo.arc_km(dot[near])
    hour = memo.derived("trip_hour", (index.service_span, index.shifts_known), lambda: trip_hour(index))
    best = np.full(len(ri), UNREACHABLE)
    best_mode = np.full(len(ri), -1, dtype=np.int8)
    ci_near, ji_near = ri[near], ji[near]
    for m, (name, mode) in enumerate(config.modes.items()):
        has = clients.modes[ci_near, m]
        if not has.any():
            continue
        p, jn = near[has], ji_near[has]
        hours = np.where(index.shifts_known[jn], hour[jn], fastest_hour(mode))
        minutes = mode_minutes(mode, km[has], hours)
        unserved = index.unserved_by_mode.get(name)
        if unserved is not None:
            minutes[unserved[jn]] = UNREACHABLE
        better = minutes < best[p]
        best[p[better]] = minutes[better]
        best_mode[p[better]] = m
    remote = index.remote[ji]
    best[remote] = 0.0
    best_mode[remote] = -1
    return best, best_mode, best <= clients.limit[ri]
