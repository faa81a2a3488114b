"""The near-duplicate index against the plain loop it replaced (no database here)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, utils

from api.dedupe import DuplicateIndex, posting
from matcher.geo import haversine_km
from matcher.types import Location

# --- the rule as api/dedupe.py wrote it before the index (the oracle) -------------------


def old_distance_km(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def matcher_distance_km(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return haversine_km(Location(a["lat"], a["lon"]), Location(b["lat"], b["lon"]))


def old_is_near_duplicate(
    a: Mapping[str, Any], b: Mapping[str, Any], distance: Any = old_distance_km
) -> bool:
    score = fuzz.token_sort_ratio(
        str(a.get("title", "")), str(b.get("title", "")), processor=utils.default_process
    )
    if a.get("remote") or b.get("remote"):
        place = bool(a.get("remote")) and bool(b.get("remote"))
    elif not a.get("location") or not b.get("location"):
        place = False
    else:
        place = distance(a["location"], b["location"]) <= 1.0
    return score >= 90.0 and place


def old_find_duplicate(
    record: Mapping[str, Any],
    others: Iterable[tuple[str, Mapping[str, Any]]],
    distance: Any = old_distance_km,
) -> str | None:
    for key, other in others:
        if old_is_near_duplicate(record, other, distance):
            return key
    return None


def sequential(
    records: list[tuple[str, dict[str, Any]]], distance: Any = old_distance_km
) -> list[str | None]:
    """The old import loop: each record against the earlier kept ones of its employer."""
    kept: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    out = []
    for i, (employer, record) in enumerate(records):
        found = old_find_duplicate(record, kept.get(employer, []), distance)
        if found is None:
            kept.setdefault(employer, []).append((f"k{i}", record))
        out.append(found)
    return out


def indexed(records: list[tuple[str, dict[str, Any]]]) -> list[str | None]:
    index, out = DuplicateIndex(), []
    for i, (employer, record) in enumerate(records):
        item = posting(f"k{i}", record)
        found = index.find(employer, item)
        if found is None:
            index.add(employer, item)
        out.append(found)
    return out


# --- generated openings: few titles, places close together ------------------------------

TITLES = [
    "Line cook",
    "Cook, line",
    "line  cook!",
    "Line cok",
    "Dishwasher",
    "Dish washer",
    "Barista",
    "",
    "!!",
]
# Near the equator, a pole, the antimeridian and Chicago: the cubes must not split near pairs anywhere.
CENTRES = [(0.0, 0.0), (89.995, 10.0), (-89.999, -170.0), (12.0, 179.999), (-33.0, -179.998), (41.88, -87.63)]


@st.composite
def record(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    lat0, lon0 = draw(st.sampled_from(CENTRES))
    # Offsets of up to ~1.5 km, so pairs fall on both sides of the 1 km limit.
    dlat = draw(st.floats(-0.014, 0.014))
    dlon = draw(st.floats(-0.014, 0.014)) / max(math.cos(math.radians(lat0)), 0.01)
    lat = max(-90.0, min(90.0, lat0 + dlat))
    lon = (lon0 + dlon + 180.0) % 360.0 - 180.0
    remote = draw(st.booleans()) and draw(st.booleans())
    located = draw(st.integers(0, 9)) > 0
    rec: dict[str, Any] = {"title": draw(st.sampled_from(TITLES)), "remote": remote}
    rec["location"] = {"lat": lat, "lon": lon} if located else None
    return draw(st.sampled_from(["E1", "E2"])), rec


@settings(max_examples=300, deadline=None)
@given(st.lists(record(), max_size=40))
def test_index_finds_what_the_plain_loop_finds(records: list[tuple[str, dict[str, Any]]]) -> None:
    # The great-circle distance is now matcher.geo's (radius 6371.0088 km, not 6371.0): the
    # oracle uses it too here, so that only the blocking and the title scoring are compared.
    assert indexed(records) == sequential(records, matcher_distance_km)


def test_index_agrees_with_the_old_rule_on_a_dense_grid() -> None:
    # Every pair of 400 openings of one employer on a 25 m..1.5 km grid, with the old radius.
    records = []
    for i in range(400):
        lat = 41.88 + (i % 20) * 0.0009 + (i % 7) * 0.00013
        lon = -87.63 + (i // 20) * 0.0011
        records.append(
            ("E", {"title": TITLES[i % 7], "remote": i % 31 == 0, "location": {"lat": lat, "lon": lon}})
        )
    found = indexed(records)
    assert found == sequential(records)
    assert 50 < sum(f is not None for f in found) < 390  # both outcomes occur


def test_the_oldest_match_is_reported() -> None:
    here = {"lat": 41.88, "lon": -87.63}
    index = DuplicateIndex()
    index.add("E", posting("first", {"title": "Line cook PT", "location": here}))
    index.add("E", posting("second", {"title": "Line cook", "location": here}))
    # "Line cook P" scores >= 90 against both; the one added first is the answer.
    assert index.find("E", posting("new", {"title": "Line cook P", "location": here})) == "first"
    assert index.find("F", posting("new", {"title": "Line cook", "location": here})) is None


def test_a_copy_and_its_original_are_independent() -> None:
    here = {"lat": 41.88, "lon": -87.63}
    base = DuplicateIndex()
    base.add("E", posting("a", {"title": "Barista", "location": here}))
    copy = base.copy()
    copy.add("E", posting("b", {"title": "Dishwasher", "location": here}))
    base.add("E", posting("c", {"title": "Cashier", "location": here}))
    dishwasher = posting("x", {"title": "dishwasher", "location": here})
    cashier = posting("y", {"title": "cashier", "location": here})
    assert copy.find("E", dishwasher) == "b" and base.find("E", dishwasher) is None
    assert base.find("E", cashier) == "c" and copy.find("E", cashier) is None
    assert len(base) == len(copy) == 2
