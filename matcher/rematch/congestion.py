"""Congestion: which suggestion each client's digest leads with (the *primary*), spread by positions.

An opening with 2 positions should not be the first suggestion of 80 clients. After
the nightly scoring, :func:`spread_primaries` picks one primary per client with
suggestions, among the client's *own* top-k, by this policy:

* **Capacity.** An opening takes at most ``ceil(positions * overbooking)`` primaries
  (at least 1); ``overbooking`` is the run's congestion factor (default 2).
* **Eligible suggestions.** Only suggestions within ``max_loss`` points of the client's
  best take part (default 5; ``None``: all of their top-k), so spreading never costs
  anyone more than that.
* **Within capacity: the client-optimal stable assignment of the eligible suggestions.**
  Clients prefer their own ranks; an opening prefers the clients it fits best (higher
  score, ties by lower client id). Deferred acceptance (Gale-Shapley, clients proposing)
  gives the assignment in which no client has an eligible suggestion ranked above their
  primary whose opening has room or holds a client it scores lower, and every such client
  gets the best primary any assignment with that property gives them.
* **Exceptions: over capacity, counted and named.** A client whose every eligible
  suggestion is full of better fits has no other suggestion within the allowed loss, so
  they still get one: the eligible suggestion whose opening is least loaded per unit of
  capacity when they are placed (clients in id order, ties by rank). That opening goes
  over its capacity. Each exception is in the :class:`CongestionReport` (client, opening,
  how full), and so in the run record and the specialist's digest. Which clients are
  exceptions does not depend on the order anyone proposes in: every stable assignment of
  the same preferences leaves the same clients out (the "rural hospitals" theorem).

Exceptions are left out of the stability above: they are placed on top of openings
that are already full. With ``factor=None`` nothing is spread: every client's
rank 1 is primary and the report counts no exceptions. Nothing here adds, removes or
reorders suggestions: ranks stay the client's own, and only the ``primary`` flag moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher.features import OpeningIndex

# Points a client's primary may fall below their best suggestion (scores are 0-100).
DEFAULT_MAX_LOSS = 5.0
# Primaries an opening may take per position before a client is an exception.
DEFAULT_OVERBOOKING = 2.0


@dataclass(frozen=True, slots=True)
class OverCapacity:
    """One exception: a client whose primary opening was already full of better fits.

    ``eligible``: the client's suggestions within the allowed loss (every one full);
    ``primaries`` and ``capacity``: the opening's primaries at the end of the run and
    what it may take.
    """

    client_id: str
    opening_id: str
    rank: int
    score: float
    eligible: int
    primaries: int
    capacity: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (written out: ``dataclasses.asdict`` is slow for thousands)."""
        return {
            "client_id": self.client_id,
            "opening_id": self.opening_id,
            "rank": self.rank,
            "score": self.score,
            "eligible": self.eligible,
            "primaries": self.primaries,
            "capacity": self.capacity,
        }


