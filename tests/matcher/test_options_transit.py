"""What would open more options with GTFS transit: a changed commute is routed as the shortlist's is.

The New York City subway sample (../shared/data/gtfs_samples, PROVENANCE.md there): routes 1
and 2, which run all night. The estimate has no transit at 2 am; the timetable does, so travel
training for transit (or a longer limit) opens a night shift only with the timetable.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from matcher import Matcher
from matcher.commute import TravelTimes
from matcher.options import what_would_open, what_would_open_many
from matcher.transit import Feed, FeedTimes, TimetableRouter, TransitConfig, read_feed
from matcher.transit.network import band_of
from matcher.types import Client, Opening
from tests.matcher import worlds

GTFS = Path(__file__).resolve().parents[2] / "../shared/data/gtfs_samples"
WEEKDAY = 0
NIGHT_SHIFT = "Tue 02:00-10:00"  # the trip there in the night band, the trip home at 10:00


@pytest.fixture(scope="module")
def nyc() -> Feed:
    path = GTFS / "nyc_subway_gtfs.zip"
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sits beside the repository)")
    return read_feed(path, "NYC subway")


@pytest.fixture(scope="module")
def routed(nyc: Feed) -> TravelTimes:
    bands = [(WEEKDAY, band_of(2 * 60)), (WEEKDAY, band_of(10 * 60))]
    return TravelTimes.from_router(TimetableRouter([FeedTimes.build(nyc, TransitConfig(), bands)]))


def _near(feed: Feed, stop_id: str) -> dict[str, float]:
    """A point 100 m north of a station."""
    i = feed.names.index(stop_id)
    return {"lat": float(feed.lat[i]) + 0.0009, "lon": float(feed.lon[i])}


def _night_shift(feed: Feed) -> Opening:
    # next to Times Sq-42 St (1 train), 16 hours a week
    return worlds.opening(id="O-NIGHT", location=_near(feed, "127"), shifts=[NIGHT_SHIFT], hours_per_week=16)


def _feasible(matcher: Matcher, client: Client) -> set[str]:
    codes = matcher.score([client]).codes[0]
    return {matcher.index.ids[j] for j in range(len(codes)) if codes[j] == 0}


def test_travel_training_for_transit_counts_what_the_timetable_reaches(
    nyc: Feed, routed: TravelTimes
) -> None:
    # from 116 St-Columbia, on foot only: Times Sq is far more than an hour's walk
    client = worlds.client(home=_near(nyc, "117"), modes=["walk"], max_commute_minutes=60)
    night = _night_shift(nyc)
    with_timetable = Matcher(travel_times=routed).fit([night], as_of=worlds.AS_OF)
    estimated = Matcher().fit([night], as_of=worlds.AS_OF)
    assert _feasible(with_timetable, client) == set()
    (learn,) = [c for c in what_would_open(with_timetable, client) if c.kind == "learn_mode"]
    assert learn.opening_ids == ("O-NIGHT",)
    assert _feasible(with_timetable, learn.client) == {"O-NIGHT"}  # the engine agrees on the changed client
    assert [c for c in what_would_open(estimated, client) if c.kind == "learn_mode"] == []  # no 2 am transit
    (many,) = what_would_open_many(with_timetable, [client])
    assert [c.opening_ids for c in many if c.kind == "learn_mode"] == [("O-NIGHT",)]


def test_a_longer_commute_limit_is_checked_against_the_timetable(nyc: Feed, routed: TravelTimes) -> None:
    night = _night_shift(nyc)
    with_timetable = Matcher(travel_times=routed).fit([night], as_of=worlds.AS_OF)
    home = _near(nyc, "117")
    minutes = float(
        with_timetable.score([worlds.client(home=home, max_commute_minutes=90)]).commute.minutes[0, 0]
    )
    assert math.isfinite(minutes)
    # a limit under the timetable's minutes: a longer one reaches the night shift (the router is
    # asked for the pairs within the changed limit's estimated reach, as for any client)
    client = worlds.client(home=home, modes=["transit"], max_commute_minutes=math.floor(minutes) - 5)
    assert _feasible(with_timetable, client) == set()
    longer = [c for c in what_would_open(with_timetable, client) if c.kind == "commute_limit"]
    assert [c.opening_ids for c in longer] == [("O-NIGHT",)]
    assert longer[0].client.max_commute_minutes >= minutes
    assert _feasible(with_timetable, longer[0].client) == {"O-NIGHT"}
    estimated = Matcher().fit([night], as_of=worlds.AS_OF)
    assert [c for c in what_would_open(estimated, client) if c.kind == "commute_limit"] == []
