"""Chunks of neighbours for the nightly run, over the geographic candidates of ``matcher.candidates``.

The commute model (``matcher.commute``) says a mode reaches an opening when
``access + wait + km * detour / speed * 60 <= limit``. Turned around, no
opening farther than ``(limit - access - wait) * speed / 60 / detour`` km can
be feasible by that mode, so a client's *reach* is the maximum of that over
their own modes. Openings within reach (a haversine ``BallTree`` query), all
remote openings, and openings a router table covers for the client are the
candidates; everything else fails ``COMMUTE_TOO_LONG`` and can be skipped
without changing any shortlist. Filled, closed and expired openings fail for
everyone and are never candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.candidates import HILBERT_BITS, MARGIN_KM, CandidateIndex, hilbert_key, radians, reach_km
from matcher.config import CommuteConfig
from matcher.types import Client

__all__ = [
    "HILBERT_BITS",
    "MARGIN_KM",
    "CandidateIndex",
    "client_order",
    "group_clients",
    "hilbert_key",
    "plan_chunks",
    "radians",
    "reach_km",
]


def client_order(points: np.ndarray, reach: np.ndarray, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Clients ordered by reach class (powers of two in km), then along the Hilbert curve.

    Grouping similar reach keeps a walker's chunk from inheriting a driver's
    candidates; the curve keeps each chunk in one neighbourhood. Ties go by
    ``tiebreak`` (e.g. the rank of each client id), else by position.
    """
    reach_class = np.floor(np.log2(np.maximum(reach, 0.5))).astype(np.int64)
    last = np.arange(len(reach)) if tiebreak is None else tiebreak
    return np.lexsort((last, hilbert_key(points), reach_class))


def plan_chunks(clients: Sequence[Client], config: CommuteConfig, *, chunk_size: int) -> list[list[str]]:
    """Chunks of client ids, spatially coherent, at most ``chunk_size`` each.

    Parameters
    ----------
    clients : sequence of Client
    config : CommuteConfig
    chunk_size : int
        Clients per chunk (the unit a database runner commits).

    Returns
    -------
    list of list of str
        Client ids per chunk; the same clients give the same plan in any input order.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    id_rank = np.argsort(np.argsort(np.array([c.id for c in clients], dtype=object), kind="stable"))
    order = client_order(radians(clients), reach_km(clients, config), id_rank)
    ids = [clients[i].id for i in order]
    return [ids[s : s + chunk_size] for s in range(0, len(ids), chunk_size)]


def group_clients(candidates: Sequence[np.ndarray], *, max_pairs: int, overhead_pairs: int) -> list[slice]:
    """Cut a run of clients into groups scored together, bounding pairs per group.

    A client joins the current group while scoring the group's union of
    candidates for one more client costs less than scoring it apart (plus
    ``overhead_pairs``, the fixed cost of a group in pair-equivalents), and
    while ``clients x union <= max_pairs``. Memory per group is thus bounded.
    """
    out: list[slice] = []
    if not candidates:
        return out
    n_cols = max((int(c[-1]) + 1 for c in candidates if len(c)), default=1)
    mask = np.zeros(n_cols, dtype=bool)
    start, union = 0, 0
    for i, cols in enumerate(candidates):
        n = i - start
        added = int(np.count_nonzero(~mask[cols])) if n else len(cols)
        merged = (n + 1) * (union + added)
        apart = n * union + len(cols) + overhead_pairs
        if n and (merged > apart or merged > max_pairs):
            out.append(slice(start, i))
            mask[:] = False
            start, union, added = i, 0, len(cols)
        mask[cols] = True
        union += added
    out.append(slice(start, len(candidates)))
    return out