@dataclass(frozen=True)
class CongestionReport:
    """What :func:`spread_primaries` did: the policy's settings, its counts, every exception."""

    overbooking: float | None
    max_loss: float | None
    clients: int  # clients given a primary
    within_capacity: int  # of them, placed by deferred acceptance within capacity
    exceptions: tuple[OverCapacity, ...] = ()

    @property
    def openings_over_capacity(self) -> dict[str, tuple[int, int]]:
        """Opening id -> (primaries, capacity) for each opening an exception put over capacity."""
        return {e.opening_id: (e.primaries, e.capacity) for e in self.exceptions}

    def counts(self) -> dict[str, int]:
        """The run record's congestion counts."""
        return {
            "primaries": self.clients,
            "primaries_within_capacity": self.within_capacity,
            "primaries_over_capacity": len(self.exceptions),
            "openings_over_capacity": len(self.openings_over_capacity),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, counts and the exceptions sorted by client id."""
        return {
            "overbooking": self.overbooking,
            "max_loss": self.max_loss,
            **self.counts(),
            "exceptions": [e.to_dict() for e in sorted(self.exceptions, key=lambda e: e.client_id)],
        }


def capacities(positions: np.ndarray, factor: float) -> np.ndarray:
    """Primary suggestions an opening may take: ``ceil(positions * factor)``, at least 1."""
    if factor <= 0:
        raise ValueError("congestion factor must be > 0")
    return np.maximum(np.ceil(positions * factor - 1e-9), 1).astype(np.int64)


def assign_primaries(
    rows: pd.DataFrame,
    index: OpeningIndex,
    *,
    factor: float | None,
    max_loss: float | None = DEFAULT_MAX_LOSS,
) -> pd.DataFrame:
    """:func:`spread_primaries` without its report: the rows with ``primary``."""
    return spread_primaries(rows, index, factor=factor, max_loss=max_loss)[0]


def spread_primaries(
    rows: pd.DataFrame,
    index: OpeningIndex,
    *,
    factor: float | None,
    max_loss: float | None = DEFAULT_MAX_LOSS,
) -> tuple[pd.DataFrame, CongestionReport]:
    """Rows with a boolean ``primary`` column (one per client with suggestions), and the report.

    Parameters
    ----------
    rows : DataFrame
        Top-k rows (client_id, rank, opening_id, score, ...).
    index : OpeningIndex
        Gives each opening's positions.
    factor : float or None
        Overbooking: primaries per position before a client is an exception (see the module
        docstring); ``None`` leaves each client's rank 1 primary.
    max_loss : float or None
        A client's primary is never more than this many points below their best
        suggestion (``None``: any of their top-k).

    Returns
    -------
    DataFrame
        The same rows, sorted by client id and rank, with ``primary``.
    CongestionReport
        Counts and every exception (a primary over its opening's capacity).
    """
    out = rows.sort_values(["client_id", "rank"], kind="stable").reset_index(drop=True)
    first = out["rank"].to_numpy() == out.groupby("client_id")["rank"].transform("min").to_numpy()
    n_clients = int(first.sum())  # one row per client has its lowest rank
    if factor is None or out.empty:
        return out.assign(primary=first), CongestionReport(factor, max_loss, n_clients, n_clients)
    best = out.groupby("client_id")["score"].transform("max").to_numpy()
    eligible = (
        np.ones(len(out), dtype=bool) if max_loss is None else out["score"].to_numpy() >= best - max_loss
    )
    part = out[eligible]
    positions = dict(zip(index.ids, index.positions.tolist(), strict=True))
    opening_codes, opening_ids = pd.factorize(part["opening_id"])
    cap = capacities(np.array([positions[o] for o in opening_ids], dtype=np.float64), factor)
    client_codes, _ = pd.factorize(part["client_id"])  # sorted rows: codes follow client-id order
    held = _deferred_acceptance(client_codes, opening_codes, part["score"].to_numpy(), cap)
    within = int(held.sum())
    placed = _place_exceptions(client_codes, opening_codes, held, cap)
    primary = np.zeros(len(out), dtype=bool)
    primary[np.flatnonzero(eligible)[placed]] = True
    report = CongestionReport(
        factor, max_loss, n_clients, within, _exceptions(part, client_codes, opening_codes, held, placed, cap)
    )
    return out.assign(primary=primary), report


def _exceptions(
    part: pd.DataFrame,
    client: np.ndarray,
    opening: np.ndarray,
    held: np.ndarray,
    placed: np.ndarray,
    cap: np.ndarray,
) -> tuple[OverCapacity, ...]:
    """One :class:`OverCapacity` per row placed over capacity (placed, not held)."""
    extra = np.flatnonzero(placed & ~held)
    if not len(extra):
        return ()
    load = np.bincount(opening[placed], minlength=len(cap))
    eligible = np.bincount(client)[client[extra]]
    picked = part.iloc[extra]
    columns = [picked[c].tolist() for c in ("client_id", "opening_id", "rank", "score")]  # plain values
    codes = opening[extra]
    columns += [eligible.tolist(), load[codes].tolist(), cap[codes].tolist()]
    return tuple(
        OverCapacity(str(c), str(o), int(r), float(s), n, held_by, room)
        for c, o, r, s, n, held_by, room in zip(*columns, strict=True)
    )


def _deferred_acceptance(
    client: np.ndarray, opening: np.ndarray, score: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    """(R,) bool: row held at the end; rows grouped by client, best first."""
    starts = np.flatnonzero(np.r_[True, client[1:] != client[:-1]])
    ends = np.r_[starts[1:], len(client)]
    pointer = starts.copy()  # next row each client proposes
    held = np.zeros(len(client), dtype=bool)
    active = np.ones(len(starts), dtype=bool)
    while True:
        proposing = np.flatnonzero(active & (pointer < ends))
        if not len(proposing):
            return held
        new = pointer[proposing]
        pointer[proposing] += 1
        touched = np.unique(opening[new])
        contenders = np.union1d(np.flatnonzero(held & np.isin(opening, touched)), new)
        # best fits first within each opening: higher score, then lower client code
        order = contenders[np.lexsort((client[contenders], -score[contenders], opening[contenders]))]
        first = np.r_[True, opening[order][1:] != opening[order][:-1]]
        group_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
        keep = (np.arange(len(order)) - group_start) < cap[opening[order]]
        held[order] = keep
        active[:] = False
        active[client[order[~keep]]] = True  # turned away or bumped: propose again


def _place_exceptions(
    client: np.ndarray, opening: np.ndarray, held: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    """Clients with no held row get their least-loaded suggestion (per unit of capacity), ties by rank."""
    held = held.copy()
    load = np.bincount(opening[held], minlength=len(cap)).astype(np.float64).tolist()
    capacity = cap.astype(np.float64).tolist()
    has = np.zeros(client.max() + 1, dtype=bool)
    has[client[held]] = True
    starts = np.flatnonzero(np.r_[True, client[1:] != client[:-1]])
    ends = np.r_[starts[1:], len(client)]
    left = ~has[client[starts]]
    codes = opening.tolist()
    for s, e in zip(starts[left].tolist(), ends[left].tolist(), strict=True):
        # plain Python: one pass per exception, loads updated as they are placed
        best = min(range(s, e), key=lambda r: (load[codes[r]] / capacity[codes[r]], r))
        held[best] = True
        load[codes[best]] += 1.0
    return held


def opening_load(rows: pd.DataFrame, index: OpeningIndex) -> pd.DataFrame:
    """Per opening on any list: positions, shortlists it appears in, first choices and primaries.

    Parameters
    ----------
    rows : DataFrame
        Rows with ``primary`` (from :func:`assign_primaries`).
    index : OpeningIndex

    Returns
    -------
    DataFrame
        opening_id, positions, shortlists, first_choice (clients ranking it 1),
        primaries, primaries_per_position; sorted by opening id.
    """
    positions = pd.Series(index.positions, index=list(index.ids), name="positions")
    opening = rows["opening_id"]
    out = pd.DataFrame(
        {
            "shortlists": opening.value_counts(),  # an opening is on a client's list at most once
            "first_choice": opening[rows["rank"].to_numpy() == 1].value_counts(),
            "primaries": opening[rows["primary"].to_numpy(dtype=bool)].value_counts(),
        }
    )
    out = out.fillna(0).astype(np.int64).join(positions, how="left")
    out["primaries_per_position"] = out["primaries"] / out["positions"]
    out.index.name = "opening_id"
    cols = ["positions", "shortlists", "first_choice", "primaries", "primaries_per_position"]
    return out.reset_index()[["opening_id", *cols]].sort_values("opening_id", ignore_index=True)


class ListCounts:
    """How many clients currently have each opening on their shortlist.

    For interactive shortlists, which stay purely personal: shows "N other
    clients have this opening on their lists" from the latest stored lists.

    Parameters
    ----------
    latest : mapping
        Client id -> opening ids on that client's latest stored shortlist.
    """

    def __init__(self, latest: Mapping[str, Iterable[str]]) -> None:
        self._lists = {c: frozenset(ops) for c, ops in latest.items()}
        counts: dict[str, int] = {}
        for ops in self._lists.values():
            for o in ops:
                counts[o] = counts.get(o, 0) + 1
        self._counts = counts

    @classmethod
    def from_rows(cls, rows: pd.DataFrame) -> ListCounts:
        """From a rows frame (client_id, opening_id)."""
        return cls(rows.groupby("client_id")["opening_id"].agg(list).to_dict())

    def others(self, client_id: str, opening_ids: Sequence[str]) -> dict[str, int]:
        """Per opening, how many clients other than ``client_id`` have it on their list."""
        mine = self._lists.get(client_id, frozenset())
        return {o: self._counts.get(o, 0) - (o in mine) for o in opening_ids}


def primaries_per_position(rows: pd.DataFrame, index: OpeningIndex, *, column: str = "primary") -> float:
    """Highest number of primary suggestions per position over all openings (0 if none)."""
    picked = rows.loc[rows[column].astype(bool), "opening_id"]
    if picked.empty:
        return 0.0
    positions = dict(zip(index.ids, index.positions.tolist(), strict=True))
    counts = picked.value_counts()
    return float(max(n / positions[o] for o, n in counts.items()))
