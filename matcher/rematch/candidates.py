"""Geographic candidates: which openings a client could possibly reach, and chunks of neighbours.

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
from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import BallTree

from matcher import geo
from matcher.config import CommuteConfig
from matcher.features import OpeningIndex
from matcher.types import Client

# Straight-line km from the unit-vector formula and from haversine differ by far
# less than a metre; the margin keeps a pair on the boundary a candidate.
MARGIN_KM = 0.01
HILBERT_BITS = 16


def reach_km(clients: Sequence[Client], config: CommuteConfig) -> np.ndarray:
    """Farthest straight-line km each client could travel within their limit.

    Parameters
    ----------
    clients : sequence of Client
    config : CommuteConfig
        The commute model the scorer uses.

    Returns
    -------
    ndarray of shape (n_clients,)
        Max over the client's modes of ``(limit - access - wait) * speed / 60 / detour``
        (0 when no mode reaches anything).
    """
    limit = np.array([c.max_commute_minutes for c in clients], dtype=np.float64)
    out = np.zeros(len(clients), dtype=np.float64)
    for name, mode in config.modes.items():
        has = np.array([name in c.modes for c in clients], dtype=bool)
        budget = np.maximum(limit - mode.access_minutes - mode.wait_minutes, 0.0)
        km = budget * mode.speed_kmh / 60.0 / mode.detour
        out = np.where(has, np.maximum(out, km), out)
    return out


def radians(clients: Sequence[Client]) -> np.ndarray:
    """(n, 2) latitude and longitude of the clients' homes, in radians."""
    pts = np.array([(c.home.lat, c.home.lon) for c in clients], dtype=np.float64)
    return np.radians(pts.reshape(len(clients), 2))


@dataclass(frozen=True)
class CandidateIndex:
    """Open, unexpired openings of an index, split into located ones (a BallTree) and remote ones.

    Build with :meth:`build`. Column numbers are positions in the full
    :class:`OpeningIndex`, so candidates stay in opening-id order.
    """

    tree: BallTree | None
    located: np.ndarray  # (L,) index columns in the tree, tree row -> column
    always: np.ndarray  # (R,) remote (or unlocated) open columns, candidates for everyone
    n_openings: int

    @classmethod
    def build(cls, index: OpeningIndex) -> CandidateIndex:
        """Index the openings that can be feasible for anyone at all."""
        live = index.is_open & ~index.expired
        has_point = np.linalg.norm(index.xyz, axis=1) > 0.5
        located = np.flatnonzero(live & ~index.remote & has_point)
        always = np.flatnonzero(live & (index.remote | ~has_point))
        tree = None
        if len(located):
            tree = BallTree(geo.lat_lon(index.xyz[located]), metric="haversine")
        return cls(tree, located, always, len(index.ids))

    def query(self, points: np.ndarray, reach: np.ndarray) -> list[np.ndarray]:
        """Per client, the sorted index columns of their candidates.

        Parameters
        ----------
        points : ndarray of shape (n, 2)
            Client homes in radians (see :func:`radians`).
        reach : ndarray of shape (n,)
            Client reach in km (see :func:`reach_km`).
        """
        if self.tree is None or len(points) == 0:
            return [self.always.copy() for _ in range(len(points))]
        radius = geo.angle_of_km(reach * (1.0 + 1e-9) + MARGIN_KM)
        hits = self.tree.query_radius(points, r=radius)
        out = []
        for rows in hits:
            cols = self.located[rows]
            cols = np.concatenate([cols, self.always]) if len(self.always) else cols
            cols.sort()
            out.append(cols)
        return out


def hilbert_key(points: np.ndarray, bits: int = HILBERT_BITS) -> np.ndarray:
    """Position of each (lat, lon) point along a Hilbert curve over the globe.

    Points close on the curve are close on the map, so consecutive clients in
    this order form compact chunks whose candidate sets overlap.
    """
    n = 1 << bits
    y = ((points[:, 0] + np.pi / 2) / np.pi * (n - 1)).round().astype(np.int64).clip(0, n - 1)
    x = ((points[:, 1] + np.pi) / (2 * np.pi) * (n - 1)).round().astype(np.int64).clip(0, n - 1)
    d = np.zeros(len(points), dtype=np.int64)
    s = n >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx) ^ ry)
        # rotate the quadrant so the curve stays continuous
        flip = ~ry & rx
        x = np.where(flip, n - 1 - x, x)
        y = np.where(flip, n - 1 - y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        s >>= 1
    return d


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
