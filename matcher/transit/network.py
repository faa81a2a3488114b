"""Station-to-station minutes of one feed per day type and time band (frequency-based shortest paths).

The model is the frequency-based one of transport planning (e.g. Spiess and
Florian 1989, in its simplest single-line form): within a time band, each
route pattern leaving a station is a line with a headway (band length over
its departures in the band); boarding it costs half that headway, riding it
the median scheduled ride time of its runs in the band, and every boarding
after the first a transfer penalty. The graph has, per station, an arrival
and a departure node (alighting, then changing platforms, then boarding) and
one node per (pattern, position). Shortest paths from every station's
departure node to every arrival node come from one call of
``scipy.sparse.csgraph.dijkstra`` (C code over all sources at once), so a band
costs milliseconds for a few hundred stations. A band in which a station has
no departure leaves it unreachable from there: the feed's own service span.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from matcher.transit.feed import Feed

EARTH_KM = 6371.0088

# (name, first minute, end minute) of the day; a shift's trip is looked up in the band of the
# minute before it starts. Late evening and night are apart so a last bus does not serve 3 am.
BANDS: tuple[tuple[str, int, int], ...] = (
    ("night", 0, 5 * 60),
    ("early", 5 * 60, 7 * 60),
    ("morning peak", 7 * 60, 10 * 60),
    ("midday", 10 * 60, 15 * 60),
    ("afternoon peak", 15 * 60, 19 * 60),
    ("evening", 19 * 60, 22 * 60),
    ("late evening", 22 * 60, 24 * 60),
)


def band_of(minute: int) -> int:
    """Index in BANDS of a minute of the day (0..1439)."""
    return next(b for b, (_, lo, hi) in enumerate(BANDS) if lo <= minute % 1440 < hi)


@dataclass(frozen=True, slots=True)
class TransitConfig:
    """Walking, waiting and transfer assumptions of the timetable model.

    Walking is straight-line km x ``walk_detour`` at ``walk_kmh``; a client walks at most
    ``max_walk_km`` (straight line) to or from a stop; stations this close
    (``transfer_walk_km``) are a walking transfer apart; every boarding after the first
    costs ``transfer_penalty_minutes`` (the discomfort and risk of a missed connection,
    on top of the wait).
    """

    walk_kmh: float = 4.8
    walk_detour: float = 1.25
    max_walk_km: float = 0.8
    transfer_walk_km: float = 0.3
    transfer_penalty_minutes: float = 5.0

    def walk_minutes(self, km: np.ndarray) -> np.ndarray:
        result: np.ndarray = km * self.walk_detour * 60.0 / self.walk_kmh
        return result


@dataclass(frozen=True, slots=True)
class BandTimes:
    """(S, S) float32 station-to-station minutes in one band (inf: no service); ``served`` (S,) bool."""

    minutes: np.ndarray
    served: np.ndarray


def chord_km(km: float) -> float:
    """Chord length on the unit sphere of an arc of ``km``: KD-tree radii over unit vectors."""
    return float(2.0 * np.sin(km / EARTH_KM / 2.0))


def band_times(feed: Feed, kind: int, band: int, config: TransitConfig) -> BandTimes:
    """Shortest station-to-station minutes of day type ``kind`` in time band ``band``."""
    n = len(feed.names)
    lo, hi = BANDS[band][1], BANDS[band][2]
    rides = _rides_in_band(feed, kind, lo, hi)
    if not len(rides):
        return BandTimes(np.full((n, n), np.inf, dtype=np.float32), np.zeros(n, dtype=bool))
    # per (pattern, position): departures in the band and the median ride
    legs = rides.groupby(["pattern", "position"], sort=True).agg(
        start=("start", "first"), stop=("stop", "first"), runs=("ride", "size"), ride=("ride", "median")
    )
    legs = legs.reset_index()
    n_legs = len(legs)
    # nodes: 0..n-1 arrival, n..2n-1 departure, then per leg the node "on board, leaving its start"
    # and per leg its end node "on board, arriving at its stop" (the next leg's start when they chain)
    board_node = 2 * n + np.arange(n_legs)
    nxt = _next_leg(legs)
    end_node = np.where(nxt >= 0, board_node[np.maximum(nxt, 0)], 2 * n + n_legs + np.arange(n_legs))
    headway = (hi - lo) / legs["runs"].to_numpy(np.float64)
    start, stop = legs["start"].to_numpy(np.int64), legs["stop"].to_numpy(np.int64)
    src = [n + start, board_node, end_node, np.arange(n)]
    dst = [board_node, end_node, stop, n + np.arange(n)]
    weight = [
        headway / 2.0 + config.transfer_penalty_minutes,  # wait and board
        np.maximum(legs["ride"].to_numpy(np.float64), 0.01),  # ride (0 would be no edge)
        np.full(n_legs, 0.01),  # alight
        _change_minutes(feed),  # stay in the station to change lines
    ]
    walks = _walking_transfers(feed, config)
    src.append(walks[:, 0].astype(np.int64))
    dst.append(n + walks[:, 1].astype(np.int64))
    weight.append(np.maximum(walks[:, 2], 0.01))
    size = 2 * n + 2 * n_legs
    graph = _min_duplicates(np.concatenate(src), np.concatenate(dst), np.concatenate(weight), size)
    served = np.zeros(n, dtype=bool)
    served[start] = True
    sources = n + np.flatnonzero(served)
    dist = dijkstra(graph, directed=True, indices=sources)[:, :n]
    # the first boarding paid the transfer penalty too: every path boards at least once
    out = np.full((n, n), np.inf, dtype=np.float32)
    out[np.flatnonzero(served)] = dist - config.transfer_penalty_minutes
    out[np.flatnonzero(served), np.flatnonzero(served)] = 0.0  # both ends at one station: walk only
    return BandTimes(out, served)


def _rides_in_band(feed: Feed, kind: int, lo: int, hi: int) -> pd.DataFrame:
    """Rides departing in [lo, hi) of day type ``kind``, with those past midnight of the day before."""
    parts = []
    # the service day before this day type runs its after-midnight trips on it (Friday's on Saturday)
    before = {0: 0, 1: 0, 2: 1}[kind]
    for rides, offset in ((feed.rides[kind], 0.0), (feed.rides[before], 1440.0)):
        depart = rides.depart - offset
        keep = (depart >= lo) & (depart < hi)
        parts.append(
            pd.DataFrame(
                {
                    "pattern": rides.pattern[keep],
                    "position": rides.position[keep],
                    "start": rides.start[keep],
                    "stop": rides.stop[keep],
                    "ride": (rides.arrive - rides.depart)[keep],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _change_minutes(feed: Feed) -> np.ndarray:
    """(S,) minutes to change lines within each station: its own row of transfers.txt, else none."""
    out = np.full(len(feed.names), 0.01)
    own = feed.transfers[feed.transfers[:, 0] == feed.transfers[:, 1]]
    out[own[:, 0].astype(np.int64)] = np.maximum(own[:, 2], 0.01)
    return out


def _next_leg(legs: pd.DataFrame) -> np.ndarray:
    """Row of the leg that continues each leg on its pattern (-1: none in the band)."""
    key = pd.MultiIndex.from_arrays([legs["pattern"], legs["position"]])
    following = pd.MultiIndex.from_arrays([legs["pattern"], legs["position"] + 1])
    result: np.ndarray = key.get_indexer(following)
    return result


def _walking_transfers(feed: Feed, config: TransitConfig) -> np.ndarray:
    """(n, 3) from station, to station, minutes: transfers.txt and stations within a short walk."""
    tree = cKDTree(feed.xyz)
    pairs = tree.query_pairs(chord_km(config.transfer_walk_km), output_type="ndarray")
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    xyz = feed.xyz
    chord = np.linalg.norm(xyz[pairs[:, 0]] - xyz[pairs[:, 1]], axis=1)
    km = 2.0 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0)) * EARTH_KM
    walked = np.column_stack([pairs, config.walk_minutes(km)]).astype(np.float64)
    listed = feed.transfers[feed.transfers[:, 0] != feed.transfers[:, 1]]
    return np.concatenate([walked, listed]) if len(listed) else walked


def _min_duplicates(src: np.ndarray, dst: np.ndarray, weight: np.ndarray, size: int) -> object:
    """A CSR graph keeping the smallest weight of repeated edges (COO would add them up)."""
    frame = pd.DataFrame({"s": src, "d": dst, "w": weight}).groupby(["s", "d"], sort=False)["w"].min()
    s, d = frame.index.get_level_values(0), frame.index.get_level_values(1)
    return coo_matrix((frame.to_numpy(), (s, d)), shape=(size, size)).tocsr()
