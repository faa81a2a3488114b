"""Read one GTFS feed (zip or folder) into the rides of a typical day of each day type.

The feed is read with ``partridge`` (trips of the chosen service dates only).
Platforms are merged into their parent station, so a transfer between two
platforms of one station is a transfer at that station. A day type (weekday,
Saturday, Sunday) is represented by the date of that weekday in the feed's
calendar running its most common set of services (not a holiday's); trips defined
by ``frequencies.txt`` are expanded into one run per headway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import partridge as ptg

from matcher.errors import ValidationError

DAY_TYPES = ("weekday", "saturday", "sunday")


def day_type(day: int) -> int:
    """Index in DAY_TYPES of a day of the week (0 = Monday)."""
    return 0 if day < 5 else day - 4


@dataclass(frozen=True, slots=True)
class Rides:
    """One day type's scheduled rides between consecutive stations of every trip.

    Each row of the arrays is one ride of one run: ``pattern`` (a route's
    sequence of stations, shared by its runs), ``position`` (the ride's place
    in that sequence), stations ``start`` and ``stop`` (indices in
    :attr:`Feed.names`), ``depart`` and ``arrive`` (minutes after midnight of
    the service day; past 1440 is after midnight).
    """

    pattern: np.ndarray
    position: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    depart: np.ndarray
    arrive: np.ndarray
    service_date: dt.date | None


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's stations and rides.

    ``xyz`` are unit vectors of the stations (as :func:`matcher.geo.unit_vectors`);
    ``content_hash`` names the feed's version (a shortlist records it);
    ``transfers`` rows are (from station, to station, minutes) from ``transfers.txt``;
    ``rides`` one :class:`Rides` per entry of :data:`DAY_TYPES`.
    """

    name: str
    content_hash: str  # of the file(s) read (:func:`content_hash`): which version gave the minutes
    names: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    transfers: np.ndarray
    rides: tuple[Rides, ...]
    n_patterns: int

    @property
    def xyz(self) -> np.ndarray:
        lat, lon = np.radians(self.lat), np.radians(self.lon)
        return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


@contextmanager
def _quiet() -> Iterator[None]:
    """partridge 1.1.2 calls pandas APIs pandas 3 deprecates: their warnings say nothing of the feed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        yield


def read_feed(path: Path, name: str | None = None) -> Feed:
    """Stations and rides of the GTFS feed at ``path`` (a .zip or a folder)."""
    if not path.exists():
        raise ValidationError("gtfs feed", "path", str(path), "no such file or folder")
    with _quiet():
        return _read(path, name)


def content_hash(path: Path) -> str:
    """sha256 of a feed zip, or of a folder's .txt files in name order (OSError: none there)."""
    digest = hashlib.sha256()
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    if not files:
        raise OSError(f"no GTFS files in {path}")
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def _read(path: Path, name: str | None) -> Feed:
    try:
        by_date = ptg.read_service_ids_by_date(str(path))
    except Exception as exc:  # partridge raises plain errors on a malformed feed: name the file
        raise ValidationError("gtfs feed", "path", str(path), f"not a readable GTFS feed ({exc})") from exc
    stations, index = _stations(path)
    patterns: dict[tuple[str, ...], int] = {}
    rides = tuple(_day_rides(path, by_date, d, index, patterns) for d in range(len(DAY_TYPES)))
    return Feed(
        name=name or path.stem,
        content_hash=content_hash(path),
        names=tuple(stations["stop_id"]),
        lat=stations["stop_lat"].to_numpy(np.float64),
        lon=stations["stop_lon"].to_numpy(np.float64),
        transfers=_transfers(path, index),
        rides=rides,
        n_patterns=len(patterns),
    )


def _typical_date(by_date: dict[dt.date, frozenset[str]], kind: int) -> dt.date | None:
    """A date of this day type running its most common set of services (None: the feed never runs then).

    The most common set, not the largest: a Friday-only late service must not make every weekday
    look like a Friday night, and a holiday runs a rarer set.
    """
    dates = sorted(d for d in by_date if day_type(d.weekday()) == kind)
    if not dates:
        return None
    counts = Counter(by_date[d] for d in dates)
    return max(dates, key=lambda d: (counts[by_date[d]], len(by_date[d]), -d.toordinal()))


