"""Door-to-door commute minutes per travel mode, for whole client x opening blocks.

The estimate is straight-line distance times a detour factor over the mode's
speed, plus access and wait time; the speed may depend on the road distance
and the moving time on the hour of the shift's start (``ModeConfig.speed_by_km``,
``hour_factors``; docs/travel.md). Two sources override it for the pairs and
modes they cover (:class:`TravelTimes`): a precomputed table from any external
router, and a :class:`Router` asked for whole blocks, knowing each opening's
shifts (e.g. ``matcher.transit.TimetableRouter`` from GTFS feeds).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import ChainMap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from matcher import geo, memo
from matcher.config import CommuteConfig, ModeConfig
from matcher.errors import ValidationError
from matcher.features import ClientBatch, OpeningIndex
from matcher.types import Client

UNREACHABLE = np.inf
ESTIMATED = "estimated"  # how an explanation names minutes no router gave
FROM_TABLE = "from the travel-time table"
_NOON = 12 * 60  # the hour of a trip to shifts not stated


class Router(Protocol):
    """Door-to-door minutes for the pairs of a block, by their openings' shifts.

    ``route`` returns, for pairs ``(ci[p], ji[p])`` of ``clients`` x ``index``, the
    minutes by ``mode`` (NaN: the router does not cover the pair, the estimate
    stays; inf: no trip at the shifts' hours) and the index in ``sources`` of
    what gave them (-1: none). The shifts are ``index.shift_patterns[index.shift_inverse[j]]``.
    """

    @property
    def modes(self) -> frozenset[str]: ...

    @property
    def sources(self) -> tuple[str, ...]: ...

    def route(
        self, mode: str, clients: ClientBatch, index: OpeningIndex, ci: np.ndarray, ji: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def reach_km(self, mode: str, homes: np.ndarray, limit: np.ndarray) -> np.ndarray:
        """(n,) farthest straight-line km from ``homes`` (unit vectors) to a workplace the router
        gives at most ``limit`` minutes by ``mode`` (NaN: it covers no trip from there; inf: it may
        reach anywhere). The candidate search bounds its openings by it (:func:`reach_km`)."""
        ...


@dataclass(frozen=True, slots=True)
class TravelTimes:
    """Router minutes: a table (columns client_id, opening_id, mode, minutes) and/or a :class:`Router`.

    Use ``TravelTimes.from_frame(df)`` or ``TravelTimes.from_router(r)``; pairs
    either covers take precedence over the estimate (``minutes`` may be ``inf``
    for "no route"), the table's over the router's.
    """

    frame: pd.DataFrame
    router: Router | None = None

    @classmethod
    def from_router(cls, router: Router) -> TravelTimes:
        """A router asked for every block (no table)."""
        return cls(pd.DataFrame(columns=["client_id", "opening_id", "mode", "minutes"]), router)

    def with_frame(self, frame: pd.DataFrame) -> TravelTimes:
        """The same router with another table (e.g. the rows of one chunk of clients)."""
        return dataclasses.replace(self, frame=frame)

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
    overrides: Mapping[str, Mapping[tuple[int, int], float]]
    # (C, J) int16 index in ``sources`` of what gave the best mode's minutes (-1: the estimate)
    source: np.ndarray | None = None
    sources: tuple[str, ...] = ()

    def source_text(self, c: int, j: int) -> str:
        """Where pair (c, j)'s minutes come from, in words: "estimated" or "from the ... timetable"."""
        k = -1 if self.source is None else int(self.source[c, j])
        return self.sources[k] if k >= 0 else ESTIMATED


class PairMinutes(Mapping[tuple[int, int], float]):
    """A router's minutes of a block's pairs by (client row, opening column), kept as sorted arrays.

    A block may hold millions of routed pairs: a dict of them would cost more than routing.
    """

    def __init__(self, n_cols: int, ci: np.ndarray, ji: np.ndarray, minutes: np.ndarray) -> None:
        keys = ci.astype(np.int64) * n_cols + ji
        order = np.argsort(keys, kind="stable")
        self._n, self._keys, self._minutes = n_cols, keys[order], minutes[order]

    def _at(self, key: object) -> int:
        if not isinstance(key, tuple) or len(key) != 2:
            return -1
        wanted = int(key[0]) * self._n + int(key[1])
        at = int(np.searchsorted(self._keys, wanted))
        return at if at < len(self._keys) and self._keys[at] == wanted else -1

    def __getitem__(self, key: tuple[int, int]) -> float:
        at = self._at(key)
        if at < 0:
            raise KeyError(key)
        return float(self._minutes[at])

    def __contains__(self, key: object) -> bool:
        return self._at(key) >= 0

    def __iter__(self) -> Iterator[tuple[int, int]]:
        rows, cols = np.divmod(self._keys, self._n)
        return zip(rows.tolist(), cols.tolist(), strict=True)

    def __len__(self) -> int:
        return len(self._keys)


def merged(default: TravelTimes | None, given: TravelTimes | None) -> TravelTimes | None:
    """A call's travel times over an engine's own (its router stays unless the call brings one)."""
    if given is None:
        return default
    if default is None or default.router is None or given.router is not None:
        return given
    return dataclasses.replace(given, router=default.router)


def merged_router(default: TravelTimes | None, given: TravelTimes | None) -> Router | None:
    """The router of :func:`merged` travel times: the one whose reach bounds a call's candidates."""
    times = merged(default, given)
    return times.router if times is not None else None


def pair_nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a (C, J) mask, row-major: the same arrays, from the flat positions (faster)."""
    rows, cols = np.divmod(np.flatnonzero(mask), mask.shape[1])
    return rows, cols


def estimate(
    clients: ClientBatch,
    index: OpeningIndex,
    *,
    config: CommuteConfig,
    travel_times: TravelTimes | None = None,
) -> Commute:
    """Commute minutes and feasibility for every (client, opening) pair, by the client's modes."""
    router = travel_times.router if travel_times is not None else None
    reach = reach_km(clients.clients, config, router)
    # chord-space test first (no trigonometry): only openings within reach get minutes
    dot = geo.dot(clients.xyz, index.xyz)
    near = dot >= geo.cos_of_km(reach)[:, None]
    overrides = _overrides(clients, index, travel_times, list(config.modes))
    table = {
        name: {(int(c), int(j)): float(v) for c, j, v in zip(*parts, strict=True)}
        for name, parts in overrides.items()
    }
    routed: dict[str, Mapping[tuple[int, int], float]] = dict(table)
    for ci, ji, _ in overrides.values():
        near[ci, ji] = True  # a router's time counts whatever the distance
    flat_near = np.flatnonzero(near)  # row-major, as np.nonzero lists them
    ci_near, ji_near = np.divmod(flat_near, near.shape[1])
    km = geo.arc_km(dot.reshape(-1).take(flat_near))  # dot[ci_near, ji_near], faster
    # per opening only: once per index (a shortlist against the fitted index reads them again)
    remote = memo.derived("remote", (index.remote,), lambda: np.flatnonzero(index.remote))
    sources = (FROM_TABLE, *router.sources) if router is not None else (FROM_TABLE,)
    best = np.full(dot.shape, UNREACHABLE)
    best_mode = np.full(dot.shape, -1, dtype=np.int8)
    best_source = np.full(dot.shape, -1, dtype=np.int16)
    for m, name, has, minutes in estimated_by_mode(clients, index, ci_near, ji_near, km, config):
        ci, ji, flat = ci_near[has], ji_near[has], flat_near[has]
        source = np.full(len(ci), -1, dtype=np.int16)
        if router is not None and name in router.modes:  # its minutes know the timetable: service too
            times, by = router.route(name, clients, index, ci, ji)
            hit = ~np.isnan(times)
            minutes[hit], source[hit] = times[hit], by[hit] + 1
            by_router = PairMinutes(len(index.ids), ci[hit], ji[hit], times[hit])
            routed[name] = ChainMap(table[name], by_router) if name in table else by_router  # type: ignore[arg-type]
        if name in table:  # a table's time already knows the timetable: it wins, service hours too
            for p, key in enumerate(zip(ci.tolist(), ji.tolist(), strict=True)):
                if key in table[name]:
                    minutes[p], source[p] = table[name][key], 0
        # by flat position in the (C, J) arrays: the same cells as [ci, ji], faster
        better = minutes < best.reshape(-1).take(flat)
        at = flat[better]
        best.reshape(-1)[at] = minutes[better]
        best_mode.reshape(-1)[at] = m
        best_source.reshape(-1)[at] = source[better]
    best[:, remote] = 0.0
    best_mode[:, remote] = -1
    best_source[:, remote] = -1
    feasible = best <= clients.limit[:, None]
    return Commute(best, best_mode, feasible, routed, best_source, sources)


def within_reach(
    clients: ClientBatch, index: OpeningIndex, reach: np.ndarray, ci: np.ndarray, ji: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Of pairs ``(ci[p], ji[p])``: the positions within ``reach[ci]`` km, and their km.

    The chord-space test of :func:`estimate`, pair by pair (the options read a few listed pairs).
    """
    a, b = clients.xyz, index.xyz
    dot = a[ci, 0] * b[ji, 0] + a[ci, 1] * b[ji, 1] + a[ci, 2] * b[ji, 2]  # as geo.dot, pair by pair
    near = np.flatnonzero(dot >= geo.cos_of_km(reach)[ci])
    return near, geo.arc_km(dot[near])


def estimated_by_mode(
    clients: ClientBatch,
    index: OpeningIndex,
    ci: np.ndarray,
    ji: np.ndarray,
    km: np.ndarray,
    config: CommuteConfig,
) -> Iterator[tuple[int, str, np.ndarray, np.ndarray]]:
    """The estimate of pairs ``(ci[p], ji[p])`` at straight-line ``km[p]``, mode by mode.

    Yields, for each mode some of these clients have: its position in ``config.modes``, its
    name, which pairs have it (a mask) and their minutes at the trip's hour (unserved: inf).
    """
    # per opening only: once per index (a shortlist against the fitted index reads them again)
    hour = memo.derived("trip_hour", (index.service_span, index.shifts_known), lambda: trip_hour(index))
    for m, (name, mode) in enumerate(config.modes.items()):
        has = clients.modes[:, m].take(ci)  # clients.modes[ci, m]
        if not has.any():
            continue
        jm = ji[has]
        # at unknown shift times the fastest hour: an unknown never excludes (the score takes noon)
        hours = np.where(index.shifts_known[jm], hour[jm], fastest_hour(mode))
        minutes = mode_minutes(mode, km[has], hours)
        unserved = index.unserved_by_mode.get(name)
        if unserved is not None:
            minutes[unserved[jm]] = UNREACHABLE
        yield m, name, has, minutes


def trip_hour(index: OpeningIndex) -> np.ndarray:
    """(J,) hour of the trip to each opening's earliest shift (noon when the shifts are not stated)."""
    start = np.where(index.shifts_known, index.service_span[:, 0], _NOON)
    result: np.ndarray = ((start - 1) % 1440) // 60
    return result


def fastest_hour(mode: ModeConfig) -> int:
    """The hour of the mode's shortest trips (its reach; feasibility at unknown shift times)."""
    return int(np.argmin(mode.hour_factors)) if mode.hour_factors is not None else 11


def mode_minutes(mode: ModeConfig, km: np.ndarray, hour: np.ndarray | int | None = None) -> np.ndarray:
    """Door-to-door minutes by one mode for straight-line distances (the one place of the formula).

    ``hour`` (of the trip to the shift, 0-23) scales the moving time by ``mode.hour_factors``;
    None, for shifts not stated, takes the slowest hour: the score's worst case (feasibility
    takes the fastest, so an unknown never excludes).
    """
    fixed, moving = mode_parts(mode, km)
    factors = np.asarray(mode.hour_factors if mode.hour_factors is not None else [1.0])
    factor = factors.max() if hour is None or mode.hour_factors is None else factors[hour]
    result: np.ndarray = fixed + factor * moving
    return result


def mode_parts(mode: ModeConfig, km: np.ndarray) -> tuple[float, np.ndarray]:
    """A mode's minutes as ``fixed + hour factor * moving``: access and waiting, and the ride."""
    road = np.asarray(km, dtype=np.float64) * mode.detour
    if mode.speed_by_km is None:
        speed: np.ndarray | float = mode.speed_kmh
    else:
        points = np.array(mode.speed_by_km)
        speed = np.interp(road, points[:, 0], points[:, 1])
    moving: np.ndarray = road * 60.0 / speed
    return float(mode.access_minutes + mode.wait_minutes), moving


@functools.lru_cache(maxsize=16)
def trip_situations(modes: tuple[ModeConfig, ...]) -> tuple[tuple[float | None, ...], ...]:
    """Every distinct situation a shift's times can put the modes in: per mode, its hour factor or
    None where it does not run (the rules of a stated shift: the trip's hour, service hours).

    A shift not stated could start at any minute: its worst passing commute is the slowest of
    these situations that still reaches (``matcher.scoring``), never the best case.
    """
    seen: dict[tuple[float | None, ...], None] = {}
    last = [m.service_end for m in modes if m.service_end is not None]
    for start in range(1440):
        hour = ((start - 1) % 1440) // 60  # as trip_hour
        # a shift lasts a minute at least; a later end stops the modes whose service ends first
        for end in sorted({start + 1, *(e + 1 for e in last if e > start)}):
            seen.setdefault(
                tuple(
                    (m.hour_factors[hour] if m.hour_factors is not None else 1.0)
                    if m.service_start is None
                    or m.service_end is None
                    or (m.service_start <= start and end <= m.service_end)
                    else None
                    for m in modes
                )
            )
    return tuple(seen)


# Straight-line km at which :func:`reach_km` inverts each mode's minutes.
_REACH_GRID = np.concatenate([[0.0], np.geomspace(0.01, 2000.0, 400)])
_REACH_GRID.flags.writeable = False


@functools.lru_cache(maxsize=64)
def _grid_minutes(mode: ModeConfig) -> np.ndarray:
    """A mode's minutes over ``_REACH_GRID`` at its fastest hour: the same for every call (kept)."""
    out = mode_minutes(mode, _REACH_GRID, fastest_hour(mode))
    out.flags.writeable = False
    return out


def reach_km(clients: Sequence[Client], config: CommuteConfig, router: Router | None = None) -> np.ndarray:
    """(C,) farthest straight-line km any of the client's modes covers within their limit (any hour).

    The one reach of the engine: the estimate's minutes (:func:`mode_minutes`) decide which
    pairs get minutes at all, the geographic candidate search (``matcher.candidates``) which
    openings are scored, and near misses lie within twice it. A mode's reach is the estimate's
    at its fastest hour, or the ``router``'s where that goes farther (a subway line covers more
    ground in the limit than the estimate's average speed): a pair the router does not cover
    keeps the estimate, so the farther of the two bounds both.
    """
    limit = np.array([c.max_commute_minutes for c in clients], dtype=np.float64)
    reach = np.zeros(len(clients))
    grid = _REACH_GRID
    homes: np.ndarray | None = None
    for name, mode in config.modes.items():  # mode_minutes solved for km at its fastest hour
        minutes = _grid_minutes(mode)  # increasing in km: interpolate its inverse
        km = np.interp(limit, minutes, grid, left=-1.0)
        if router is not None and name in router.modes and len(clients):
            homes = geo.unit_vectors([c.home for c in clients]) if homes is None else homes
            km = np.fmax(km, router.reach_km(name, homes, limit))  # NaN: not covered, the estimate's
        has = np.array([name in c.modes for c in clients], dtype=bool)
        reach = np.where(has, np.maximum(reach, km), reach)
    result: np.ndarray = reach + 1e-6  # the boundary itself is within reach
    return result


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
        minutes = float(mode_minutes(mode, np.array(pair_km), ((start - 1) % 1440) // 60))
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
