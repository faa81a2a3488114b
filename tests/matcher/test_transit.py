"""Transit from the real GTFS samples: night service, transfers, hand-checked itineraries.

The feeds are read from ../shared/data/gtfs_samples (PROVENANCE.md there): the MTA
New York City subway (routes 1 and 2 only, which run all night), the 2014 TransLink
Cairns buses (none on weekday nights) and the synthetic "Demo Transit Authority"
feed. Each is read and precomputed once per session, for the few bands the tests use.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from matcher import Matcher
from matcher.commute import TravelTimes
from matcher.errors import ValidationError
from matcher.transit import Feed, FeedTimes, TimetableRouter, TransitConfig, band_times, read_feed
from matcher.transit.network import band_of
from matcher.types import Exclusion, Suggestion
from tests.matcher import worlds

GTFS = Path(__file__).resolve().parents[2] / "../shared/data/gtfs_samples"
WEEKDAY, MIDDAY, NIGHT = 0, band_of(12 * 60), band_of(2 * 60)
NYC_NAME = "NYC subway"


def _feed(file: str, name: str) -> Feed:
    path = GTFS / file
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sits beside the repository)")
    return read_feed(path, name)


@pytest.fixture(scope="session")
def nyc() -> Feed:
    return _feed("nyc_subway_gtfs.zip", NYC_NAME)


@pytest.fixture(scope="session")
def cairns() -> Feed:
    return _feed("cairns_gtfs.zip", "Cairns")


@pytest.fixture(scope="session")
def nyc_router(nyc: Feed) -> TimetableRouter:
    # weekday night and midday only; the trip home from a 02:00-10:00 shift is a morning-peak one
    bands = [(WEEKDAY, NIGHT), (WEEKDAY, MIDDAY), (WEEKDAY, band_of(10 * 60))]
    return TimetableRouter([FeedTimes.build(nyc, TransitConfig(), bands)])


@pytest.fixture(scope="session")
def cairns_router(cairns: Feed) -> TimetableRouter:
    return TimetableRouter([FeedTimes.build(cairns, TransitConfig(), [(WEEKDAY, NIGHT)])])


def station(feed: Feed, stop_id: str) -> dict[str, float]:
    """A point 100 m north of a station (a short walk, not the platform itself)."""
    i = feed.names.index(stop_id)
    return {"lat": float(feed.lat[i]) + 0.0009, "lon": float(feed.lon[i])}


def pair(feed: Feed, home: str, work: str, shift: str) -> tuple:
    client = worlds.client(home=station(feed, home), modes=["transit"], max_commute_minutes=60)
    opening = worlds.opening(location=station(feed, work), shifts=[shift], hours_per_week=16)
    return client, opening


def test_a_night_shift_next_to_a_24_hour_subway_station_is_reachable(
    nyc: Feed, nyc_router: TimetableRouter
) -> None:
    # 116 St-Columbia (1 train) to Times Sq-42 St, a Tuesday 02:00 start: the 1 runs all night
    client, night = pair(nyc, "117", "127", "Tue 02:00-10:00")
    estimated = Matcher().fit([night], as_of=worlds.AS_OF)
    assert not estimated.score([client]).commute.feasible[0, 0]  # the estimate: no transit at 2 am
    routed = Matcher(travel_times=TravelTimes.from_router(nyc_router)).fit([night], as_of=worlds.AS_OF)
    block = routed.score([client])
    assert block.commute.feasible[0, 0] and block.commute.minutes[0, 0] < 60
    found = routed.explain(client, night.id)
    assert isinstance(found, Suggestion)
    commute = next(r for r in found.reasons if r.factor == "commute")
    assert f"from the {NYC_NAME} timetable" in commute.text and commute.evidence["minutes"] > 15


def test_a_night_shift_in_a_feed_without_night_service_is_not_reachable(
    cairns: Feed, cairns_router: TimetableRouter
) -> None:
    # along Sheridan St, Cairns (stops 750103 -> 750109, about 1.5 km apart): buses run by day only
    client, night = pair(cairns, "750103", "750109", "Tue 02:00-10:00")
    matcher = Matcher(travel_times=TravelTimes.from_router(cairns_router)).fit([night], as_of=worlds.AS_OF)
    assert math.isinf(matcher.score([client]).commute.minutes[0, 0])
    result = matcher.explain(client, night.id)
    assert isinstance(result, Exclusion) and result.codes == ("COMMUTE_TOO_LONG",)
    assert "Not reachable by public transit at the shift's hours" in result.reasons[0].text
    served = cairns_router.feeds[0].band(WEEKDAY, MIDDAY).minutes
    i, j = cairns.names.index("750103"), cairns.names.index("750109")
    assert np.isfinite(served[i, j])  # by day the same trip runs


def test_a_client_far_from_every_station_keeps_the_estimate(nyc_router: TimetableRouter) -> None:
    client = worlds.client(modes=["transit"], max_commute_minutes=60)  # Chicago, no NYC station near
    opening = worlds.opening(shifts=["Mon 09:00-13:00"])
    matcher = Matcher(travel_times=TravelTimes.from_router(nyc_router)).fit([opening], as_of=worlds.AS_OF)
    found = matcher.explain(client, opening.id)
    assert isinstance(found, Suggestion)
    commute = next(r for r in found.reasons if r.factor == "commute")
    assert commute.evidence["source"] == "estimated" and "estimated" in commute.text


def test_a_trip_needing_a_transfer_costs_more_than_a_direct_one(nyc: Feed) -> None:
    # 116 St-Columbia -> Atlantic Av needs the 1 then the 2 (at 96 St); 116 St -> Times Sq is the 1 alone
    pos = {name: i for i, name in enumerate(nyc.names)}
    plain = band_times(nyc, WEEKDAY, MIDDAY, TransitConfig(transfer_penalty_minutes=0.0)).minutes
    costly = band_times(nyc, WEEKDAY, MIDDAY, TransitConfig(transfer_penalty_minutes=10.0)).minutes
    transfer, direct = (pos["117"], pos["235"]), (pos["117"], pos["127"])
    assert costly[transfer] - plain[transfer] == pytest.approx(10.0, abs=0.05)  # one change, penalised
    assert costly[direct] == pytest.approx(plain[direct], abs=0.05)  # no change: no penalty
    # the change is not free even unpenalised: more than the two rides (the 1 from 117S to 120S,
    # 4 min; the 2 from 120S to 235S, 30 min; trips of the itineraries below) and the 3-minute
    # change between platforms (transfers.txt 120 -> 120, 180 s)
    assert plain[transfer] > 4.0 + 30.0 + 3.0


@pytest.mark.parametrize(
    ("start", "end", "hand", "changes"),
    [
        # Weekday 1 train southbound at 117S (116 St) 12:00-13:00: 10 departures (12:02:30, 12:08:30,
        # ... 12:56:00, trips AFA24GEN-1093-Weekday-00_069700_1..S03R to _075050_), i.e. every 6 min:
        # wait 3. Trip _070300_1..S03R: 117S 12:08:30 -> 127S (Times Sq) 12:23:30, 15 min. 3 + 15 = 18.
        ("117", "127", 18.0, 0),
        # Weekday 2 train southbound at 120S (96 St) 12:00-13:00: 7 departures (12:13:30, 12:21:30,
        # 12:29:30, 12:37:30, ...): wait 60 / 7 / 2 = 4.3. Trip AFA24GEN-2099-Weekday-00_070050_2..S01R:
        # 120S 12:29:30 -> 137S (Chambers St) 12:45:00, 15.5 min. 4.3 + 15.5 = 19.8.
        ("120", "137", 19.8, 0),
        # 1 then 2: wait 3, trip _070300_1..S03R 117S 12:08:30 -> 120S 12:12:30 (4 min); change at
        # 96 St, transfers.txt 120 -> 120 min_transfer_time 180 s (3 min); wait 4.3 for the 2; trip
        # _069250_2..S01R 120S 12:21:30 -> 235S (Atlantic Av) 12:51:30 (30 min). 3+4+3+4.3+30 = 44.3,
        # plus the model's transfer penalty per change.
        ("117", "235", 44.3, 1),
    ],
)
def test_timetable_minutes_match_hand_checked_itineraries(
    nyc: Feed, start: str, end: str, hand: float, changes: int
) -> None:
    """Within 3 minutes (the band's median rides and mean headways against one hour's timetable)."""
    config = TransitConfig()
    minutes = band_times(nyc, WEEKDAY, MIDDAY, config).minutes
    got = float(minutes[nyc.names.index(start), nyc.names.index(end)])
    assert got == pytest.approx(hand + changes * config.transfer_penalty_minutes, abs=3.0)


def test_frequency_based_trips_are_expanded_into_runs() -> None:
    feed = _feed("sample_gtfs.zip", "Demo")
    # trips.txt has 11 trips; frequencies.txt repeats five of them every 10-30 minutes all day
    rides = feed.rides[WEEKDAY]
    assert len(np.unique(rides.depart)) > 11 * 3
    assert feed.rides[WEEKDAY].service_date is not None and feed.rides[WEEKDAY].service_date.weekday() < 5


def test_a_missing_feed_is_refused_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="path"):
        read_feed(tmp_path / "absent.zip")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="path"):
        read_feed(bad)
