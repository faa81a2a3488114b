"""Door-to-door transit minutes from precomputed feeds, for whole blocks of pairs.

A trip is: walk to one of the stations near home (at most ``max_walk_km``),
the station-to-station minutes of the time band of the trip (wait, rides,
transfers: :mod:`matcher.transit.network`), walk from a station near the
work. The band is that of the minute before each shift starts (the trip to
work) and of the shift's end (the trip home); the pair's minutes are the
longest of those trips, and a shift whose start or end the feed does not
serve within half an hour makes the pair unreachable by transit. Openings
without stated shifts take a weekday midday trip. A pair with no station
within walking distance of either end is not covered by the feed: the
straight-line estimate stays for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from matcher import geo
from matcher.features import ClientBatch, OpeningIndex
from matcher.schedule import N_SLOTS, SLOT_MINUTES, SLOTS_PER_DAY
from matcher.transit.feed import DAY_TYPES, Feed, day_type, read_feed
from matcher.transit.network import BANDS, EARTH_KM, BandTimes, TransitConfig, band_of, band_times, chord_km

K_STATIONS = 8  # nearest stations tried at each end
SERVICE_SLACK = 30  # minutes: a departure this long before a shift's start (or after its end) serves it
Trip = tuple[int, int, bool]  # (day type, minute of the day, to work?)


@dataclass(slots=True)
class FeedTimes:
    """A feed precomputed per (day type, band), with its stations' KD-tree.

    ``bands`` holds the bands computed so far; :meth:`band` computes a missing one
    (:meth:`build` computes all of them unless told which: tests need only a few).
    """

    feed: Feed
    config: TransitConfig
    bands: dict[tuple[int, int], BandTimes]
    active: np.ndarray  # (3, 288) bool: a departure in that 5-minute slot of the day type
    tree: cKDTree = field(init=False)
    _padded: dict[tuple[Trip, ...], np.ndarray] = field(init=False)
    _served: dict[tuple[Trip, ...], bool] = field(init=False)
    _near: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(init=False)
    _curves: tuple[np.ndarray, np.ndarray] | None = field(init=False)

    def __post_init__(self) -> None:
        self.tree = cKDTree(self.feed.xyz)
        self._padded, self._served, self._near, self._curves = {}, {}, None, None

    @property
    def name(self) -> str:
        return self.feed.name

    @property
    def xyz(self) -> np.ndarray:
        result: np.ndarray = self.tree.data
        return result

    @classmethod
    def build(
        cls, feed: Feed, config: TransitConfig, bands: Sequence[tuple[int, int]] | None = None
    ) -> FeedTimes:
        """Precompute ``bands`` (default: every day type and band) of ``feed``."""
        active = np.zeros((len(DAY_TYPES), SLOTS_PER_DAY), dtype=bool)
        for kind, rides in enumerate(feed.rides):
            slot = (rides.depart // SLOT_MINUTES).astype(np.int64)
            active[kind, slot[slot < SLOTS_PER_DAY]] = True
            nxt = {0: 0, 1: 2, 2: 0}[kind]  # after-midnight runs fall on the next day type
            late = slot[slot >= SLOTS_PER_DAY] - SLOTS_PER_DAY
            active[nxt, late[late < SLOTS_PER_DAY]] = True
        todo = (
            bands if bands is not None else [(k, b) for k in range(len(DAY_TYPES)) for b in range(len(BANDS))]
        )
        return cls(feed, config, {key: band_times(feed, *key, config) for key in todo}, active)

    def band(self, kind: int, band: int) -> BandTimes:
        """One band's station-to-station minutes, computed once."""
        if (kind, band) not in self.bands:
            self.bands[(kind, band)] = band_times(self.feed, kind, band, self.config)
        return self.bands[(kind, band)]

    def openings_near(
        self, xyz: np.ndarray, rows: np.ndarray, config: TransitConfig
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`stations_near` of ``xyz[rows]``; all of ``xyz`` is looked up once and kept while it
        is the same array (a fitted index's openings: every shortlist asks about them)."""
        if len(rows) < len(xyz) // 4:  # a few openings (a sub-index, a small block): look them up
            return self.stations_near(xyz[rows], config)
        if self._near is None or self._near[0] is not xyz:
            self._near = (xyz, *self.stations_near(xyz, config))
        return self._near[1][rows], self._near[2][rows]

    def padded(self, key: tuple[Trip, ...]) -> np.ndarray:
        """(S+1, S+1) elementwise longest of the bands' minutes, inf-padded (the padding station).

        The trip home runs the other way: its band's matrix transposed. Kept per key.
        """
        if key not in self._padded:
            parts = [self.band(k, b).minutes if w else self.band(k, b).minutes.T for k, b, w in key]
            n = len(self.feed.names)
            out = np.full((n + 1, n + 1), np.inf)
            out[:n, :n] = np.maximum.reduce(parts)
            self._padded[key] = out
        return self._padded[key]

    def serves_plan(self, plan: tuple[Trip, ...]) -> bool:
        """The feed runs at every trip's time of the plan (kept per plan)."""
        if plan not in self._served:
            self._served[plan] = all(self.serves(k, m, to_work) for k, m, to_work in plan)
        return self._served[plan]

    def serves(self, kind: int, minute: int, before: bool) -> bool:
        """A departure within SERVICE_SLACK minutes before (or after) ``minute`` of day type ``kind``."""
        span = (
            np.arange(minute - SERVICE_SLACK, minute) if before else np.arange(minute, minute + SERVICE_SLACK)
        )
        # half an hour around midnight wraps within the day type (the day before would be exact)
        return bool(self.active[kind, (span % 1440) // SLOT_MINUTES].any())

    def reach_km(self, homes: np.ndarray, limit: np.ndarray, config: TransitConfig) -> np.ndarray:
        """(n,) farthest straight-line km from each home (unit vectors) to a workplace this feed takes
        it to within ``limit`` minutes, at any day type and band (NaN: no station within a walk).

        A bound, not a route (the candidate search's): the walk to a station near home, the
        fastest band's minutes from there to any station within the minutes left, and at most
        ``max_walk_km`` at each end (home to its station, that station to the workplace).
        """
        stations, walk = self.stations_near(homes, config)
        minutes, farthest = self.reach_curves()
        near = np.isfinite(walk)
        budget = limit[:, None] - walk + 1e-6  # minutes left at each station near home
        ride = np.full(walk.shape, -np.inf)
        for s in np.unique(stations[near]):  # at most the feed's stations, one search each
            at = near & (stations == s)
            ride[at] = farthest[s, np.searchsorted(minutes[s], budget[at], side="right")]
        km: np.ndarray = np.where(near[:, 0], ride.max(axis=1) + 2.0 * config.max_walk_km, np.nan)
        return km

    def reach_curves(self) -> tuple[np.ndarray, np.ndarray]:
        """From each station: its fastest minutes to every station over all bands, ascending (S, S),
        and the farthest straight-line km among the first k of them (S, S + 1; k = 0: -inf).

        Computed once (every band of the feed) and kept: each shortlist's reach reads it.
        """
        if self._curves is None:
            keys = [(k, b) for k in range(len(DAY_TYPES)) for b in range(len(BANDS))]
            fastest = np.minimum.reduce([self.band(k, b).minutes for k, b in keys])
            order = np.argsort(fastest, axis=1, kind="stable")
            km = np.take_along_axis(geo.distance_km(self.xyz, self.xyz), order, axis=1)
            first = np.full((len(km), 1), -np.inf)
            self._curves = (
                np.take_along_axis(fastest, order, axis=1),
                np.hstack([first, np.maximum.accumulate(km, axis=1)]),
            )
        return self._curves

    def stations_near(self, xyz: np.ndarray, config: TransitConfig) -> tuple[np.ndarray, np.ndarray]:
        """(n, K) nearest stations within walking distance (len(stations) as padding) and walk minutes."""
        chord, idx = self.tree.query(xyz, k=K_STATIONS, distance_upper_bound=chord_km(config.max_walk_km))
        km = 2.0 * np.arcsin(np.clip(np.nan_to_num(chord, posinf=2.0) / 2.0, 0.0, 1.0)) * EARTH_KM
        walk = np.where(np.isfinite(chord), config.walk_minutes(km), np.inf)
        return idx, walk


@dataclass(slots=True)
class TimetableRouter:
    """The engine's router (:class:`matcher.commute.Router`) for ``mode`` from GTFS feeds."""

    feeds: Sequence[FeedTimes]
    config: TransitConfig = field(default_factory=TransitConfig)
    mode: str = "transit"
    _plans: dict[bytes, tuple[Trip, ...]] = field(default_factory=dict)

    @classmethod
    def from_paths(cls, paths: Mapping[str, Path], config: TransitConfig | None = None) -> TimetableRouter:
        """Read and precompute the feeds at ``paths`` (name -> zip or folder)."""
        config = config or TransitConfig()
        return cls([FeedTimes.build(read_feed(path, name), config) for name, path in paths.items()], config)

    @property
    def modes(self) -> frozenset[str]:
        return frozenset({self.mode})

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(f"from the {f.name} timetable" for f in self.feeds)

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        """(name, content hash) of each feed: which timetables gave the minutes (a record keeps it)."""
        return tuple((f.name, f.feed.content_hash) for f in self.feeds)

    def reach_km(self, mode: str, homes: np.ndarray, limit: np.ndarray) -> np.ndarray:
        """(n,) farthest km the feeds take each home within ``limit`` minutes (NaN: no feed near it)."""
        out = np.full(len(homes), np.nan)
        if mode == self.mode:
            for feed in self.feeds:
                out = np.fmax(out, feed.reach_km(homes, limit, self.config))
        return out

    def route(
        self, mode: str, clients: ClientBatch, index: OpeningIndex, ci: np.ndarray, ji: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Minutes of pairs (ci, ji) (NaN: no feed covers them) and the feed used (-1: none)."""
        best = np.full(len(ci), np.nan)
        source = np.full(len(ci), -1, dtype=np.int16)
        if mode != self.mode or not len(ci):
            return best, source
        # each pair's shift pattern numbered among those present (a lookup table: no sort of the pairs)
        pattern = index.shift_inverse[ji]
        patterns = np.flatnonzero(np.bincount(pattern, minlength=len(index.shift_patterns)))
        number = np.zeros(len(index.shift_patterns), dtype=np.int64)
        number[patterns] = np.arange(len(patterns))
        plans = [self._plan(index.shift_patterns[p]) for p in patterns]
        for f, feed in enumerate(self.feeds):
            minutes = _feed_minutes(feed, self.config, clients.xyz, ci, index.xyz, ji, plans, number[pattern])
            better = ~np.isnan(minutes) & ~(minutes >= best)
            best[better], source[better] = minutes[better], f
        return best, source

    def _plan(self, row: np.ndarray) -> tuple[Trip, ...]:
        """The trips a shift pattern needs (kept by pattern: programs have few)."""
        key = row.tobytes()
        if key not in self._plans:
            self._plans[key] = _trips_of(row)
        return self._plans[key]


def _trips_of(row: np.ndarray) -> tuple[Trip, ...]:
    """(day type, minute of the day, to work?) of the trips to and from a weekly shift mask.

    The trip to work arrives the minute before a shift starts; the trip home leaves at its end.
    No shift stated: a weekday trip to a noon start.
    """
    bits = np.unpackbits(row.view(np.uint8), bitorder="little")[:N_SLOTS].astype(bool)
    starts = np.flatnonzero(bits & ~np.roll(bits, 1)) * SLOT_MINUTES - 1
    ends = (np.flatnonzero(bits & ~np.roll(bits, -1)) + 1) * SLOT_MINUTES
    trips = set()
    for minute, to_work in [*((int(m), True) for m in starts), *((int(m), False) for m in ends)]:
        day, of_day = divmod(minute % (7 * 1440), 1440)
        trips.add((day_type(day), of_day, to_work))
    return tuple(sorted(trips)) or ((0, 12 * 60 - 1, True),)


def _feed_minutes(
    feed: FeedTimes,
    config: TransitConfig,
    client_xyz: np.ndarray,
    ci: np.ndarray,
    opening_xyz: np.ndarray,
    ji: np.ndarray,
    plans: list[tuple[Trip, ...]],
    pair_plan: np.ndarray,
) -> np.ndarray:
    """Minutes of each pair through one feed (NaN where an end has no station within walking distance).

    ``ci`` and ``ji`` are the pairs' rows of ``client_xyz`` and ``opening_xyz``; ``pair_plan``
    each pair's shift plan in ``plans``.
    """
    uc, cpos = _distinct(ci)
    c_st, c_walk = feed.stations_near(client_xyz[uc], config)
    j_st, j_walk = feed.openings_near(opening_xyz, ji, config)  # (P, K): each pair's work end
    out = np.full(len(ji), np.nan)
    covered = np.isfinite(c_walk[cpos, 0]) & np.isfinite(j_walk[:, 0])
    # a plan is served when the feed runs at every trip's time; plans sharing bands share a matrix
    served = np.array([feed.serves_plan(plan) for plan in plans], dtype=bool)[pair_plan]
    keys = [bands_of(plan) for plan in plans]
    group_of_key = {key: g for g, key in enumerate(dict.fromkeys(keys))}
    pair_group = np.array([group_of_key[k] for k in keys], dtype=np.int64)[pair_plan]
    live = np.flatnonzero(covered & served)
    if len(live):
        # from each client: best minutes to every station, per group of bands (G, C', n + 1)
        to_station = np.stack(
            [(feed.padded(key)[c_st] + c_walk[:, :, None]).min(axis=1) for key in group_of_key]
        )
        # then, in one gather for every pair, the best of the opening's nearest stations
        at = to_station[pair_group[live, None], cpos[live, None], j_st[live]]
        out[live] = (at + j_walk[live]).min(axis=1)
    out[covered & ~served] = np.inf
    return out


def _distinct(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, return_inverse=True)``, without a sort when ``rows`` is already sorted
    (pairs from ``np.nonzero`` of a client x opening mask are)."""
    if len(rows) and not (rows[1:] >= rows[:-1]).all():
        return np.unique(rows, return_inverse=True)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    return rows[first], np.cumsum(first) - 1


@lru_cache(maxsize=4096)
def bands_of(plan: tuple[Trip, ...]) -> tuple[Trip, ...]:
    """The (day type, band, to work?) a plan's trips use: plans with the same share one matrix."""
    return tuple(sorted({(k, band_of(m), to_work) for k, m, to_work in plan}))
