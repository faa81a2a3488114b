"""Transit minutes from GTFS timetables: read a feed, precompute it per time band, route blocks of pairs.

``TimetableRouter.from_paths`` is what a program hands the engine
(``TravelTimes.from_router``); see docs/travel.md for the model and its limits.
"""

from matcher.transit.feed import DAY_TYPES, Feed, content_hash, read_feed
from matcher.transit.network import BANDS, BandTimes, TransitConfig, band_times
from matcher.transit.router import FeedTimes, TimetableRouter

__all__ = [
    "BANDS",
    "DAY_TYPES",
    "BandTimes",
    "Feed",
    "FeedTimes",
    "TimetableRouter",
    "TransitConfig",
    "band_times",
    "content_hash",
    "read_feed",
]
