"""A shortlist through the service with a GTFS feed configured: transit minutes from its timetable.

The NYC subway sample of ../shared/data (routes 1 and 2, all night): a client near 116 St and an
opening near Times Sq with a 02:00 start, reachable only because the feed runs at night.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api import travel
from api.main import create_app
from tests.api.conftest import Api, World, fresh_database, make_settings, make_test_client

NYC = Path(__file__).resolve().parents[2] / "../shared/data/gtfs_samples/nyc_subway_gtfs.zip"
NEAR_116_ST = {"lat": 40.8086, "lon": -73.9641}  # 100 m north of 116 St-Columbia University (1)
NEAR_TIMES_SQ = {"lat": 40.7562, "lon": -73.9875}  # 100 m north of Times Sq-42 St (1, 2)


@pytest.fixture(scope="module")
def api(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    if backend != "sqlite":
        pytest.skip("the feed reaches the engine the same way on every database")
    if not NYC.exists():
        pytest.skip(f"{NYC} is absent (the shared data sits beside the repository)")
    directory = tmp_path_factory.mktemp("api-gtfs")
    with fresh_database(backend, directory) as url:
        app = create_app(make_settings(directory, url, gtfs_feeds={"NYC subway": NYC}))
        with make_test_client(app) as client:
            yield Api(app=app, client=client)
    travel.load.cache_clear()


def test_a_night_shift_shortlist_uses_the_subway_timetable(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"], name="Broadway Bakery")["id"]
    night = [f"{d} 02:00-08:00" for d in ("Tue", "Wed", "Thu")]
    opening = api.create_opening(
        world.headers["liaison1"], employer, location=NEAR_TIMES_SQ, shifts=night, hours_per_week=18
    )
    client = api.create_client(
        world.headers["spec1"],
        home=NEAR_116_ST,
        modes=["transit", "walk"],
        max_commute_minutes=45,
        availability=[f"{d} 00:00-24:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")],
    )
    response = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"])
    assert response.status_code == 200, response.text
    found = {s["opening_id"]: s for s in response.json()["suggestions"]}
    assert opening["id"] in found  # the estimate alone: transit does not run at 02:00
    lines = [*found[opening["id"]]["positives"], *found[opening["id"]]["concerns"]]
    commute = next(r for r in lines if r["code"] in {"COMMUTE_SHORT", "COMMUTE_LONG"})
    assert commute["evidence"]["source"] == "from the NYC subway timetable"
    assert "from the NYC subway timetable" in commute["text"]
