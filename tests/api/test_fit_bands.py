"""Fit bands: each suggestion of the JSON shortlist says its score in words, by one table."""

from __future__ import annotations

from api.fit_bands import BANDS, bands_text, fit_band
from tests.api.conftest import Api, World


def test_bands_cover_every_score_best_first() -> None:
    assert [fit_band(s) for s in (100, 55, 54.49, 40, 39.49, 0)] == [
        "strong",
        "strong",
        "good",
        "good",
        "possible",
        "possible",
    ]
    assert [low for _, low in BANDS] == sorted((low for _, low in BANDS), reverse=True)
    assert bands_text() == "strong from 55, good from 40, possible below"


def test_a_band_is_that_of_the_score_as_shown() -> None:
    """A score shown as 55 is a strong fit wherever it appears, whatever its decimals."""
    for score in (54.56, 54.79, 55.0, 55.4, 39.6, 40.2):
        assert fit_band(score) == fit_band(float(f"{score:.0f}")), score


def test_each_json_suggestion_has_the_band_of_its_score(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])["id"]
    api.create_opening(world.headers["liaison1"], employer)
    api.create_opening(world.headers["liaison1"], employer, hourly_wage=25)
    client = api.create_client(world.headers["spec1"])
    body = api.get(
        f"/clients/{client['id']}/shortlist", world.headers["spec1"], params={"employer_id": employer}
    )
    suggestions = body.json()["suggestions"]
    assert suggestions and all(s["band"] == fit_band(s["score"]) for s in suggestions)
