"""Offline geocoding of US places as job boards write them: ZIP, "City, ST", "City, State",
counties, metropolitan areas, a state or the country alone.

The data is the ``zipcodes`` package's bundled table (every ZIP's city, state, county and
centre), so nothing is fetched at run time. A place answers with its **precision**:

* ``zip`` — the ZIP's centre (ZIP+4 uses its ZIP);
* ``city`` — the mean of the city's ZIP centres, with an uncertainty radius (the 90th
  percentile distance from that mean to the city's ZIP centres, at least 2 km);
* ``area`` — a county or a metropolitan area ("Linn County, OR", "Greater Boston",
  "New York City Metropolitan Area", "San Francisco Bay Area"), centred like a city, wider;
* ``state`` and ``country`` — where the posting is, but not a location to commute to:
  ``location`` is None, and a commute cannot be estimated.

:func:`geocode` returns None for text it cannot place in the US at all.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import numpy as np
import zipcodes

from matcher.geo import haversine_km
from matcher.types import Location


class Precision(StrEnum):
    ZIP = "zip"
    CITY = "city"
    AREA = "area"
    STATE = "state"
    COUNTRY = "country"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text places a posting; ``location`` is None at state or country precision."""

    precision: Precision
    location: Location | None
    state: str | None  # two-letter code
    name: str  # the place as understood, e.g. "Chicago, IL"
    uncertainty_km: float = 0.0  # radius within which the true place most likely is

    @property
    def commutable(self) -> bool:
        return self.location is not None


STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands",
}  # fmt: skip
_STATE_OF_NAME = {name.lower(): code for code, name in STATES.items()}
_COUNTRY = {"united states", "united states of america", "usa", "us", "u.s.", "u.s.a."}
MIN_CITY_KM = 2.0
# Words a job board wraps around a metropolitan area's main city.
_AREA_WORDS = re.compile(
    r"^(greater|metro) | (metropolitan area|metro area|metroplex|bay area|region|area)$", re.IGNORECASE
)
_ZIP = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")