def _stations(path: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Stations (stops without a parent) and the station index of every stop id."""
    stops = ptg.load_raw_feed(str(path)).stops
    parent = stops.get("parent_station", pd.Series(np.nan, index=stops.index))
    parent = parent.where(parent.notna() & (parent.astype(str) != ""), stops["stop_id"]).astype(str)
    stops = stops.assign(station=parent)
    stations = stops[stops["stop_id"] == stops["station"]].reset_index(drop=True)
    pos = {s: i for i, s in enumerate(stations["stop_id"])}
    return stations, {sid: pos[st] for sid, st in zip(stops["stop_id"], stops["station"], strict=True)}


def _transfers(path: Path, index: dict[str, int]) -> np.ndarray:
    """(n, 3) float: from station, to station, minimum minutes (transfers.txt; none if absent)."""
    frame = ptg.load_raw_feed(str(path)).transfers
    if frame.empty or "min_transfer_time" not in frame:
        return np.zeros((0, 3))
    frame = frame[frame["from_stop_id"].isin(index) & frame["to_stop_id"].isin(index)]
    minutes = pd.to_numeric(frame["min_transfer_time"], errors="coerce").fillna(0) / 60.0
    return np.column_stack(
        [frame["from_stop_id"].map(index), frame["to_stop_id"].map(index), minutes]
    ).astype(np.float64)


def _day_rides(
    path: Path,
    by_date: dict[dt.date, frozenset[str]],
    kind: int,
    index: dict[str, int],
    patterns: dict[tuple[str, ...], int],
) -> Rides:
    date = _typical_date(by_date, kind)
    if date is None or not by_date[date]:
        empty = np.zeros(0, dtype=np.int64)
        return Rides(empty, empty, empty, empty, empty.astype(float), empty.astype(float), date)
    feed = ptg.load_feed(str(path), view={"trips.txt": {"service_id": by_date[date]}})
    times = feed.stop_times.sort_values(["trip_id", "stop_sequence"])
    times = times.assign(station=times["stop_id"].map(index))
    times = times[times["station"].notna() & times["departure_time"].notna() & times["arrival_time"].notna()]
    times = _expand_frequencies(times, feed.frequencies)
    trip = times["trip_id"].to_numpy()
    station = times["station"].to_numpy(np.int64)
    same = trip[1:] == trip[:-1]
    # one pattern per distinct sequence of stations
    sequences = times.groupby("trip_id", sort=False)["station"].agg(tuple)
    trip_pattern = {t: patterns.setdefault(s, len(patterns)) for t, s in sequences.items()}
    pattern = np.array([trip_pattern[t] for t in trip[:-1][same]], dtype=np.int64)
    position = times.groupby("trip_id", sort=False).cumcount().to_numpy()[:-1][same]
    depart = times["departure_time"].to_numpy(np.float64)[:-1][same] / 60.0
    arrive = times["arrival_time"].to_numpy(np.float64)[1:][same] / 60.0
    return Rides(pattern, position, station[:-1][same], station[1:][same], depart, arrive, date)


def _expand_frequencies(times: pd.DataFrame, frequencies: pd.DataFrame) -> pd.DataFrame:
    """Stop times with every frequency-based trip repeated once per headway (as its own trip id)."""
    if frequencies.empty:
        return times
    runs = []
    for row in frequencies.itertuples(index=False):
        template = times[times["trip_id"] == row.trip_id]
        if template.empty:
            continue
        first = float(template["departure_time"].iloc[0])
        for k, begin in enumerate(
            np.arange(float(row.start_time), float(row.end_time), float(row.headway_secs))
        ):
            shift = begin - first
            runs.append(
                template.assign(
                    trip_id=f"{row.trip_id}#{k}",
                    arrival_time=template["arrival_time"] + shift,
                    departure_time=template["departure_time"] + shift,
                )
            )
    fixed = times[~times["trip_id"].isin(set(frequencies["trip_id"]))]
    return pd.concat([fixed, *runs], ignore_index=True) if runs else fixed
