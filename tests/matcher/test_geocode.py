"""Offline geocoding of the place texts job boards write, with the precision they allow."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.geo import haversine_km
from matcher.geocode import Precision, geocode
from matcher.types import Location

SHARED = Path(__file__).resolve().parents[2] / "../shared/data"
CHICAGO_LOOP = Location(41.8781, -87.6298)


@pytest.mark.parametrize(
    ("text", "precision", "state"),
    [
        ("60647", Precision.ZIP, "IL"),
        ("Chicago, IL 60647-1234", Precision.ZIP, "IL"),
        ("Chicago, IL", Precision.CITY, "IL"),
        ("Chicago, Illinois", Precision.CITY, "IL"),
        ("St. Louis, MO", Precision.CITY, "MO"),
        ("Austin, TX, United States", Precision.CITY, "TX"),
        ("Linn County, OR", Precision.AREA, "OR"),
        ("Austin, Texas Metropolitan Area", Precision.AREA, "TX"),
        ("New York City Metropolitan Area", Precision.AREA, "NY"),
        ("Greater Pittsburgh Region", Precision.AREA, "PA"),
        ("Dallas-Fort Worth Metroplex", Precision.AREA, "TX"),
        ("California, United States", Precision.STATE, "CA"),
        ("TX", Precision.STATE, "TX"),
        ("United States", Precision.COUNTRY, None),
    ],
)
def test_each_form_a_job_board_writes_is_placed_with_its_precision(
    text: str, precision: Precision, state: str | None
) -> None:
    place = geocode(text)
    assert place is not None
    assert (place.precision, place.state) == (precision, state)
    # A state or the country is where the job is, not a place to commute to.
    assert place.commutable == (precision in (Precision.ZIP, Precision.CITY, Precision.AREA))


def test_a_city_is_centred_on_the_city_with_a_stated_uncertainty() -> None:
    place = geocode("Chicago, IL")
    assert place is not None and place.location is not None
    assert haversine_km(place.location, CHICAGO_LOOP) < 10
    assert 2 <= place.uncertainty_km < 40
    zip_place = geocode("60647")
    assert zip_place is not None and zip_place.uncertainty_km == 0


def test_an_area_is_less_certain_than_its_main_city() -> None:
    city, area = geocode("Austin, TX"), geocode("Austin, Texas Metropolitan Area")
    assert city is not None and area is not None
    assert area.location == city.location
    assert area.uncertainty_km > city.uncertainty_km


@pytest.mark.parametrize("text", ["", "   ", None, "Nowhere, ZZ", "India", "NAMER"])
def test_text_that_names_no_us_place_is_not_placed(text: str | None) -> None:
    assert geocode(text) is None


@pytest.mark.parametrize(
    "name", ["jobs_linkedin_2023_24_sample1000/postings.csv", "jobs_linkedin_2024_sample165/postings.csv"]
)
def test_the_real_postings_are_placed(name: str) -> None:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sits beside the repository)")
    locations = pd.read_csv(path, usecols=["location"])["location"].tolist()
    places = [geocode(text) for text in locations]
    assert sum(p is not None for p in places) >= 0.99 * len(places)
    located = [p for p in places if p is not None and p.commutable]
    assert len(located) >= 0.8 * len(places)  # the rest say only a state or "United States"
