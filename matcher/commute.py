"""Door-to-door commute minutes per travel mode, for whole client x opening blocks.

The estimate is straight-line distance times a detour factor over the mode's
speed, plus access and wait time. A precomputed travel-time table from any
external router (:class:`TravelTimes`) overrides the estimate for the pairs
and modes it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher import geo
from matcher.config import CommuteConfig
from matcher.errors import ValidationError
from matcher.features import ClientBatch, OpeningIndex

UNREACHABLE = np.inf


@dataclass(frozen=True, slots=True)
class TravelTimes:
    """Precomputed door-to-door minutes: columns client_id, opening_id, mode, minutes.

    Use ``TravelTimes.from_frame(df)``; pairs it covers take precedence over
    the estimate (``minutes`` may be ``inf`` for "no route").
    """

    frame: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> TravelTimes:
        """Validate and wrap a travel-time table."""
        needed = {"client_id", "opening_id", "mode", "minutes"}
        missing = needed - set(frame.columns)
        if missing:
            raise ValidationError("travel times", sorted(missing)[0], None, "missing column")
        minutes = pd.to_numeric(frame["minutes"], errors="coerce")
        if minutes.isna().any() or (minutes < 0).any():
            bad = frame.loc[minutes.isna() | (minutes < 0), "minutes"].iloc[0]
            raise ValidationError("travel times", "minutes", bad, "must be a number >= 0")
        clean = frame.assign(
            client_id=frame["client_id"].astype(str), opening_id=frame["opening_id"].astype(str)
        )
        return cls(clean.assign(minutes=minutes.astype(np.float64)))


@dataclass(frozen=True, slots=True)
class Commute:
    """Per-pair commute results for a block of clients.

    ``minutes`` is the best time over the client's own modes that run at the
    shift's hours (inf if none); ``mode`` indexes ``config.modes`` (-1: remote
    or none); ``any_minutes``/``any_mode`` are the same over all modes, used to
    say "feasible by car"; ``unserved`` marks pairs where a client mode was
    within the limit but does not run at the shift's hours.
    """

    minutes: np.ndarray
    mode: np.ndarray
    any_minutes: np.ndarray
    any_mode: np.ndarray
    unserved: np.ndarray
    feasible: np.ndarray


def estimate(
    clients: ClientBatch,
    index: OpeningIndex,
    *,
    config: CommuteConfig,
    travel_times: TravelTimes | None = None,
) -> Commute:
    """Commute minutes and feasibility for every (client, opening) pair."""
    km = geo.distance_km(clients.xyz, index.xyz)
    shape = km.shape
    best = np.full(shape, UNREACHABLE)
    best_mode = np.full(shape, -1, dtype=np.int8)
    any_best = np.full(shape, UNREACHABLE)
    any_mode = np.full(shape, -1, dtype=np.int8)
    unserved = np.zeros(shape, dtype=bool)
    overrides = _overrides(clients, index, travel_times, list(config.modes))
    for m, (name, mode) in enumerate(config.modes.items()):
        minutes = (
            mode.access_minutes + mode.wait_minutes + km * (mode.detour * 60.0 / mode.speed_kmh)
        )
        served = np.broadcast_to(_served(index, mode.service_start, mode.service_end), shape).copy()
        if name in overrides:  # a router's time already knows the timetable: it wins, service hours too
            ci, ji, values = overrides[name]
            minutes[ci, ji] = values
            served[ci, ji] = True
        usable = np.where(served, minutes, UNREACHABLE)
        better = usable < any_best
        any_best = np.where(better, usable, any_best)
        any_mode = np.where(better, np.int8(m), any_mode)
        has = clients.modes[:, m][:, None]
        mine = np.where(has, usable, UNREACHABLE)
        better = mine < best
        best = np.where(better, mine, best)
        best_mode = np.where(better, np.int8(m), best_mode)
        unserved |= has & ~served & (minutes <= clients.limit[:, None])
    remote = index.remote[None, :]
    best = np.where(remote, 0.0, best)
    any_best = np.where(remote, 0.0, any_best)
    best_mode = np.where(remote, np.int8(-1), best_mode)
    feasible = best <= clients.limit[:, None]
    return Commute(best, best_mode, any_best, any_mode, unserved & ~feasible, feasible)


def _served(index: OpeningIndex, start: int | None, end: int | None) -> np.ndarray:
    """(J,) bool: the mode runs at every shift's start and end (night shifts often not)."""
    if start is None or end is None:
        return np.ones(len(index.ids), dtype=bool)
    span = index.service_span
    return (span[:, 0] >= start) & (span[:, 1] <= end)


def _overrides(
    clients: ClientBatch, index: OpeningIndex, travel_times: TravelTimes | None, modes: list[str]
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Positions and minutes of the table's rows that fall in this block, per mode."""
    if travel_times is None or travel_times.frame.empty:
        return {}
    frame = travel_times.frame
    ci = pd.Index([c.id for c in clients.clients]).get_indexer(frame["client_id"])
    ji = pd.Index(index.ids).get_indexer(frame["opening_id"])
    keep = (ci >= 0) & (ji >= 0)
    out = {}
    for name in modes:
        sel = keep & (frame["mode"].to_numpy() == name)
        if sel.any():
            out[name] = (ci[sel], ji[sel], frame["minutes"].to_numpy()[sel])
    return out
