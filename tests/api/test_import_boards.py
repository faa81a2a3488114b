"""Job-board exports (LinkedIn, JobSpy) through POST /openings/import: upserted by posting id."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.audit import AuditEvent
from api.models import Opening, Role
from tests.api.conftest import AS_OF, Api

SHARED = Path(__file__).resolve().parents[2] / "../shared/data"
DAY_MS = 86_400_000
POSTED = int(dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC).timestamp() * 1000)
LINKEDIN_HEADER = [
    "job_id", "company_name", "title", "description", "max_salary", "pay_period", "location",
    "company_id", "views", "med_salary", "min_salary", "remote_allowed", "expiry", "closed_time",
    "listed_time", "currency", "skills_desc",
]  # fmt: skip


# Posting ids are unique per source in the whole database: each test's ids end in its own tag.
_TAG = {"suffix": ""}


def linkedin_row(job_id: str, **cells: Any) -> dict[str, Any]:
    row = {
        "job_id": job_id + _TAG["suffix"],
        "company_name": "Corner Bakery",
        "title": f"Baker {job_id}",
        "description": "Bake bread.",
        "max_salary": "18",
        "pay_period": "HOURLY",
        "location": "Chicago, IL",
        "min_salary": "16",
        "remote_allowed": "",
        "expiry": str(POSTED + 60 * DAY_MS),
        "listed_time": str(POSTED),
        "currency": "USD",
        "views": "12",
    }
    return row | cells


def csv_bytes(
    header: list[str], rows: list[dict[str, Any]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([{k: v for k, v in r.items() if k in header} for r in rows])
    return buffer.getvalue().encode(encoding)


def upload(api: Api, headers: dict[str, str], data: bytes, **params: Any) -> dict[str, Any]:
    files = {"file": ("postings.csv", data, "text/csv")}
    response = api.post("/openings/import", headers, params=params, files=files)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def liaison(api: Api) -> dict[str, str]:
    """A liaison of its own (employers are found by name among the liaison's), and a fresh id tag."""
    _TAG["suffix"] = "-" + uuid.uuid4().hex[:8]
    return api.headers(api.add_user(Role.LIAISON))


def openings_of(api: Api, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The liaison's openings by title."""
    data = api.get("/openings", headers, params={"limit": 500}).json()["data"]
    return {o["details"]["title"]: o for o in data}


def test_a_linkedin_file_is_detected_and_its_unknowns_stay_unknown(api: Api, liaison: dict[str, str]) -> None:
    rows = [
        linkedin_row("1"),
        linkedin_row("2", location="United States", min_salary="", max_salary="", pay_period=""),
        linkedin_row("3", company_name="corner  BAKERY", location="60614"),
    ]
    report = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    assert report["file_format"] == "linkedin" and report["committed"] is True
    assert len(report["created"]) == 3 and report["errors"] == []
    assert len(report["employers_created"]) == 1  # one employer, however its name is written
    counts = report["warning_counts"]
    assert counts["shifts_unknown"] == 3 and counts["wage_unknown"] == 1
    assert counts["location_city_level"] == 1 and counts["location_unknown"] == 1
    stored = openings_of(api, liaison)
    first, national, by_zip = stored["Baker 1"], stored["Baker 2"], stored["Baker 3"]
    assert first["details"]["hourly_wage"] == 16.0 and first["details"]["shifts"] is None
    assert first["details"]["location_precision"] == "city"
    assert national["details"]["hourly_wage"] is None and national["details"]["location"] is None
    assert by_zip["details"]["location_precision"] == "zip"
    assert first["details"]["posted"] == "2026-02-20" and first["details"]["expires"] == "2026-04-21"


@pytest.mark.parametrize(
    ("interval", "amounts", "hourly"),
    [
        ("hourly", ("15", "17"), 15.0),
        ("weekly", ("800", ""), 20.0),
        ("monthly", ("", "3466.67"), 20.0),  # only a maximum: that is the figure
        ("yearly", ("41600", "52000"), 20.0),
    ],
)
def test_jobspy_pay_of_every_basis_is_made_hourly(
    api: Api, liaison: dict[str, str], interval: str, amounts: tuple[str, str], hourly: float
) -> None:
    header = ["title", "company", "location", "job_type", "interval", "min_amount", "max_amount"]
    header += ["is_remote", "date_posted", "description", "job_url"]
    row = {
        "title": "Stock clerk",
        "company": "Corner Market",
        "location": "Austin, TX",
        "interval": interval,
        "min_amount": amounts[0],
        "max_amount": amounts[1],
        "is_remote": "False",
        "date_posted": "2026-02-25",
        "job_url": f"https://example.org/jobs/{interval}{_TAG['suffix']}",
    }
    report = upload(api, liaison, csv_bytes(header, [row]))
    assert report["file_format"] == "jobspy" and report["errors"] == []
    assert report["warning_counts"]["no_expiry"] == 1  # open for the time-to-live
    opening = openings_of(api, liaison)["Stock clerk"]
    assert opening["details"]["hourly_wage"] == hourly
    assert opening["details"]["expires"] == "2026-03-27"  # posted + 30 days (import_ttl_days)


def test_a_median_alone_is_the_wage(api: Api, liaison: dict[str, str]) -> None:
    row = linkedin_row("m1", min_salary="", max_salary="", med_salary="4160", pay_period="MONTHLY")
    upload(api, liaison, csv_bytes(LINKEDIN_HEADER, [row]))
    assert openings_of(api, liaison)["Baker m1"]["details"]["hourly_wage"] == 24.0  # 4,160 / (52/12 * 40)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (",", "utf-8-sig"), (";", "cp1252"), ("\t", "latin-1"), (";", "utf-8-sig")],
)
def test_encodings_and_delimiters_as_spreadsheets_save_them(
    api: Api, liaison: dict[str, str], delimiter: str, encoding: str
) -> None:
    row = linkedin_row("e1", company_name="Café Señor", title="Crêpe cook")
    report = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, [row], delimiter=delimiter, encoding=encoding))
    assert report["file_format"] == "linkedin" and report["errors"] == [], report
    assert openings_of(api, liaison)["Crêpe cook"]["employer_name"] == "Café Señor"


