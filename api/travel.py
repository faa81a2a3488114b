"""The service's transit router: the configured GTFS feeds, precomputed once per process.

``Settings.gtfs_feeds`` names the feeds. Each is read and precomputed for
every day type and time band (``matcher.transit``) once per process, and kept
on disk under ``var_dir/gtfs`` keyed by the feed file's content hash and the
model's assumptions, so a restart or another worker loads it instead of
computing it again. A feed that cannot be read is logged and left out: transit
minutes there stay estimated (the explanation says so).

A shortlist records which feeds gave its minutes (:func:`feed_versions`: name and
content hash) and folds them into its configuration hash (:func:`config_hash`), so
an auditor sees which timetable a record used and that a feed changed since.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import joblib

from api.config import Settings
from matcher.canonical import sha256_hex
from matcher.commute import TravelTimes
from matcher.errors import ValidationError
from matcher.transit import FeedTimes, TimetableRouter, TransitConfig, content_hash, read_feed
from matcher.transit.network import BANDS

_log = logging.getLogger(__name__)

CACHE_VERSION = 2  # bump when FeedTimes or the model changes shape


def for_settings(settings: Settings) -> TravelTimes | None:
    """The router of ``settings.gtfs_feeds`` (None when none is configured or readable)."""
    feeds = tuple(sorted((name, Path(path)) for name, path in settings.gtfs_feeds.items()))
    return load(feeds, settings.var_dir / "gtfs") if feeds else None


@lru_cache(maxsize=4)
def load(feeds: tuple[tuple[str, Path], ...], cache_dir: Path) -> TravelTimes | None:
    """The router of these feeds, built once per process (and per disk cache)."""
    config = TransitConfig()
    built = [t for name, path in feeds if (t := feed_times(name, path, cache_dir, config)) is not None]
    return TravelTimes.from_router(TimetableRouter(built, config)) if built else None


def feed_times(name: str, path: Path, cache_dir: Path, config: TransitConfig) -> FeedTimes | None:
    """One feed precomputed: from the disk cache when the file and the assumptions are unchanged."""
    try:
        digest = content_hash(path)
    except OSError as exc:
        _log.warning("GTFS feed %s (%s) cannot be read (%s): transit stays estimated there", name, path, exc)
        return None
    key = sha256_hex(
        {"v": CACHE_VERSION, "file": digest, "name": name, "config": repr(config), "bands": BANDS}
    )
    cached = cache_dir / f"{key}.joblib"
    if cached.exists():
        try:
            found = joblib.load(cached)
            if isinstance(found, FeedTimes):
                return found
        except Exception as exc:  # a torn or foreign file: compute it again
            _log.warning("ignoring the cached feed %s (%s)", cached, exc)
    try:
        times = FeedTimes.build(read_feed(path, name), config)
    except (ValidationError, KeyError, ValueError) as exc:  # a feed missing a required file or column
        _log.warning("%s: transit stays estimated for GTFS feed %s", exc, name)
        return None
    times.reach_curves()  # the candidate search's reach, kept on disk with the bands
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    joblib.dump(times, partial)
    partial.replace(cached)  # atomic: another worker never reads half a file
    _log.info("precomputed GTFS feed %s (%d stations)", name, len(times.xyz))
    return times


def feed_versions(travel_times: TravelTimes | None) -> list[dict[str, str]]:
    """The GTFS feeds behind the engine's transit minutes, each ``{"name", "sha256"}`` ([]: none)."""
    router = travel_times.router if travel_times is not None else None
    if not isinstance(router, TimetableRouter):
        return []
    return [{"name": name, "sha256": digest} for name, digest in router.versions]


def config_hash(configuration: str, feeds: list[dict[str, str]]) -> str:
    """A shortlist's configuration hash: the program configuration's alone without feeds, else
    of it and the feeds' versions (a changed feed file gives another hash)."""
    return sha256_hex({"config": configuration, "gtfs": feeds}, length=16) if feeds else configuration
