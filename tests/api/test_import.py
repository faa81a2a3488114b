"""Bulk CSV import of openings: per-row errors, all-or-nothing, near-duplicates."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.api.conftest import Api, World

HEADER = "employer_id,title,lat,lon,shifts,hours_per_week,hourly_wage,demands,offered_to_all,remote,expires"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def upload(api: Api, headers: dict[str, str], text: str | bytes, **params: Any) -> Any:
    data = text.encode() if isinstance(text, str) else text
    return api.post(
        "/openings/import", headers, params=params, files={"file": ("openings.csv", data, "text/csv")}
    )


def good_row(employer_id: str, title: str, lat: float = 41.885) -> str:
    return (
        f'{employer_id},{title},{lat},-87.635,"Mon 09:00-13:00;Tue 09:00-13:00",8,16.5,'
        '"attention=2;pace=3",flexible_schedule,false,2026-06-30'
    )


def count(api: Api, headers: dict[str, str], employer_id: str) -> int:
    return int(api.get("/openings", headers, params={"employer_id": employer_id}).json()["count"])


def test_valid_rows_are_stored_and_bad_rows_reported_by_row_field_message(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    other = api.create_employer(world.headers["liaison2"])["id"]
    text = csv_text(
        good_row(employer, "Barista"),
        f'{employer},Cashier,41.885,-87.635,"Mon 09:00-13:00",eight,16,,,false,',
        good_row(employer, "Stock clerk").replace("attention=2", "juggling=2"),
        good_row(other, "Baker"),
        good_row(employer, "Dishwasher"),
        f"{employer},Usher,,,Mon 09:00-13:00,8,16,,,false,",
    )
    response = upload(api, h, text)
    assert response.status_code == 200
    report = response.json()
    assert report["committed"] is True and report["n_rows"] == 6
    assert len(report["created"]) == 2
    errors = {(e["row"], e["field"]): e["message"] for e in report["errors"]}
    assert set(errors) == {
        (3, "hours_per_week"),
        (4, "demands.juggling"),
        (5, "employer_id"),
        (7, "location"),
    }
    assert errors[(3, "hours_per_week")] == "must be a number"
    assert "unknown dimension" in errors[(4, "demands.juggling")]
    assert count(api, h, employer) == 2
    titles = {
        o["details"]["title"]
        for o in api.get("/openings", h, params={"employer_id": employer}).json()["data"]
    }
    assert titles == {"Barista", "Dishwasher"}


def test_atomic_import_stores_nothing_when_any_row_is_bad(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    text = csv_text(good_row(employer, "Barista"), good_row(employer, "Baker").replace("16.5", "-3"))
    report = upload(api, h, text, atomic="true").json()
    assert report["committed"] is False and report["created"] == []
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(3, "hourly_wage")]
    assert count(api, h, employer) == 0
    fixed = upload(
        api, h, csv_text(good_row(employer, "Barista"), good_row(employer, "Baker")), atomic="true"
    )
    assert fixed.json()["committed"] is True and len(fixed.json()["created"]) == 2
    assert count(api, h, employer) == 2


def test_near_duplicates_within_the_file_and_against_the_database(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    existing = api.create_opening(h, employer, title="Line cook", location={"lat": 41.885, "lon": -87.635})
    text = csv_text(
        good_row(employer, "Line Cook"),  # same as the stored one
        good_row(employer, "Barista"),
        good_row(employer, "Barista", lat=41.8851),  # same as row 3
        good_row(employer, "Barista", lat=41.985),  # another site
    )
    report = upload(api, h, text).json()
    assert report["errors"] == []
    assert len(report["created"]) == 2
    duplicates = {d["row"]: d["duplicate_of"] for d in report["duplicates"]}
    assert duplicates[2] == existing["id"]
    assert duplicates[4] == report["created"][0]
    assert count(api, h, employer) == 3
    again = upload(api, h, text).json()  # importing the same file twice stores nothing new
    assert again["created"] == [] and len(again["duplicates"]) == 4


def test_header_problems_reject_the_whole_file(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    unknown = upload(api, h, csv_text(good_row(employer, "Barista") + ",x", header=HEADER + ",diagnosis"))
    assert unknown.status_code == 200
    assert unknown.json()["committed"] is False
    assert unknown.json()["errors"] == [{"row": 1, "field": "diagnosis", "message": "unknown column"}]
    missing = upload(api, h, csv_text("x", header="employer_id")).json()
    assert {e["field"] for e in missing["errors"]} == {"title"}
    assert count(api, h, employer) == 0


def test_shifts_hours_and_pay_left_empty_are_stored_as_unknown(api: Api, world: World) -> None:
    """Real postings rarely state them: stored as unknown (a question), never invented."""
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    text = csv_text(
        f"{employer},Stock clerk,41.885,-87.635,,,,,,false,2026-06-30",
        header="employer_id,title,lat,lon,shifts,hours_per_week,hourly_wage,demands,offered_to_all,remote,expires",
    )
    report = upload(api, h, text, atomic=True).json()
    assert report["errors"] == [], report["errors"]
    (created,) = report["created"]
    details = api.get(f"/openings/{created}", h).json()["details"]
    assert details.get("shifts") is None and details.get("hours_per_week") is None
    assert details.get("hourly_wage") is None
    title_only = upload(
        api, h, csv_text(f"{employer},Night porter,41.886,-87.636", header="employer_id,title,lat,lon")
    )
    assert title_only.json()["errors"] == [] and len(title_only.json()["created"]) == 1


def test_the_native_format_reads_what_the_employer_says_is_not_possible(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    header = "employer_id,title,lat,lon,offered_to_all,on_request,not_possible"
    row = f'{employer},Stock clerk,41.885,-87.635,flexible_schedule,job_coach,"quiet_workspace;remote_work"'
    report = upload(api, h, csv_text(row, header=header), atomic=True).json()
    assert report["errors"] == [], report["errors"]
    details = api.get(f"/openings/{report['created'][0]}", h).json()["details"]
    assert details["not_possible"] == ["quiet_workspace", "remote_work"]
    clash = f"{employer},Night porter,41.886,-87.636,,job_coach,job_coach"
    (error,) = upload(api, h, csv_text(clash, header=header)).json()["errors"]
    assert (error["row"], error["field"]) == (2, "not_possible")


def test_extra_values_bad_flags_and_encoding(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    text = csv_text(
        good_row(employer, "Barista") + ",surplus", good_row(employer, "Baker").replace("false", "maybe")
    )
    report = upload(api, h, text).json()
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(2, "(row)"), (3, "remote")]
    workbook = upload(api, h, b"PK\x03\x04\x14\x00\x06\x00garbage")  # an .xlsx is a zip file
    assert workbook.status_code == 400
    assert workbook.json() == {"detail": "File is a spreadsheet workbook, not CSV; save it as CSV"}


def test_spreadsheet_encodings_and_delimiters_import_the_same(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Café Noël")["id"]
    cases = (
        ("Crêpe cook", "cp1252", ";"),
        ("Façade cleaner", "utf-16", "\t"),
        ("Piñata maker", "utf-8-sig", ";"),
    )
    for title, encoding, delimiter in cases:
        rows = list(csv.reader(io.StringIO(csv_text(good_row(employer, title)))))
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows(rows)
        report = upload(api, h, out.getvalue().encode(encoding), atomic=True)
        assert report.status_code == 200, report.text
        body = report.json()
        assert body["errors"] == [], (encoding, body["errors"])
        (created,) = body["created"]
        assert api.get(f"/openings/{created}", h).json()["details"]["title"] == title


def test_import_is_for_liaisons_and_recorded(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    assert upload(api, world.headers["spec1"], csv_text(good_row(employer, "Barista"))).status_code == 403
    created = upload(api, h, csv_text(good_row(employer, "Barista"))).json()["created"]
    events = api.get("/audit/events", world.headers["auditor"], params={"kind": "openings.imported"}).json()
    assert any(e["payload"]["created"] == created for e in events["data"])


def test_too_large_upload_is_413(api: Api, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    monkeypatch.setattr(api.app.state.settings, "max_import_bytes", 100)
    response = upload(api, h, csv_text(good_row(employer, "Barista"), good_row(employer, "Baker")))
    assert response.status_code == 413 and response.json() == {"detail": "File too large"}
    assert count(api, h, employer) == 0


def test_an_upload_over_the_row_limit_is_refused_whole(api: Api, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    monkeypatch.setattr(api.app.state.settings, "max_import_rows", 1)
    response = upload(api, h, csv_text(good_row(employer, "Barista"), good_row(employer, "Baker")))
    assert response.status_code == 200
    assert [(e["row"], e["field"], e["message"]) for e in response.json()["errors"]] == [
        (1, "(file)", "more than 1 rows")
    ]
    assert count(api, h, employer) == 0
    monkeypatch.setattr(api.app.state.settings, "max_import_rows", 2)
    assert (
        len(
            upload(api, h, csv_text(good_row(employer, "Barista"), good_row(employer, "Baker"))).json()[
                "created"
            ]
        )
        == 2
    )