def _events(api: Api, opening_id: str, kind: str) -> list[dict[str, Any]]:
    with api.session() as session:
        query = select(AuditEvent).where(AuditEvent.opening_id == opening_id, AuditEvent.kind == kind)
        return [e.payload for e in session.scalars(query)]


def test_a_reimport_changes_nothing_and_a_changed_wage_updates_that_opening(
    api: Api, liaison: dict[str, str]
) -> None:
    rows = [linkedin_row(str(i)) for i in range(1, 6)]
    first = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    assert len(first["created"]) == 5
    again = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    assert (again["created"], again["updated"], again["n_unchanged"]) == ([], [], 5)
    assert again["employers_created"] == []
    rows[2] = rows[2] | {"min_salary": "17"}
    changed = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    assert changed["created"] == [] and changed["n_unchanged"] == 4
    opening = openings_of(api, liaison)["Baker 3"]
    assert changed["updated"] == [opening["id"]]
    assert opening["details"]["hourly_wage"] == 17.0 and opening["version"] == 2
    [event] = _events(api, opening["id"], "opening.updated")
    assert event["changes"] == {"hourly_wage": [16.0, 17.0]}
    assert event["source"] == "linkedin"


def test_bad_rows_never_change_stored_openings(api: Api, liaison: dict[str, str]) -> None:
    rows = [linkedin_row("b1"), linkedin_row("b2")]
    upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    before = openings_of(api, liaison)
    bad = [rows[0] | {"min_salary": "20", "pay_period": "FORTNIGHTLY", "title": ""}, rows[1]]
    report = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, bad))
    errors = {(e["row"], e["field"]): e for e in report["errors"]}
    assert set(errors) == {(2, "title"), (2, "pay_period")}  # every problem of the row at once
    assert errors[(2, "pay_period")]["value"] == "FORTNIGHTLY"
    assert report["rejected"] == {"missing_title": 1}
    assert report["updated"] == [] and report["n_unchanged"] == 1
    assert openings_of(api, liaison) == before


def test_atomic_and_dry_run_store_nothing(api: Api, liaison: dict[str, str]) -> None:
    rows = [linkedin_row("a1"), linkedin_row("a2", location="Qqzzyx Wwvv")]
    atomic = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows), atomic="true")
    assert atomic["committed"] is False and atomic["created"] == []
    assert [(e["row"], e["kind"]) for e in atomic["errors"]] == [(3, "location_not_found")]
    dry = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows[:1]), dry_run="true")
    assert dry["dry_run"] is True and dry["committed"] is False and len(dry["created"]) == 1
    assert openings_of(api, liaison) == {}
    with api.session() as session:
        assert session.scalar(select(Opening).where(Opening.id == dry["created"][0])) is None


