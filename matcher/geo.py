"""Great-circle distances: one formula, fed by unit vectors (many points) or by lat/lon (two).

:func:`km_from_haversine` is the only great-circle formula in the engine; every
distance goes through it. The vectorised path takes the dot products of unit
vectors, whose haversine is ``(1 - cos) / 2``, so an (n, m) block costs three
outer products and one arcsin per pair; :func:`haversine_km` gets the haversine
of two points from their latitudes and longitudes (explanations, tests, the
service's near-duplicate check). Converting between km and central angles
(ball-tree radii, reach thresholds) uses the same radius, here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from matcher.types import Location

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius

FloatArray = npt.NDArray[np.float64]


def km_from_haversine(h: npt.ArrayLike) -> FloatArray:
    """Great-circle km from the haversine ``h = sin²(θ/2)`` of the central angle θ.

    Parameters
    ----------
    h : array-like of float
        Haversines; rounding just outside [0, 1] is clipped.

    Returns
    -------
    ndarray
        ``2 R arcsin(sqrt(h))``, the same shape as ``h``.
    """
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(np.asarray(h, dtype=np.float64), 0.0, 1.0)))


def unit_vectors(points: Sequence[Location | None]) -> FloatArray:
    """(n, 3) unit vectors of points; ``None`` (remote) gives a zero row."""
    out = np.zeros((len(points), 3), dtype=np.float64)
    for i, p in enumerate(points):
        if p is not None:
            lat, lon = np.radians(p.lat), np.radians(p.lon)
            out[i] = (np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat))
    return out


def lat_lon(xyz: FloatArray) -> FloatArray:
    """(n, 2) latitude and longitude in radians of (n, 3) unit vectors (inverse of :func:`unit_vectors`)."""
    lat = np.arcsin(np.clip(xyz[:, 2], -1.0, 1.0))
    lon = np.arctan2(xyz[:, 1], xyz[:, 0])
    return np.column_stack([lat, lon])


def dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """(n, m) dot products of unit vectors (the cosine of the central angle)."""
    # three outer products rather than a BLAS call: cheaper for the thin (n, 3) x (3, m) case
    result: FloatArray = (
        a[:, 0, None] * b[None, :, 0] + a[:, 1, None] * b[None, :, 1] + a[:, 2, None] * b[None, :, 2]
    )
    return result


def arc_km(cosines: FloatArray) -> FloatArray:
    """Great-circle km from the dot products of unit vectors."""
    return km_from_haversine((1.0 - cosines) / 2.0)


def distance_km(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle km between every row of ``a`` (n, 3) and of ``b`` (m, 3)."""
    return arc_km(dot(a, b))


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle km between two points, from their latitudes and longitudes."""
    lat1, lon1, lat2, lon2 = map(np.radians, (a.lat, a.lon, b.lat, b.lon))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(km_from_haversine(h))


def angle_of_km(km: npt.ArrayLike) -> FloatArray:
    """Central angle in radians of a great-circle distance (e.g. a haversine ball-tree radius)."""
    return np.asarray(km, dtype=np.float64) / EARTH_RADIUS_KM


def cos_of_km(km: npt.ArrayLike) -> FloatArray:
    """Cosine of the central angle of a distance: points within ``km`` have a dot product >= it.

    Distances past half the circumference reach everything (cosine -1).
    """
    return np.cos(np.minimum(angle_of_km(km), np.pi))
