"""The candidate search reaches as far as the timetable: a subway line carries a client past the estimate.

On the real NYC subway sample (../shared/data/gtfs_samples, routes 1 and 2): from 96 St the 2
reaches Nevins St, 13 km straight line, in about 38 minutes; the transit estimate's 45 minutes
reach 6.4 km, so even the near misses' twice that falls short. The geographic candidate search
must not drop that opening before it is scored (``matcher.commute.reach_km`` with the router's).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher import Matcher, candidates, geo
from matcher.commute import TravelTimes, reach_km
from matcher.rematch.chunks import score_chunk
from matcher.rematch.context import ScoringContext
from matcher.transit import Feed, FeedTimes, TimetableRouter, TransitConfig, read_feed
from matcher.types import Client, Location, Opening, Shortlist
from tests.matcher import worlds

NYC = Path(__file__).resolve().parents[2] / "../shared/data/gtfs_samples/nyc_subway_gtfs.zip"
SHIFT = "Mon 12:00-16:00"


@pytest.fixture(scope="module")
def nyc() -> FeedTimes:
    if not NYC.exists():
        pytest.skip(f"{NYC} is absent (the shared data sits beside the repository)")
    return FeedTimes.build(read_feed(NYC, "NYC subway"), TransitConfig())  # every band: reach needs all


def near(feed: Feed, stop_id: str, north_km: float = 0.1) -> dict[str, float]:
    """A point ``north_km`` north of a station."""
    i = feed.names.index(stop_id)
    return {"lat": float(feed.lat[i]) + north_km / 111.2, "lon": float(feed.lon[i])}


def world(feed: Feed) -> tuple[Client, Opening, list[Opening]]:
    """A client by 96 St, an opening by Nevins St, one by Times Sq, and 200 openings in Chicago.

    The Chicago ones keep the client's candidates a small share of the index, so the shortlist
    takes the candidate path (``Matcher._candidate_columns``), not a scan of every opening.
    """
    client = worlds.client(home=near(feed, "120"), modes=["transit"], max_commute_minutes=45)
    far = worlds.opening(id="O-nevins", location=near(feed, "237", -0.1), shifts=[SHIFT], hours_per_week=16)
    times_sq = worlds.opening(id="O-times-sq", location=near(feed, "127"), shifts=[SHIFT], hours_per_week=16)
    chicago = [worlds.opening(id=f"O-chicago-{i}", shifts=[SHIFT], hours_per_week=16) for i in range(200)]
    return client, far, [far, times_sq, *chicago]


def summary(shortlist: Shortlist) -> tuple[object, ...]:
    return (
        [(s.opening_id, s.score) for s in shortlist.suggestions],
        [(m.opening_id, m.score) for m in shortlist.near_misses],
        shortlist.n_excluded,
        shortlist.exclusion_counts,
    )


def test_an_opening_far_along_a_subway_line_is_suggested_as_when_every_opening_is_scored(
    nyc: FeedTimes,
) -> None:
    client, far, openings = world(nyc.feed)
    assert far.location is not None
    km = geo.haversine_km(client.home, far.location)
    estimate = float(reach_km([client], Matcher().config.commute)[0])
    assert km > candidates.NEAR_MISS_REACH * estimate  # beyond what the estimate's reach would search
    matcher = Matcher(travel_times=TravelTimes.from_router(TimetableRouter([nyc]))).fit(
        openings, as_of=worlds.AS_OF
    )
    cols = matcher._candidate_columns([client], None, candidates.NEAR_MISS_REACH)
    assert cols is not None  # the candidate path, as the API's shortlists take it
    assert matcher.index.position[far.id] in cols
    (around,) = matcher.recommend([client], k=5, explain_exclusions=False, near_misses=5)
    (everywhere,) = matcher.recommend([client], k=5, explain_exclusions=True, near_misses=5)
    assert far.id in [s.opening_id for s in around.suggestions]
    assert summary(around) == summary(everywhere)
    found = next(s for s in around.suggestions if s.opening_id == far.id)
    commute = next(r for r in found.reasons if r.factor == "commute")
    assert commute.evidence["source"] == "from the NYC subway timetable"
    assert 35 < commute.evidence["minutes"] <= 45


def test_the_nightly_run_suggests_it_too(nyc: FeedTimes) -> None:
    client, far, openings = world(nyc.feed)
    router = TravelTimes.from_router(TimetableRouter([nyc]))
    matcher = Matcher(travel_times=router).fit(openings, as_of=worlds.AS_OF)
    context = ScoringContext.from_matcher(matcher, k=5)
    rows = score_chunk(context, [client]).rows
    (interactive,) = matcher.recommend([client], k=5, explain_exclusions=False)
    assert far.id in set(rows["opening_id"])
    assert list(rows.sort_values("rank")["opening_id"]) == [s.opening_id for s in interactive.suggestions]


def test_the_router_reach_bounds_every_pair_it_gives_within_the_limit(nyc: FeedTimes) -> None:
    # homes and workplaces scattered around the stations; every routed pair within the limit
    # must lie within the home's reach (else the candidate search would drop it)
    rng = np.random.default_rng(7)
    feed, config = nyc.feed, TransitConfig()
    at = rng.integers(0, len(feed.names), size=(2, 60))
    lat = feed.lat[at] + rng.uniform(-0.006, 0.006, size=at.shape)
    lon = feed.lon[at] + rng.uniform(-0.008, 0.008, size=at.shape)
    homes = geo.unit_vectors([Location(a, b) for a, b in zip(lat[0], lon[0], strict=True)])
    works = geo.unit_vectors([Location(a, b) for a, b in zip(lat[1], lon[1], strict=True)])
    limit = rng.uniform(15, 75, size=len(homes))
    reach = nyc.reach_km(homes, limit, config)
    c_st, c_walk = nyc.stations_near(homes, config)
    j_st, j_walk = nyc.stations_near(works, config)
    km = geo.distance_km(homes, works)
    checked = 0
    for kind, band in nyc.bands:
        minutes = np.pad(nyc.band(kind, band).minutes, ((0, 1), (0, 1)), constant_values=np.inf)
        to_station = (minutes[c_st] + c_walk[:, :, None]).min(axis=1)  # (homes, stations + 1)
        door = (to_station[:, j_st] + j_walk[None]).min(axis=2)  # (homes, works), as the router
        within = door <= limit[:, None]
        checked += int(within.sum())
        assert np.all(km[within] <= reach[np.nonzero(within)[0]])
    assert checked > 100
    assert np.isnan(reach[~np.isfinite(c_walk[:, 0])]).all()  # no station near home: not covered


def test_a_client_no_feed_covers_keeps_the_estimate_reach(nyc: FeedTimes) -> None:
    client = worlds.client(modes=["transit", "walk"], max_commute_minutes=60)  # Chicago
    router = TimetableRouter([nyc])
    config = Matcher().config.commute
    assert np.isnan(router.reach_km("transit", geo.unit_vectors([client.home]), np.array([60.0])))[0]
    assert reach_km([client], config, router)[0] == reach_km([client], config)[0]
    walker = worlds.client(home=near(nyc.feed, "120"), modes=["walk"], max_commute_minutes=60)
    assert reach_km([walker], config, router)[0] == reach_km([walker], config)[0]  # no transit


def test_the_candidate_search_and_the_commute_model_share_one_reach() -> None:
    assert candidates.reach_km is reach_km