def _key(text: str) -> str:
    """Lower case, accents and punctuation dropped, "saint" as "st", spaces collapsed."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    text = re.sub(r"\b(saint|ste)\b", "st", text)
    text = re.sub(r"\bft\b", "fort", text)
    return " ".join(text.split())


_COUNTRY_KEYS = frozenset(_key(c) for c in _COUNTRY)


class _Places:
    """Places by key, each centre and radius worked out on first use: a file names a few
    hundred of the ~37k cities and counties, and working out all of them took seconds."""

    def __init__(
        self,
        points: dict[tuple[str, str], list[Location]],
        names: dict[tuple[str, str], str],
        precision: Precision,
    ) -> None:
        self._points, self._names, self._precision = points, names, precision
        self._done: dict[tuple[str, str], Place] = {}

    def get(self, key: tuple[str, str]) -> Place | None:
        if key not in self._points:
            return None
        if key not in self._done:
            self._done[key] = _centre(
                self._names[key], key[1], self._points[key], self._precision, MIN_CITY_KM
            )
        return self._done[key]

    def __getitem__(self, key: tuple[str, str]) -> Place:
        place = self.get(key)
        if place is None:
            raise KeyError(key)
        return place


@dataclass(frozen=True)
class _Gazetteer:
    zips: dict[str, tuple[Location, str, str]]  # zip -> (centre, city, state)
    cities: _Places  # (city key, state) -> place
    counties: _Places  # (county key without "county", state)
    city_names: dict[str, list[tuple[str, str]]]  # city key -> [(city key, state)], largest first


def _centre(name: str, state: str, points: list[Location], precision: Precision, floor_km: float) -> Place:
    lat = float(np.mean([p.lat for p in points]))
    lon = float(np.mean([p.lon for p in points]))
    centre = Location(round(lat, 4), round(lon, 4))
    spread = [haversine_km(centre, p) for p in points]
    # statistics' inclusive quantiles are numpy's default linear percentile, 15x faster on few points.
    p90 = statistics.quantiles(spread, n=10, method="inclusive")[-1] if len(spread) > 1 else 0.0
    radius = max(floor_km, p90)
    return Place(precision, centre, state, f"{name}, {state}", round(radius, 1))


@cache
def _gazetteer() -> _Gazetteer:
    zips: dict[str, tuple[Location, str, str]] = {}
    by_city: dict[tuple[str, str], list[Location]] = defaultdict(list)
    by_county: dict[tuple[str, str], list[Location]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    county_names: dict[tuple[str, str], str] = {}
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        if not row["lat"] or not row["long"]:
            continue
        point = Location(float(row["lat"]), float(row["long"]))
        state, city = row["state"], row["city"]
        zips[row["zip_code"]] = (point, city, state)
        # PO-box and unique ZIPs sit at a post office: count only the ZIPs people live in.
        if not row["active"] or row["zip_code_type"] != "STANDARD":
            continue
        for alias in [city, *row.get("acceptable_cities", [])]:
            key = (_key(alias), state)
            by_city[key].append(point)
            names.setdefault(key, alias.title() if alias.isupper() else alias)
        if row.get("county"):
            ckey = (
                _key(re.sub(r"\s+(county|parish|borough|census area)$", "", row["county"], flags=re.I)),
                state,
            )
            by_county[ckey].append(point)
            county_names.setdefault(ckey, row["county"])
    cities = _Places(dict(by_city), names, Precision.CITY)
    counties = _Places(dict(by_county), county_names, Precision.AREA)
    city_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(by_city, key=lambda k: -len(by_city[k])):
        city_names[key[0]].append(key)
    return _Gazetteer(zips, cities, counties, dict(city_names))


def _state_code(text: str) -> str | None:
    text = text.strip()
    if text.upper() in STATES:
        return text.upper()
    return _STATE_OF_NAME.get(_key(text))


def _state_of(text: str) -> str | None:
    """The state code of a state name or code, ignoring a trailing country."""
    text = re.sub(r",?\s*(united states( of america)?|usa|us)$", "", text.strip(), flags=re.IGNORECASE)
    return _state_code(text) or _STATE_OF_NAME.get(_key(text))


def _city(name: str, state: str | None) -> Place | None:
    g = _gazetteer()
    key = _key(_AREA_WORDS.sub("", name.strip()))
    if key in ("new york city", "nyc"):
        key = "new york"
    if state is not None:
        found = g.cities.get((key, state))
        if found is None:
            found = g.counties.get((_key(re.sub(r"\s+(county|parish)$", "", name, flags=re.I)), state))
        return found
    # No state: the largest city of that name (e.g. "Greater Boston" -> Boston, MA); of a
    # twin-city area ("Dallas-Fort Worth Metroplex") the first city.
    twin = _key(_AREA_WORDS.sub("", name.split("-")[0].strip())) if "-" in name else ""
    candidates = g.city_names.get(key) or g.city_names.get(twin, [])
    return g.cities[candidates[0]] if candidates else None


def geocode(text: str | None) -> Place | None:
    """Where ``text`` places a posting (see the module docstring), or None if it cannot say."""
    if text is None or not text.strip():
        return None
    raw = " ".join(str(text).split())
    g = _gazetteer()
    zip_match = _ZIP.search(raw)
    if zip_match and zip_match.group(1) in g.zips:
        point, city, zip_state = g.zips[zip_match.group(1)]
        return Place(Precision.ZIP, point, zip_state, f"{city}, {zip_state} {zip_match.group(1)}", 0.0)
    if _key(raw) in _COUNTRY_KEYS:
        return Place(Precision.COUNTRY, None, None, "United States")
    state = _state_of(raw)
    if state is not None:
        return Place(Precision.STATE, None, state, STATES[state])
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    # Drop a trailing country: "Austin, TX, United States".
    if len(parts) > 1 and _key(parts[-1]) in _COUNTRY_KEYS:
        parts = parts[:-1]
    if len(parts) >= 2:
        state = _state_of(_AREA_WORDS.sub("", parts[-1]))
        if state is not None:
            found = _city(parts[-2], state)
            is_area = bool(_AREA_WORDS.search(parts[-1]) or _AREA_WORDS.search(parts[-2]))
            if found is not None and is_area and found.precision is Precision.CITY:
                found = Place(
                    Precision.AREA, found.location, found.state, found.name, found.uncertainty_km * 2
                )
            return found or Place(Precision.STATE, None, state, STATES[state])
    found = _city(parts[0], None) if parts else None
    if found is not None and _AREA_WORDS.search(parts[0]):
        return Place(Precision.AREA, found.location, found.state, found.name, found.uncertainty_km * 2)
    return found
