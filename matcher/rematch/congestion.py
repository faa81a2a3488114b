"""Congestion awareness: spread primary suggestions over openings in proportion to positions.

An opening with 2 positions should not be the first suggestion of 80 clients.
After the nightly scoring, each client's *primary* suggestion (the one the
digest leads with) is chosen by **deferred acceptance** (Gale-Shapley, clients
proposing) over the client's own top-k only:

* every client proposes to their best-ranked suggestion;
* an opening holds at most ``ceil(positions * factor)`` proposals, keeping the
  clients it fits best (higher score; ties by client id) and turning the rest
  away;
* a client turned away proposes to their next suggestion, until held or out of
  suggestions.

The result is the client-optimal stable assignment: no client would rather
have an opening that would rather have them. Only suggestions within
``max_loss`` points of the client's best take part, so spreading never costs
anyone more than that. A client who runs out of
suggestions with capacity left (everything they could do is oversubscribed by
better fits) keeps a primary anyway: their suggestion whose opening is least
loaded per position (ties by their own rank), so nobody loses a suggestion.
Nothing here adds, removes or reorders suggestions: ranks stay the client's
own, and only the ``primary`` flag moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from matcher.features import OpeningIndex

# Points a client's primary may fall below their best suggestion (scores are 0-100).
DEFAULT_MAX_LOSS = 5.0


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
    """Rows with a boolean ``primary`` column: one primary per client with suggestions.

    Parameters
    ----------
    rows : DataFrame
        Top-k rows (client_id, rank, opening_id, score, ...).
    index : OpeningIndex
        Gives each opening's positions.
    factor : float or None
        Primaries per position allowed; ``None`` leaves each client's rank 1 primary.
    max_loss : float or None
        A client's primary is never more than this many points below their best
        suggestion (``None``: any of their top-k). Bounds what spreading costs anyone.

    Returns
    -------
    DataFrame
        The same rows, sorted by client id and rank, with ``primary``.
    """
    out = rows.sort_values(["client_id", "rank"], kind="stable").reset_index(drop=True)
    first = out["rank"].to_numpy() == out.groupby("client_id")["rank"].transform("min").to_numpy()
    if factor is None or out.empty:
        return out.assign(primary=first)
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
    held = _place_leftovers(client_codes, opening_codes, held, cap)
    primary = np.zeros(len(out), dtype=bool)
    primary[np.flatnonzero(eligible)[held]] = True
    return out.assign(primary=primary)


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


def _place_leftovers(
    client: np.ndarray, opening: np.ndarray, held: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    """Clients with no held row get their least-loaded suggestion (per position), ties by rank."""
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
        # plain Python: one pass per left-over client, loads updated as they are placed
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
