"""The service's GTFS feeds: read from the settings, precomputed once, kept on disk under var/."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from api import travel
from api.config import Settings
from api.convert import check_config_values
from matcher.config import MatcherConfig
from matcher.transit import FeedTimes

SAMPLE = Path(__file__).resolve().parents[2] / "../shared/data/gtfs_samples/sample_gtfs.zip"


@pytest.fixture(autouse=True)
def _fresh() -> None:
    travel.load.cache_clear()


def test_feeds_come_from_a_json_map_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMENT_GTFS_FEEDS", '{"Demo": "/feeds/demo.zip"}')
    assert Settings().gtfs_feeds == {"Demo": Path("/feeds/demo.zip")}


def test_no_feed_configured_means_no_router(tmp_path: Path) -> None:
    assert travel.for_settings(Settings(var_dir=tmp_path)) is None


def test_a_feed_is_precomputed_once_and_then_read_from_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is absent (the shared data sits beside the repository)")
    settings = Settings(var_dir=tmp_path, gtfs_feeds={"Demo": SAMPLE})
    first = travel.for_settings(settings)
    assert first is not None and first.router is not None
    assert first.router.sources == ("from the Demo timetable",)
    assert len(list((tmp_path / "gtfs").glob("*.joblib"))) == 1
    assert travel.for_settings(settings) is first  # once per process

    travel.load.cache_clear()  # another process: the disk copy, not a new precompute

    def refuse(*_: object, **__: object) -> FeedTimes:
        raise AssertionError("precomputed again")

    monkeypatch.setattr(FeedTimes, "build", refuse)
    again = travel.for_settings(settings)
    assert again is not None and again.router is not None
    assert again.router.sources == first.router.sources


def test_an_unreadable_feed_is_logged_and_transit_stays_estimated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    settings = Settings(var_dir=tmp_path, gtfs_feeds={"Broken": bad, "Gone": tmp_path / "absent.zip"})
    with caplog.at_level(logging.WARNING, logger="api.travel"):
        assert travel.for_settings(settings) is None
    assert "Broken" in caplog.text and "Gone" in caplog.text


def test_a_program_configuration_may_set_road_speeds_and_bad_ones_name_the_field() -> None:
    default = MatcherConfig().to_dict()
    car = {"speed_kmh": 90, "speed_by_km": [[1, 25], [40, 90]], "hour_factors": [1.2] * 24}
    check_config_values({"commute": {"modes": {"car": car, "walk": {"speed_by_km": [[1, 4]]}}}}, default)
    with pytest.raises(ValueError, match=r"config.commute.modes.car.hour_factors\[0\]"):
        check_config_values({"commute": {"modes": {"car": {"hour_factors": ["fast"] * 24}}}}, default)
    with pytest.raises(ValueError, match="speed_by_km: must be a list"):
        check_config_values({"commute": {"modes": {"car": {"speed_by_km": 40}}}}, default)