def test_full_feed_closes_the_postings_missing_from_it(api: Api, liaison: dict[str, str]) -> None:
    rows = [linkedin_row(f"f{i}") for i in range(3)]
    upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    partial = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows[:2]))
    assert partial["closed"] == []  # not a full feed: nothing closed
    full = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows[:2]), full_feed="true")
    stored = openings_of(api, liaison)
    assert full["closed"] == [stored["Baker f2"]["id"]]
    assert stored["Baker f2"]["status"] == "closed" and stored["Baker f0"]["status"] == "open"
    [event] = _events(api, stored["Baker f2"]["id"], "opening.status")
    assert event["full_feed"] is True and event["status"] == "closed"


def test_expired_on_arrival_is_a_warning_and_stored_as_expired(api: Api, liaison: dict[str, str]) -> None:
    old = POSTED - 90 * DAY_MS
    rows = [linkedin_row("x1", listed_time=str(old), expiry=str(old + 30 * DAY_MS))]
    report = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    [warning] = [w for w in report["warnings"] if w["kind"] == "expired_on_arrival"]
    assert warning["row"] == 2 and warning["field"] == "expiry"
    opening = openings_of(api, liaison)["Baker x1"]
    assert opening["expired"] is True  # kept with its real end date: never suggested


def test_a_posting_of_another_liaisons_employer_is_refused(api: Api, liaison: dict[str, str]) -> None:
    other = api.headers(api.add_user(Role.LIAISON))
    rows = [linkedin_row("o1")]
    upload(api, other, csv_bytes(LINKEDIN_HEADER, rows))
    report = upload(api, liaison, csv_bytes(LINKEDIN_HEADER, rows))
    assert [e["kind"] for e in report["errors"]] == ["not_yours"]
    assert openings_of(api, liaison) == {}


def test_a_profile_named_needs_its_columns_and_native_files_stay_strict(
    api: Api, liaison: dict[str, str]
) -> None:
    data = csv_bytes(
        ["title", "company", "location"], [{"title": "Cook", "company": "A", "location": "Boise, ID"}]
    )
    named = upload(api, liaison, data, profile="jobspy")
    assert named["committed"] is False
    assert {e["field"] for e in named["errors"]} == {"interval", "min_amount", "max_amount", "date_posted"}
    native = upload(api, liaison, data)  # no profile matches: the project's own format, strict
    assert native["file_format"] == "native" and native["committed"] is False
    assert {e["message"] for e in native["errors"]} >= {"unknown column", "missing column"}
    refused = api.post(
        "/openings/import",
        liaison,
        params={"full_feed": "true", "profile": "native"},
        files={"file": ("o.csv", data, "text/csv")},
    )
    assert refused.status_code == 400


def _excerpt(name: str, n: int) -> bytes:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sits beside the repository)")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(n), reader, strict=False)]
        return csv_bytes(list(reader.fieldnames or []), rows)


def test_an_excerpt_of_the_real_2023_24_file_is_stored(api: Api, liaison: dict[str, str]) -> None:
    report = upload(api, liaison, _excerpt("jobs_linkedin_2023_24_sample1000/postings.csv", 120))
    assert report["file_format"] == "linkedin" and report["n_rows"] == 120
    assert len(report["created"]) >= 0.9 * 120
    assert report["warning_counts"]["expired_on_arrival"] >= 1  # 2024 postings, imported in 2026
    again = upload(api, liaison, _excerpt("jobs_linkedin_2023_24_sample1000/postings.csv", 120))
    assert again["created"] == [] and again["updated"] == []


def test_every_expired_row_of_the_real_2024_file_is_reported(api: Api, liaison: dict[str, str]) -> None:
    report = upload(api, liaison, _excerpt("jobs_linkedin_2024_sample165/postings.csv", 165))
    expired = {w["row"] for w in report["warnings"] if w["kind"] == "expired_on_arrival"}
    stored_rows = set(range(2, report["n_rows"] + 2)) - {e["row"] for e in report["errors"]}
    assert AS_OF > dt.date(2024, 12, 31) and expired == stored_rows  # every posting ended in 2024


def test_a_dry_run_of_a_file_in_the_services_own_format_stores_nothing(
    api: Api, liaison: dict[str, str]
) -> None:
    employer = api.create_employer(liaison)["id"]
    text = f"employer_id,title,lat,lon\n{employer},Usher,41.885,-87.635\n{employer},,41.885,-87.635\n"
    dry = upload(api, liaison, text.encode(), dry_run="true")
    assert dry["file_format"] == "native" and dry["dry_run"] is True and dry["committed"] is False
    assert len(dry["created"]) == 1 and [(e["row"], e["field"]) for e in dry["errors"]] == [(3, "title")]
    assert openings_of(api, liaison) == {}
