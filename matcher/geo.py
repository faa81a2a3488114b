"""Great-circle distances between many points at once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.types import Location

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(points: Sequence[Location | None]) -> np.ndarray:
    """(n, 3) unit vectors of points; ``None`` (remote) gives a zero row."""
    out = np.zeros((len(points), 3), dtype=np.float64)
    for i, p in enumerate(points):
        if p is not None:
            lat, lon = np.radians(p.lat), np.radians(p.lon)
            out[i] = (np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat))
    return out


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) dot products of unit vectors (the cosine of the central angle)."""
    # three outer products rather than a BLAS call: cheaper for the thin (n, 3) x (3, m) case
    result: np.ndarray = (
        a[:, 0, None] * b[None, :, 0] + a[:, 1, None] * b[None, :, 1] + a[:, 2, None] * b[None, :, 2]
    )
    return result


def arc_km(cosines: np.ndarray) -> np.ndarray:
    """Great-circle km from the dot products of unit vectors."""
    chord = np.sqrt(np.clip(2.0 - 2.0 * cosines, 0.0, 4.0))
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0))


def distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle km between every row of ``a`` (n, 3) and of ``b`` (m, 3).

    Dot products of unit vectors give the chord lengths; arcsin turns them into arcs,
    which is exact and far cheaper than per-pair haversine.
    """
    return arc_km(dot(a, b))


def haversine_km(a: Location, b: Location) -> float:
    """Distance between two points (the plain formula, used in explanations and tests)."""
    lat1, lon1, lat2, lon2 = map(np.radians, (a.lat, a.lon, b.lat, b.lon))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)))
