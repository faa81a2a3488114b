"""The one great-circle formula (matcher.geo) against facts that need no formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matcher import geo
from matcher.types import Location

R = geo.EARTH_RADIUS_KM


def test_distances_along_a_meridian_and_the_equator_are_arcs_of_the_radius() -> None:
    one_degree = 2 * math.pi * R / 360
    assert geo.haversine_km(Location(41.0, -87.6), Location(42.0, -87.6)) == pytest.approx(one_degree)
    assert geo.haversine_km(Location(0.0, 10.0), Location(0.0, 13.0)) == pytest.approx(3 * one_degree)
    assert geo.haversine_km(Location(10.0, 20.0), Location(-10.0, -160.0)) == pytest.approx(math.pi * R)
    assert geo.haversine_km(Location(41.9, -87.6), Location(41.9, -87.6)) == 0.0


def test_the_vectorised_path_gives_the_same_arcs() -> None:
    points = [Location(41.0, -87.6), Location(42.0, -87.6), Location(-41.0, 92.4), Location(0.0, 0.0)]
    xyz = geo.unit_vectors(points)
    km = geo.distance_km(xyz, xyz)
    assert km[0, 1] == pytest.approx(2 * math.pi * R / 360)
    assert km[0, 2] == pytest.approx(math.pi * R)  # antipodes
    assert km[3, 0] == pytest.approx(geo.haversine_km(points[3], points[0]))
    np.testing.assert_allclose(np.diag(km), 0.0, atol=1e-4)


def test_the_formula_clips_rounding_outside_its_domain() -> None:
    km = geo.km_from_haversine([-1e-17, 0.0, 0.5, 1.0, 1.0 + 1e-15])
    np.testing.assert_allclose(km, [0.0, 0.0, math.pi * R / 2, math.pi * R, math.pi * R])
    np.testing.assert_allclose(geo.arc_km(np.array([1.0, 0.0, -1.0])), [0.0, math.pi * R / 2, math.pi * R])


def test_km_and_central_angles_convert_both_ways() -> None:
    xyz = geo.unit_vectors([Location(41.88, -87.63), Location(-33.9, 151.2), Location(89.0, 10.0)])
    np.testing.assert_allclose(geo.unit_vectors([Location(*np.degrees(p)) for p in geo.lat_lon(xyz)]), xyz)
    cosines = geo.dot(xyz, xyz)
    km = geo.arc_km(cosines)
    np.testing.assert_allclose(geo.angle_of_km(km), np.arccos(np.clip(cosines, -1, 1)), atol=1e-7)
    np.testing.assert_allclose(geo.cos_of_km(km), cosines, atol=1e-9)
    assert geo.cos_of_km(np.inf) == -1.0  # past half the circumference everything is in reach
