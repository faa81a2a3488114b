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
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from matcher.features import ClientBatch, OpeningIndex
from matcher.schedule import N_SLOTS, SLOT_MINUTES, SLOTS_PER_DAY
from matcher.transit.feed import DAY_TYPES, Feed, day_type, read_feed
from matcher.transit.network import BANDS, EARTH_KM, BandTimes, TransitConfig, band_of, band_times, chord_km

K_STATIONS = 8  # nearest stations tried at each end
SERVICE_SLACK = 30  # minutes: a departure this long before a shift's start (or after its end) serves it
_MIDDAY = (0, band_of(12 * 60))


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

    def __post_init__(self) -> None:
        self.tree = cKDTree(self.feed.xyz)

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

    def serves(self, kind: int, minute: int, before: bool) -> bool:
        """A departure within SERVICE_SLACK minutes before (or after) ``minute`` of day type ``kind``."""
        span = (
            np.arange(minute - SERVICE_SLACK, minute) if before else np.arange(minute, minute + SERVICE_SLACK)
        )
        # half an hour around midnight wraps within the day type (the day before would be exact)
        return bool(self.active[kind, (span % 1440) // SLOT_MINUTES].any())

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
    _legs: dict[bytes, tuple[tuple[tuple[int, int, bool], ...], bool]] = field(default_factory=dict)

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

    def route(
        self, mode: str, clients: ClientBatch, index: OpeningIndex, ci: np.ndarray, ji: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Minutes of pairs (ci, ji) (NaN: no feed covers them) and the feed used (-1: none)."""
        best = np.full(len(ci), np.nan)
        source = np.full(len(ci), -1, dtype=np.int16)
        if mode != self.mode or not len(ci):
            return best, source
        uj, jpos = np.unique(ji, return_inverse=True)
        legs = [self._pattern_legs(index, int(p)) for p in index.shift_inverse[uj]]
        for f, feed in enumerate(self.feeds):
            minutes = _feed_minutes(feed, self.config, clients.xyz, index.xyz[uj], legs, ci, jpos)
            better = ~np.isnan(minutes) & ~(minutes >= best)
            best[better], source[better] = minutes[better], f
        return best, source

    def _pattern_legs(self, index: OpeningIndex, p: int) -> tuple[tuple[tuple[int, int, bool], ...], bool]:
        """The trips a shift pattern needs, as (day type, minute, to work?), and if it is stated."""
        row = index.shift_patterns[p]
        key = row.tobytes()
        if key not in self._legs:
            self._legs[key] = _legs_of(row)
        return self._legs[key]


def _legs_of(row: np.ndarray) -> tuple[tuple[tuple[int, int, bool], ...], bool]:
    bits = np.unpackbits(row.view(np.uint8), bitorder="little")[:N_SLOTS].astype(bool)
    starts = np.flatnonzero(bits & ~np.roll(bits, 1))
    ends = np.flatnonzero(bits & ~np.roll(bits, -1)) + 1
    out = []
    for s in starts:
        minute = int(s) * SLOT_MINUTES  # of the week; the trip arrives the minute before
        day, of_day = divmod((minute - 1) % (7 * 1440), 1440)
        out.append((day_type(day), of_day, True))
    for e in ends:
        day, of_day = divmod(int(e) * SLOT_MINUTES % (7 * 1440), 1440)
        out.append((day_type(day), of_day, False))
    return tuple(sorted(set(out))), bool(len(out))


def _feed_minutes(
    feed: FeedTimes,
    config: TransitConfig,
    client_xyz: np.ndarray,
    opening_xyz: np.ndarray,
    legs: list[tuple[tuple[tuple[int, int, bool], ...], bool]],
    ci: np.ndarray,
    jpos: np.ndarray,
) -> np.ndarray:
    """Minutes of each pair through one feed (NaN where an end has no station within walking distance)."""
    uc, cpos = np.unique(ci, return_inverse=True)
    c_st, c_walk = feed.stations_near(client_xyz[uc], config)
    j_st, j_walk = feed.stations_near(opening_xyz, config)
    n = len(feed.xyz)
    out = np.full(len(ci), np.nan)
    covered = np.isfinite(c_walk[cpos, 0]) & np.isfinite(j_walk[jpos, 0])
    # group the openings by the bands their trips use: one matrix per group
    groups: dict[tuple[tuple[int, int, bool], ...], list[int]] = {}
    served = np.ones(len(legs), dtype=bool)
    for u, (trips, stated) in enumerate(legs):
        trips = trips if stated else ((*_MIDDAY[:1], 12 * 60, True),)
        served[u] = all(feed.serves(k, m, to_work) for k, m, to_work in trips) or not stated
        key = tuple(sorted({(k, band_of(m - 1 if to_work else m), to_work) for k, m, to_work in trips}))
        groups.setdefault(key, []).append(u)
    for key, members in groups.items():
        matrix = _combined(feed, key)
        in_group = np.zeros(len(legs), dtype=bool)
        in_group[members] = True
        sel = np.flatnonzero(covered & in_group[jpos] & served[jpos])
        if not len(sel):
            continue
        padded = np.vstack([np.hstack([matrix, np.full((n, 1), np.inf)]), np.full((1, n + 1), np.inf)])
        # from each client: best minutes to every station, then the opening's nearest stations
        to_station = (padded[c_st] + c_walk[:, :, None]).min(axis=1)  # (C', n + 1)
        p_c, p_j = cpos[sel], jpos[sel]
        out[sel] = (to_station[p_c[:, None], j_st[p_j]] + j_walk[p_j]).min(axis=1)
    out[covered & ~served[jpos]] = np.inf
    return out


def _combined(feed: FeedTimes, key: tuple[tuple[int, int, bool], ...]) -> np.ndarray:
    """Elementwise longest of the bands' minutes (the trip home runs the other way: transposed)."""
    parts = [feed.band(k, b).minutes if to_work else feed.band(k, b).minutes.T for k, b, to_work in key]
    result: np.ndarray = np.maximum.reduce(parts) if len(parts) > 1 else parts[0]
    return result
