"""A shortlist record names the GTFS feeds that gave its minutes, by content hash, and reconstructs.

Two services over one database, each with a copy of the NYC subway sample: the same timetable
in files that differ by a byte (a zip comment), so two feed versions. The same client and
openings give the same shortlist through both; each record names its own feed version and has
its own configuration hash; each reconstructs identically under its own feed, and under the
other version the auditor sees that the feed changed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api import travel
from api.audit.models import RecommendationRecord
from api.main import create_app
from api.rematch import run as rematch_run
from tests.api.conftest import AS_OF, Api, World, fresh_database, make_settings, make_test_client

NYC = Path(__file__).resolve().parents[2] / "../shared/data/gtfs_samples/nyc_subway_gtfs.zip"
NEAR_116_ST = {"lat": 40.8086, "lon": -73.9641}  # 100 m north of 116 St-Columbia University (1)
NEAR_TIMES_SQ = {"lat": 40.7562, "lon": -73.9875}  # 100 m north of Times Sq-42 St (1, 2)


def _copy(target: Path, comment: bytes) -> Path:
    """The NYC feed rewritten entry by entry, with ``comment`` as the zip's comment."""
    with zipfile.ZipFile(NYC) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.comment = comment
    return target


@pytest.fixture(scope="module")
def services(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Api]]:
    if backend != "sqlite":
        pytest.skip("the record keeps the feeds the same way on every database")
    if not NYC.exists():
        pytest.skip(f"{NYC} is absent (the shared data sits beside the repository)")
    directory = tmp_path_factory.mktemp("api-gtfs-versions")
    first, second = _copy(directory / "v1.zip", b"v1"), _copy(directory / "v2.zip", b"v2")
    with fresh_database(backend, directory) as url:
        apps = [
            create_app(make_settings(directory, url, gtfs_feeds={"NYC subway": f})) for f in (first, second)
        ]
        with make_test_client(apps[0]) as one, make_test_client(apps[1]) as two:
            yield Api(app=apps[0], client=one), Api(app=apps[1], client=two)
    travel.load.cache_clear()


@pytest.fixture(scope="module")
def api(services: tuple[Api, Api]) -> Api:
    return services[0]  # the conftest's world (users) is made through it


def _shortlist(api: Api, headers: dict[str, str], client_id: str) -> dict[str, Any]:
    response = api.get(f"/clients/{client_id}/shortlist", headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _rebuilt(api: Api, headers: dict[str, str], record_id: str) -> dict[str, Any]:
    response = api.get(f"/audit/recommendations/{record_id}/reconstruct", headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_record_names_its_feed_version_and_reconstructs(services: tuple[Api, Api], world: World) -> None:
    one, two = services
    employer = one.create_employer(world.headers["liaison1"], name="Broadway Bakery")["id"]
    night = [f"{d} 02:00-08:00" for d in ("Tue", "Wed", "Thu")]
    one.create_opening(
        world.headers["liaison1"], employer, location=NEAR_TIMES_SQ, shifts=night, hours_per_week=18
    )
    client = one.create_client(
        world.headers["spec1"],
        home=NEAR_116_ST,
        modes=["transit", "walk"],
        max_commute_minutes=45,
        availability=[f"{d} 00:00-24:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")],
    )
    first = _shortlist(one, world.headers["spec1"], client["id"])
    second = _shortlist(two, world.headers["spec1"], client["id"])
    assert first["suggestions"] and first["suggestions"] == second["suggestions"]  # the same minutes
    (feed_1,), (feed_2,) = first["travel"]["gtfs_feeds"], second["travel"]["gtfs_feeds"]
    assert feed_1["name"] == feed_2["name"] == "NYC subway"
    assert feed_1["sha256"] != feed_2["sha256"]  # another file: another recorded version
    assert first["config_hash"] != second["config_hash"]  # and another configuration hash
    assert first["config_version"] == second["config_version"]

    auditor = world.headers["auditor"]
    record = one.get(f"/audit/recommendations/{first['recommendation_id']}", auditor).json()
    assert record["config_hash"] == first["config_hash"]
    for api, shown in ((one, first), (two, second)):
        rebuilt = _rebuilt(api, auditor, shown["recommendation_id"])
        assert rebuilt["identical"], rebuilt["differences"]
    changed = _rebuilt(two, auditor, first["recommendation_id"])  # the feed file changed since
    assert not changed["identical"]
    assert {"travel", "config_hash"} <= set(changed["differences"])


def test_without_feeds_the_configuration_hash_is_the_configurations_own() -> None:
    assert travel.config_hash("0123456789abcdef", []) == "0123456789abcdef"
    feeds = [{"name": "NYC subway", "sha256": "a" * 64}]
    other = [{"name": "NYC subway", "sha256": "b" * 64}]
    assert travel.config_hash("0123456789abcdef", feeds) != travel.config_hash("0123456789abcdef", other)


def test_the_nightly_lists_name_the_feed_version_too(
    services: tuple[Api, Api], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = services
    employer = one.create_employer(world.headers["liaison1"], name="Night Shift Bakery")["id"]
    one.create_opening(world.headers["liaison1"], employer, location=NEAR_TIMES_SQ, hours_per_week=18)
    client = one.create_client(world.headers["spec1"], home=NEAR_116_ST, modes=["transit", "walk"])
    # the nightly job reads the service's settings as the operator's environment gives them
    monkeypatch.setattr(rematch_run, "get_settings", lambda: one.app.state.settings)
    rematch_run.run_job(one.app.state.session_factory, as_of=AS_OF, options=rematch_run.JobOptions())
    with one.app.state.session_factory() as session:
        record = session.scalars(
            select(RecommendationRecord)
            .where(RecommendationRecord.kind == "rematch", RecommendationRecord.client_id == client["id"])
            .order_by(RecommendationRecord.at.desc())
        ).first()
    assert record is not None
    (feed,) = record.shortlist["travel"]["gtfs_feeds"]
    assert feed["name"] == "NYC subway" and len(feed["sha256"]) == 64
    shown = _shortlist(one, world.headers["spec1"], client["id"])
    assert record.config_hash == shown["config_hash"]  # the configuration's and the feed's, as interactively
    assert shown["travel"]["gtfs_feeds"] == [feed]
