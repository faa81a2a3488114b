"""Minimum necessary: no client home can be located from what an auditor reads (issue 10).

The attacker knows every opening's coordinates (employers' addresses are public)
and the commute model, reads every record, reconstruction and event of one
client, pulls out whatever per-opening commute figure is there (minutes in
evidence or texts, the commute factor or points, the score minus the other
points) and fits the home by least squares. Run on the specialist's own
shortlists (which do show minutes) the same attack finds the home within a few
hundred metres: the test would catch a view that leaks.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
from scipy.optimize import least_squares

from tests.api.conftest import HOME, Api, World, opening_details

LIMIT = 60  # the client's commute limit (minutes), which the auditor sees in the snapshot
FIT_AT_LIMIT = 0.2  # the default commute fit at the limit (public configuration)
_KM_PER_DEG_LAT = 111.2
# Asymmetric, as real openings are: all north-east of home, 0.8 to 5 km away.
PLACES = [(0.8 + 0.45 * i, 10 + 11 * i) for i in range(10)]  # (km, bearing in degrees)
_MINUTES = re.compile(r"(\d+(?:\.\d+)?)[ -]minutes?\b")


def _place(km: float, bearing: float) -> dict[str, float]:
    lat = HOME["lat"] + km * math.cos(math.radians(bearing)) / _KM_PER_DEG_LAT
    lon = HOME["lon"] + km * math.sin(math.radians(bearing)) / (
        _KM_PER_DEG_LAT * math.cos(math.radians(HOME["lat"]))
    )
    return {"lat": lat, "lon": lon}


def _km(a: np.ndarray, lat: float, lon: float) -> np.ndarray:
    dy = (a[:, 0] - lat) * _KM_PER_DEG_LAT
    dx = (a[:, 1] - lon) * _KM_PER_DEG_LAT * math.cos(math.radians(lat))
    return np.hypot(dx, dy)


def _minutes_of(item: dict[str, Any]) -> float | None:
    """Any per-opening commute figure in a suggestion, turned back into minutes."""
    for reason in item.get("positives", []) + item.get("concerns", []) + item.get("reasons", []):
        minutes = (reason.get("evidence") or {}).get("minutes")
        if isinstance(minutes, int | float):
            return float(minutes)
        for key in ("text", "why"):
            found = _MINUTES.search(str(reason.get(key, "")))
            if found and "limit" not in str(reason.get(key, ""))[found.end() : found.end() + 7]:
                return float(found.group(1))
    factor = (item.get("factors") or {}).get("commute")
    points = (item.get("contributions") or {}).get("commute")
    if points is None and isinstance(item.get("score"), int | float) and item.get("contributions"):
        points = item["score"] - sum(v for k, v in item["contributions"].items() if k != "commute")
    if factor is None and points is not None:
        factor = points / (100 * 0.12)
    if factor is not None:
        return float((1 - factor) / (1 - FIT_AT_LIMIT) * LIMIT)
    return None


def locate(coordinates: dict[str, dict[str, float]], minutes: dict[str, float]) -> tuple[float, float] | None:
    """Least-squares home from minutes = a + b * km; None when too few figures to fit."""
    ids = [i for i in minutes if i in coordinates]
    if len(ids) < 5:
        return None
    at = np.array([[coordinates[i]["lat"], coordinates[i]["lon"]] for i in ids])
    m = np.array([minutes[i] for i in ids])

    def residual(p: np.ndarray) -> np.ndarray:
        return p[2] + p[3] * _km(at, p[0], p[1]) - m

    start = np.array([at[:, 0].mean(), at[:, 1].mean(), 10.0, 4.0])
    fit = least_squares(residual, start)
    return float(fit.x[0]), float(fit.x[1])


def _error_km(found: tuple[float, float]) -> float:
    return float(_km(np.array([[HOME["lat"], HOME["lon"]]]), *found)[0])


@pytest.fixture(scope="module")
def scene(api: Api, world: World) -> dict[str, Any]:
    h = world.headers["liaison1"]
    coordinates = {}
    for n, (km, bearing) in enumerate(PLACES):
        employer = api.create_employer(h, name=f"Privacy Employer {n}")
        opening = api.create_opening(
            h, employer["id"], **opening_details(title=f"Stock clerk {n}", location=_place(km, bearing))
        )
        coordinates[opening["id"]] = _place(km, bearing)
    client = api.create_client(world.headers["spec1"], modes=["transit"], max_commute_minutes=LIMIT)
    shortlists = []
    for params in ({"k": 10}, {"k": 5}, {"k": 10, "min_hourly_wage": 16}):
        response = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"], params=params)
        assert response.status_code == 200, response.text
        shortlists.append(response.json())
    return {"client": client, "coordinates": coordinates, "shortlists": shortlists}


def _collect(items: list[dict[str, Any]], into: dict[str, float]) -> None:
    for item in items:
        minutes = _minutes_of(item)
        if minutes is not None and item.get("opening_id"):
            into[item["opening_id"]] = minutes


def test_the_owner_view_would_locate_the_home(scene: dict[str, Any]) -> None:
    """Positive control: the attack works where minutes are shown (the specialist's own view)."""
    minutes: dict[str, float] = {}
    for body in scene["shortlists"]:
        _collect(body["suggestions"], minutes)
    found = locate(scene["coordinates"], minutes)
    assert found is not None and _error_km(found) < 1.0


def test_no_home_within_1_km_from_what_an_auditor_reads(api: Api, world: World, scene: dict) -> None:
    auditor, cid = world.headers["auditor"], scene["client"]["id"]
    listed = api.get("/audit/recommendations", auditor, params={"client_id": cid}).json()["data"]
    assert len(listed) == len(scene["shortlists"])
    minutes: dict[str, float] = {}
    bands: dict[str, str] = {}
    readable = []
    for summary in listed:
        record = api.get(f"/audit/recommendations/{summary['id']}", auditor).json()
        rebuilt = api.get(f"/audit/recommendations/{summary['id']}/reconstruct", auditor).json()
        assert rebuilt["identical"] is True  # the server still checks against the full data
        for view in (record["shortlist"], rebuilt["shortlist"]):
            readable.append(view)
            _collect(view["suggestions"], minutes)
            _collect(view["exclusions"].get("nearest_misses", []), minutes)
            bands |= {s["opening_id"]: s["commute"] for s in view["suggestions"]}
        assert all("location" not in o for o in record["opening_snapshots"])
        assert record["client_snapshot"]["home"] == "redacted"
    events = api.get("/audit/events", auditor, params={"client_id": cid}).json()["data"]
    text = repr(readable) + repr(events)
    assert not re.search(r"\d+ minutes?\b", text)  # no minute figure anywhere
    assert minutes == {}
    assert locate(scene["coordinates"], minutes) is None
    # The bands alone: the best the attacker can do is a band's middle minutes per opening.
    middle = {"no commute": 0, "up to half the client's limit": LIMIT / 4}
    middle["within the client's limit"] = 3 * LIMIT / 4
    guessed = {i: float(middle[b]) for i, b in bands.items()}
    found = locate(scene["coordinates"], guessed)
    assert found is None or _error_km(found) > 1.0
