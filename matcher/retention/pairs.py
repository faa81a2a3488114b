"""The engine's factor values of placed (client, opening) pairs and of their shortlist pools.

A placed opening may no longer pass the hard constraints (it is filled, or it closed), so the
placed pair is scored on its own through :func:`matcher.scoring.pair_scores`, the engine's one
scoring rule; the pool is the openings that pass them for the client now (the openings a
shortlist for that client is ranked from), with the placed opening added when it is not among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.pipeline import Matcher
from matcher.scoring import pair_scores
from matcher.types import Client


@dataclass(frozen=True)
class PlacedFactors:
    factors: np.ndarray  # (n, F) the placed pairs
    pool: np.ndarray  # (n, K, F) NaN-padded
    hired: np.ndarray  # (n,) the placed opening's row in its pool


def placed_factors(
    matcher: Matcher, clients: Sequence[Client], placed: Sequence[tuple[str, str]]
) -> PlacedFactors:
    """Factor values of each placed ``(client id, opening id)`` and of its client's pool.

    Parameters
    ----------
    matcher : Matcher
        Fitted on every opening the placements name (whatever their status now).
    clients : sequence of Client
        Every client the placements name.
    placed : sequence of (client id, opening id)
    """
    index = matcher.index
    scored = matcher.score(list(clients))
    row_of = {c.id: i for i, c in enumerate(scored.clients.clients)}
    ci = np.array([row_of[c] for c, _ in placed], dtype=np.intp)
    ji = np.array([index.position[o] for _, o in placed], dtype=np.intp)
    config = matcher.config
    values, _ = pair_scores(
        scored.clients, index, scored.commute, ci, ji, scoring=config.scoring, commute_config=config.commute
    )
    feasible = scored.scores.factors  # the pairs passing the hard constraints, row by row
    pools: list[np.ndarray] = []
    hired = np.empty(len(placed), dtype=np.intp)
    for p, (c, j) in enumerate(zip(ci, ji, strict=True)):
        rows = np.flatnonzero(feasible.rows == c)
        cols = feasible.cols[rows]
        others = feasible.values[:, rows[cols != j]].T
        pools.append(np.vstack([values[:, p][None, :], others]))
        hired[p] = 0  # the placed opening first; ranks are by score, not position
    width = max((len(p) for p in pools), default=1)
    pool = np.full((len(placed), width, values.shape[0]), np.nan)
    for p, rows_p in enumerate(pools):
        pool[p, : len(rows_p)] = rows_p
    return PlacedFactors(factors=values.T.copy(), pool=pool, hired=hired)
