"""Where demo homes and workplaces are: Chicago neighbourhoods or several US metro areas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.demo.catalog import Arr, choice

_KM_PER_DEGREE = 111.32


@dataclass(frozen=True, slots=True)
class Points:
    """Drawn places: coordinates, metro index (for wages) and neighbourhood ZIP."""

    lat: Arr
    lon: Arr
    metro: Arr
    zips: list[str]


Placer = Callable[[np.random.Generator, int, str, Arr], Points]


def chicago_placer(catalog: dict[str, Any]) -> Placer:
    """Places around Chicago neighbourhood centres, or in outer suburbs."""
    hoods, subs = catalog["chicago"]["neighbourhoods"], catalog["chicago"]["suburbs"]
    places = hoods + subs

    def place(rng: np.random.Generator, n: int, key: str, suburb_share: Arr) -> Points:
        in_suburb = rng.random(n) < suburb_share
        i_hood = choice(rng, [p[key] for p in hoods], n)
        i_sub = choice(rng, [p[key] for p in subs], n)
        idx = np.where(in_suburb, len(hoods) + i_sub, i_hood)

        def col(name: str) -> Arr:
            return np.array([np.nan if p[name] is None else p[name] for p in places])[idx]

        km = rng.normal(size=(2, n)) * col("sd_km")
        lat = col("lat") + km[0] / _KM_PER_DEGREE
        lon = col("lon") + km[1] / (_KM_PER_DEGREE * np.cos(np.radians(lat)))
        lon = np.fmin(lon, col("max_lon"))  # keep lakefront points out of Lake Michigan
        zips = [places[i]["zip"] for i in idx.tolist()]
        return Points(lat, lon, np.zeros(n, dtype=np.int64), zips)

    return place


def metro_placer(catalog: dict[str, Any], metros: int) -> Placer:
    """Places in the first ``metros`` metro areas, dense at the centre, thin at the edge."""
    table = catalog["metros"][:metros]

    def place(rng: np.random.Generator, n: int, key: str, suburb_share: Arr) -> Points:
        del key  # metros weigh homes and jobs alike
        metro = choice(rng, [m["weight"] for m in table], n)

        def col(name: str) -> Arr:
            return np.array([m[name] for m in table], dtype=float)[metro]

        radius, u = col("radius_km"), rng.random((4, n))
        # Distance ~ Gamma(2): area density falls off exponentially from the centre.
        r = rng.gamma(2.0, radius / 5.0)
        r = np.where(r > radius, radius * u[0], r)
        r = np.where(u[1] < suburb_share, radius * (0.45 + 0.55 * u[2]), r)
        lo, hi = (np.array([m["bearings"][i] for m in table], dtype=float)[metro] for i in (0, 1))
        bearing = np.radians(lo + u[3] * (hi - lo))
        lat = col("lat") + r * np.cos(bearing) / _KM_PER_DEGREE
        lon = col("lon") + r * np.sin(bearing) / (_KM_PER_DEGREE * np.cos(np.radians(lat)))
        return Points(lat, lon, metro, [""] * n)

    return place
