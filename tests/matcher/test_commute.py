"""Commute: per-mode estimates, service hours, remote work, router overrides, "feasible by car"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher, geo
from matcher.commute import TravelTimes, mode_minutes
from matcher.config import MatcherConfig
from matcher.errors import ValidationError
from matcher.types import Exclusion, Location, Suggestion
from tests.matcher import worlds

HOME = worlds.CENTRE
FIVE_KM_NORTH = {"lat": HOME[0] + 5 / 111.2, "lon": HOME[1]}


def expected_minutes(mode: str, km: float, hour: int = 8) -> float:
    """The mode's minutes for a trip in ``hour`` (8: to the worlds' 09:00 shifts)."""
    return float(mode_minutes(MatcherConfig().commute.modes[mode], np.array(km), hour))


def one_pair(client, opening, **kwargs):
    matcher = Matcher().fit([opening], as_of=worlds.AS_OF)
    return matcher, matcher.score([client], **kwargs)


def test_the_fastest_of_the_clients_modes_is_used() -> None:
    c = worlds.client(modes=["walk", "car"], max_commute_minutes=30)
    o = worlds.opening(location=FIVE_KM_NORTH)
    _, block = one_pair(c, o)
    km = geo.haversine_km(c.home, o.location)
    assert km == pytest.approx(5.0, abs=0.01)
    assert block.commute.minutes[0, 0] == pytest.approx(expected_minutes("car", km))
    assert list(MatcherConfig().commute.modes)[block.commute.mode[0, 0]] == "car"
    assert block.codes[0, 0] == 0
    walk_only = worlds.client(modes=["walk"], max_commute_minutes=30)
    matcher, block = one_pair(walk_only, o)
    # beyond the client's reach the block skips the arithmetic; the why-not works the minutes out
    assert math.isinf(block.commute.minutes[0, 0]) and not block.commute.feasible[0, 0]
    why = matcher.explain(walk_only, o.id).reasons[0]
    assert why.evidence["minutes"] == round(expected_minutes("walk", km))  # ~78 min


def test_transit_does_not_reach_a_night_shift() -> None:
    c = worlds.client(modes=["transit"], max_commute_minutes=90)
    openings = [
        worlds.opening(id=oid, location=FIVE_KM_NORTH, shifts=[shift], hours_per_week=16)
        for oid, shift in [
            ("O-day", "Mon 09:00-17:00"),
            ("O-night", "Fri 22:00-06:00"),
            ("O-early", "Mon 05:00-13:00"),
        ]
    ]
    matcher = Matcher().fit(openings, as_of=worlds.AS_OF)
    block = matcher.score([c])
    j = matcher.index.position
    assert block.commute.feasible[0, j["O-day"]]
    assert block.commute.minutes[0, j["O-day"]] == pytest.approx(expected_minutes("transit", 5.0), abs=0.1)
    for oid in ("O-night", "O-early"):
        assert math.isinf(block.commute.minutes[0, j[oid]])
        result = matcher.explain(c, oid)
        assert isinstance(result, Exclusion) and result.codes == ("COMMUTE_TOO_LONG",)
        assert "does not run at the shift's start or end" in result.reasons[0].text


def test_paratransit_keeps_transit_hours_but_car_and_bike_run_all_night() -> None:
    night = worlds.opening(location=FIVE_KM_NORTH, shifts=["Fri 22:00-06:00"], hours_per_week=16)
    for mode, reachable in [("ride", False), ("car", True), ("bike", True)]:
        _, block = one_pair(worlds.client(modes=[mode], max_commute_minutes=90), night)
        assert bool(block.commute.feasible[0, 0]) is reachable, mode


def test_remote_work_has_no_commute() -> None:
    c = worlds.client(modes=["walk"], max_commute_minutes=5, home={"lat": 34.05, "lon": -118.24})
    o = worlds.opening(location=None, remote=True, shifts=["Fri 22:00-06:00"], hours_per_week=16)
    matcher, block = one_pair(c, o)
    assert block.commute.minutes[0, 0] == 0.0 and block.commute.feasible[0, 0]
    result = matcher.explain(c, o.id)
    assert isinstance(result, Suggestion)
    assert result.factors["commute"] == 1.0
    assert any(r.code == "REMOTE" for r in result.positives)


def _table(rows):
    return TravelTimes.from_frame(pd.DataFrame(rows, columns=["client_id", "opening_id", "mode", "minutes"]))


def test_router_minutes_take_precedence_for_the_modes_they_cover() -> None:
    c = worlds.client(modes=["walk", "transit"], max_commute_minutes=30)
    o = worlds.opening(location={"lat": HOME[0] + 0.3, "lon": HOME[1]})  # ~33 km: too far by estimate
    _, block = one_pair(c, o)
    assert not block.commute.feasible[0, 0]
    _, block = one_pair(c, o, travel_times=_table([(c.id, o.id, "transit", 25.0)]))
    assert block.commute.minutes[0, 0] == 25.0 and block.codes[0, 0] == 0
    # a router saying "no route" wins over a short estimate, mode by mode
    near = worlds.opening(location=FIVE_KM_NORTH)
    _, block = one_pair(c, near, travel_times=_table([(c.id, near.id, "transit", math.inf)]))
    assert block.commute.minutes[0, 0] == pytest.approx(expected_minutes("walk", 5.0), abs=0.1)
    # rows for other clients or openings are ignored
    others = _table([("C-other", o.id, "transit", 1.0), (c.id, "O-x", "walk", 1)])
    _, block = one_pair(c, o, travel_times=others)
    assert not block.commute.feasible[0, 0]


@pytest.mark.parametrize(
    ("columns", "field"),
    [
        ({"minutes": [3]}, "mode"),
        ({"mode": ["car"], "minutes": [-3]}, "minutes"),
        ({"mode": ["car"], "minutes": ["x"]}, "minutes"),
    ],
)
def test_travel_time_table_is_validated(columns: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        TravelTimes.from_frame(pd.DataFrame({"client_id": ["C-1"], "opening_id": ["O-1"], **columns}))
    assert info.value.field == field


def test_feasible_by_car_when_only_a_car_would_reach_it() -> None:
    c = worlds.client(modes=["transit"], max_commute_minutes=30)
    night = worlds.opening(location=FIVE_KM_NORTH, shifts=["Fri 22:00-06:00"], hours_per_week=16)
    matcher = Matcher().fit([night], as_of=worlds.AS_OF)
    result = matcher.explain(c, night.id)
    assert isinstance(result, Exclusion) and result.codes == ("COMMUTE_TOO_LONG",)
    car = round(expected_minutes("car", 5.0, hour=21))  # the trip to a 22:00 start
    fix = result.reasons[0].feasible_if
    assert fix == f"feasible if the client could travel by car (about {car} minutes)"


def test_feasible_with_a_longer_limit_names_the_limit() -> None:
    c = worlds.client(modes=["walk"], max_commute_minutes=30)
    o = worlds.opening(location={"lat": HOME[0] + 2.5 / 111.2, "lon": HOME[1]})  # ~39 minutes on foot
    result = Matcher().fit([o], as_of=worlds.AS_OF).explain(c, o.id)
    assert isinstance(result, Exclusion)
    minutes = expected_minutes("walk", 2.5)
    assert 35 < minutes <= 40
    fix = result.reasons[0].feasible_if
    assert fix is not None and "feasible with a 40-minute limit" in fix
    text = result.reasons[0].text
    shown = math.ceil(minutes)  # rounded up: the minutes shown are over the limit too
    assert f"About {shown} minutes by walking (estimated), over the client's 30-minute limit" in text


points = st.builds(Location, lat=st.floats(41.5, 42.3), lon=st.floats(-88.2, -87.2))


@settings(max_examples=40, deadline=None)
@given(a=st.lists(points, min_size=1, max_size=4), b=st.lists(points, min_size=1, max_size=4))
def test_vectorized_distances_equal_plain_haversine(a: list[Location], b: list[Location]) -> None:
    km = geo.distance_km(geo.unit_vectors(a), geo.unit_vectors(b))
    expected = np.array([[geo.haversine_km(p, q) for q in b] for p in a])
    np.testing.assert_allclose(km, expected, atol=1e-3)  # chord/arcsin: within a metre


def test_router_minutes_reach_a_night_shift_transit_alone_would_not() -> None:
    """A router's time knows the timetable: it overrides the default service hours."""
    c = worlds.client(modes=["transit"], max_commute_minutes=45, availability=["Fri 21:00-07:00"])
    night = worlds.opening(location=FIVE_KM_NORTH, shifts=["Fri 22:00-06:00"], hours_per_week=8)
    _, block = one_pair(c, night)
    assert not block.commute.feasible[0, 0]
    _, block = one_pair(c, night, travel_times=_table([(c.id, night.id, "transit", 35.0)]))
    assert block.commute.feasible[0, 0] and block.commute.minutes[0, 0] == 35.0
