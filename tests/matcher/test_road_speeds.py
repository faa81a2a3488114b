"""The road model: speed by distance and by the hour of the shift, configurable, with honest words."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import Matcher
from matcher.commute import mode_minutes, reach_km
from matcher.config import MatcherConfig, ModeConfig
from matcher.errors import ConfigError
from matcher.types import Suggestion
from tests.matcher import worlds


def car(**fields: object) -> ModeConfig:
    return MatcherConfig.from_dict({"commute": {"modes": {"car": fields}}}).commute.modes["car"]


def test_longer_drives_average_faster_than_short_urban_ones() -> None:
    mode = MatcherConfig().commute.modes["car"]
    km = np.array([1.0, 5.0, 20.0, 50.0])
    moving = mode_minutes(mode, km, 12) - mode.access_minutes
    kmh = km * mode.detour / (moving / 60.0)
    assert np.all(np.diff(kmh) > 0)  # each longer trip averages a higher speed
    assert kmh[0] < 25 and kmh[-1] > 60


def test_a_45_minute_drive_reaches_past_the_old_20_km() -> None:
    client = worlds.client(modes=["car"], max_commute_minutes=45)
    far = {"lat": worlds.CENTRE[0] + 27 / 111.2, "lon": worlds.CENTRE[1]}  # 27 km straight line
    opening = worlds.opening(location=far, shifts=["Mon 12:30-16:30"])
    block = Matcher().fit([opening], as_of=worlds.AS_OF).score([client])
    assert block.commute.feasible[0, 0]  # the constant 40 km/h model stopped at about 20 km
    reach = reach_km([client], MatcherConfig().commute)[0]
    mode = MatcherConfig().commute.modes["car"]
    assert mode.hour_factors is not None
    fastest = int(np.argmin(mode.hour_factors))  # reach is the farthest at any hour
    assert float(mode_minutes(mode, np.array(reach), fastest)) == pytest.approx(45, abs=0.05)


def test_the_same_drive_takes_longer_at_the_morning_peak_than_at_night() -> None:
    home = worlds.CENTRE
    far = {"lat": home[0] + 15 / 111.2, "lon": home[1]}
    client = worlds.client(modes=["car"], max_commute_minutes=90)
    openings = [
        worlds.opening(id="O-peak", location=far, shifts=["Mon 08:30-12:30"]),
        worlds.opening(id="O-midday", location=far, shifts=["Mon 12:30-16:30"]),
        worlds.opening(id="O-night", location=far, shifts=["Mon 23:30-03:30"]),
    ]
    matcher = Matcher().fit(openings, as_of=worlds.AS_OF)
    minutes = matcher.score([client]).commute.minutes[0]
    at = matcher.index.position
    assert minutes[at["O-peak"]] > minutes[at["O-midday"]] > minutes[at["O-night"]]
    found = matcher.explain(client, "O-peak")
    assert isinstance(found, Suggestion)
    commute = next(r for r in found.reasons if r.factor == "commute")
    assert "by car, estimated" in commute.text


def test_a_program_sets_its_own_road_speeds() -> None:
    # a program's mode replaces the default one whole (no access minutes unless it says so)
    flat = car(speed_kmh=30.0)
    assert float(mode_minutes(flat, np.array(10.0), 8)) == pytest.approx(10 * 1.3 * 2.0)
    slow = car(speed_kmh=30.0, speed_by_km=[[1, 10], [50, 20]], hour_factors=[2.0] * 24)
    assert slow.speed_by_km == ((1.0, 10.0), (50.0, 20.0))  # lists from JSON, kept hashable
    assert float(mode_minutes(slow, np.array(1.0 / 1.3), 3)) == pytest.approx(2.0 * 6.0)  # 1 road km at 10


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hour_factors": [1.0] * 23}, "hour_factors"),
        ({"hour_factors": [0.9] * 24}, "hour_factors"),  # faster than the fastest hour
        ({"speed_by_km": [[1, 40]]}, "speed_kmh"),  # a curve faster than its bound
        ({"speed_by_km": [[5, 30], [1, 20]]}, "speed_by_km"),
        ({"speed_by_km": [[1, 0]]}, "speed_by_km"),
    ],
)
def test_bad_road_speeds_are_refused_naming_the_field(changes: dict, field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        car(speed_kmh=30.0, **changes)
