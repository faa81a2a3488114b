"""Opening demands by name as well as number, in the JSON API and the CSV import."""

from __future__ import annotations

from tests.api.conftest import Api, World, opening_details
from tests.api.test_import import upload


def test_demands_by_name_are_stored_as_their_level(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    body = {"employer_id": employer, "details": opening_details(demands={"attention": "Moderate", "pace": 4})}
    created = api.post("/openings", h, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["details"]["demands"] == {"attention": 3, "pace": 4}
    bad = {"employer_id": employer, "details": opening_details(title="Baker", demands={"attention": "lots"})}
    refused = api.post("/openings", h, json=bad)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "details", "demands", "attention"]


def test_the_csv_import_reads_demand_names(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    text = (
        "employer_id,title,lat,lon,demands\n"
        f'{employer},Usher,41.885,-87.635,"attention=very low;pace=high"\n'
        f'{employer},Baker,41.885,-87.635,"attention=lots"\n'
    )
    report = upload(api, h, text).json()
    assert len(report["created"]) == 1
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(3, "demands.attention")]
    stored = api.get(f"/openings/{report['created'][0]}", h).json()
    assert stored["details"]["demands"] == {"attention": 1, "pace": 4}
