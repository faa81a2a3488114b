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
from matcher.config import CommuteConfig, ModeConfig
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
    or none). ``overrides`` keeps the router times of this block, per mode, so
    explanations of a single pair (:func:`pair_minutes`) use them too.
    """

    minutes: np.ndarray
    mode: np.ndarray
    feasible: np.ndarray
    overrides: dict[str, dict[tuple[int, int], float]]


def estimate(
    clients: ClientBatch,
    index: OpeningIndex,
    *,
    config: CommuteConfig,
    travel_times: TravelTimes | None = None,
) -> Commute:
    """Commute minutes and feasibility for every (client, opening) pair, by the client's modes."""
    reach = reach_km(clients, config)
    # chord-space test first (no trigonometry): only openings within reach get minutes
    dot = geo.dot(clients.xyz, index.xyz)
    near = dot >= geo.cos_of_km(reach)[:, None]
    overrides = _overrides(clients, index, travel_times, list(config.modes))
    routed = {
        name: {(int(c), int(j)): float(v) for c, j, v in zip(*parts, strict=True)}
        for name, parts in overrides.items()
    }
    for ci, ji, _ in overrides.values():
        near[ci, ji] = True  # a router's time counts whatever the distance
    ci_near, ji_near = np.nonzero(near)
    km = geo.arc_km(dot[ci_near, ji_near])
    best = np.full(dot.shape, UNREACHABLE)
    best_mode = np.full(dot.shape, -1, dtype=np.int8)
    for m, (name, mode) in enumerate(config.modes.items()):
        has = clients.modes[ci_near, m]
        if not has.any():
            continue
        ci, ji = ci_near[has], ji_near[has]
        minutes = mode_minutes(mode, km[has])
        unserved = index.unserved_by_mode.get(name)
        if unserved is not None:
            minutes[unserved[ji]] = UNREACHABLE
        if name in routed:  # a router's time already knows the timetable: it wins, service hours too
            for p, key in enumerate(zip(ci.tolist(), ji.tolist(), strict=True)):
                if key in routed[name]:
                    minutes[p] = routed[name][key]
        better = minutes < best[ci, ji]
        best[ci[better], ji[better]] = minutes[better]
        best_mode[ci[better], ji[better]] = m
    best[:, index.remote] = 0.0
    best_mode[:, index.remote] = -1
    feasible = best <= clients.limit[:, None]
    return Commute(best, best_mode, feasible, routed)


def mode_minutes(mode: ModeConfig, km: np.ndarray) -> np.ndarray:
    """Door-to-door minutes by one mode for straight-line distances (the one place of the formula)."""
    result: np.ndarray = mode.access_minutes + mode.wait_minutes + km * (mode.detour * 60.0 / mode.speed_kmh)
    return result


def reach_km(clients: ClientBatch, config: CommuteConfig) -> np.ndarray:
    """(C,) farthest straight-line km any of the client's modes covers within their limit."""
    reach = np.zeros(len(clients.clients))
    for m, mode in enumerate(config.modes.values()):  # mode_minutes solved for km
        km = (clients.limit - mode.access_minutes - mode.wait_minutes) * mode.speed_kmh / 60.0 / mode.detour
        reach = np.where(clients.modes[:, m], np.maximum(reach, km), reach)
    return reach + 1e-6  # the boundary itself is within reach


def pair_minutes(
    pair_km: float, shifts_span: tuple[int, int], config: CommuteConfig, routed: dict[str, float]
) -> dict[str, tuple[float, bool]]:
    """Every mode's minutes for one pair and whether it runs at the shift's hours (explanations)."""
    start, end = shifts_span
    out = {}
    for name, mode in config.modes.items():
        if name in routed:
            out[name] = (routed[name], True)
            continue
        minutes = float(mode_minutes(mode, np.array(pair_km)))
        runs = (
            mode.service_start is None
            or mode.service_end is None
            or (start >= mode.service_start and end <= mode.service_end)
        )
        out[name] = (minutes, runs)
    return out


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
