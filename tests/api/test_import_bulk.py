"""CSV import at scale: duplicates as the old per-row loop found them, bad rows, 5k rows, workers."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from api.audit import AuditEvent
from api.main import create_app
from api.models import Opening
from tests.api.conftest import Api, World, make_settings, make_test_client, opening_details
from tests.api.test_dedupe import old_find_duplicate
from tests.api.test_import import upload

HEADER = ["employer_id", "title", "lat", "lon", "remote", "shifts", "hours_per_week", "hourly_wage"]
SHIFTS = "Mon 09:00-13:00;Wed 09:00-13:00"
VOCABULARY = ("Line cook", "Dishwasher", "Barista", "Cashier", "Stock clerk", "Janitor", "Baker", "Usher")
REWORDED = ("Cook, line", "line  cook!", "Line cok", "Dish washer", "BARISTA", "Cashiers", "Stock clerk PT")


Row = list[str]


def row(employer_id: str, title: str, lat: float | None, lon: float | None, *, remote: bool = False) -> Row:
    place = ["", ""] if lat is None or lon is None else [repr(lat), repr(lon)]
    return [employer_id, title, *place, str(remote).lower(), SHIFTS, "12", "16.5"]


def csv_text(rows: list[Row]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    return buffer.getvalue()


def _with(r: Row, field: str, value: str) -> Row:
    return [value if name == field else cell for name, cell in zip(HEADER, r, strict=True)]


def generated(employers: list[str], n: int, seed: int) -> list[tuple[str, dict[str, Any]]]:
    """Openings around three sites per employer, titles often reworded: many near-duplicates."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        employer = rng.choice(employers)
        title = rng.choice(VOCABULARY + REWORDED)
        if rng.random() < 0.3:
            title += rng.choice([" - Weekends", " PT", " (Days)", ""])
        if rng.random() < 0.08:
            out.append((employer, {"title": title, "remote": True, "location": None}))
            continue
        lat, lon = rng.choice([(41.88, -87.63), (41.90, -87.65), (41.7, -87.6)])
        # Up to ~2 km from the site, so pairs fall on both sides of the 1 km limit.
        location = {
            "lat": round(lat + rng.uniform(-0.018, 0.018), 6),
            "lon": round(lon + rng.uniform(-0.024, 0.024), 6),
        }
        out.append((employer, {"title": title, "remote": False, "location": location}))
    return out


def as_rows(records: list[tuple[str, dict[str, Any]]]) -> list[Row]:
    out = []
    for employer, r in records:
        loc = r["location"] or {}
        out.append(row(employer, r["title"], loc.get("lat"), loc.get("lon"), remote=r["remote"]))
    return out


def test_duplicates_are_those_the_old_per_row_check_found(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employers = [api.create_employer(h)["id"] for _ in range(3)]
    first, second = generated(employers, 600, seed=1), generated(employers, 600, seed=2)
    stored: dict[str, list[tuple[str, dict[str, Any]]]] = {}  # the oracle's view of the database
    n_duplicates = 0
    for records in (first, second):
        expected: dict[int, str | None] = {}
        kept: list[tuple[int, str, dict[str, Any]]] = []
        for number, (employer, record) in enumerate(records, start=2):
            key = old_find_duplicate(record, stored.get(employer, []))
            expected[number] = key
            if key is None:
                key = f"row {number}"
                stored.setdefault(employer, []).append((key, record))
                kept.append((number, employer, record))
        report = upload(api, h, csv_text(as_rows(records))).json()
        assert report["errors"] == [] and len(report["created"]) == len(kept)
        # The oracle names its kept rows; the service names them by id, in the same order.
        ids = {
            f"row {number}": opening_id
            for (number, _, _), opening_id in zip(kept, report["created"], strict=True)
        }
        for employer_rows in stored.values():
            employer_rows[:] = [(ids.get(k, k), r) for k, r in employer_rows]
        expected_duplicates = {n: ids.get(k, k) for n, k in expected.items() if k is not None}
        assert {d["row"]: d["duplicate_of"] for d in report["duplicates"]} == expected_duplicates
        n_duplicates += len(expected_duplicates)
    assert 100 < n_duplicates < 1000  # the file has plenty of both kinds


def _openings(api: Api, h: dict[str, str], employer: str) -> dict[str, Any]:
    listed = api.get("/openings", h, params={"employer_id": employer}).json()["data"]
    return {o["id"]: o for o in listed}


def _n_events(api: Api) -> int:
    with api.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


# One way to spoil a row per field the import then names.
BAD: dict[str, Callable[[Row], Row]] = {
    "hourly_wage": lambda r: _with(r, "hourly_wage", "-3"),
    "hours_per_week": lambda r: _with(r, "hours_per_week", "twelve"),
    "remote": lambda r: _with(r, "remote", "maybe"),
    "shifts": lambda r: _with(r, "shifts", "Mon 9-1"),
    "lat": lambda r: _with(r, "lat", "north"),
    "(row)": lambda r: [*r, "surplus"],
}


def test_bad_rows_never_change_stored_openings(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    base = [row(employer, f"{t} {i}", 41.88 + 0.02 * i, -87.63) for i, t in enumerate(VOCABULARY)]
    assert len(upload(api, h, csv_text(base)).json()["created"]) == len(base)
    before = _openings(api, h, employer)
    # Each stored row again, corrupted: what would be a near-duplicate is a bad row first.
    fields = list(BAD)
    bad = [BAD[fields[i % len(fields)]](r) for i, r in enumerate(base)]
    new = [row(employer, "Groundskeeper", 41.5, -87.7), row(employer, "Usher", 41.6, -87.7)]
    mixed = [bad[0], new[0], *bad[1:], new[1], row("E-NOT-MINE", "Baker", 41.88, -87.63)]
    events = _n_events(api)
    atomic = upload(api, h, csv_text(mixed), atomic="true").json()
    assert atomic["committed"] is False and atomic["created"] == [] and atomic["duplicates"] == []
    assert _openings(api, h, employer) == before and _n_events(api) == events
    report = upload(api, h, csv_text(mixed)).json()
    bad_rows = {2: fields[0], **{i + 3: fields[i % len(fields)] for i in range(1, len(bad))}}
    bad_rows[len(mixed) + 1] = "employer_id"
    assert {e["row"]: e["field"] for e in report["errors"]} == bad_rows
    assert report["duplicates"] == [] and len(report["created"]) == 2
    after = _openings(api, h, employer)
    assert {k: after[k] for k in before} == before  # same versions, details, timestamps
    assert set(after) - set(before) == set(report["created"])


def test_a_failed_atomic_import_leaves_no_trace_in_the_duplicate_check(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    good = [row(employer, "Baker", 41.88, -87.63), row(employer, "Barista", 41.88, -87.63)]
    failed = upload(api, h, csv_text([*good, BAD["hourly_wage"](good[0])]), atomic="true").json()
    assert failed["committed"] is False
    again = upload(api, h, csv_text(good), atomic="true").json()
    assert again["committed"] is True and len(again["created"]) == 2 and again["duplicates"] == []


def test_a_5000_row_import_stores_every_row_with_its_audit_event(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employers = [api.create_employer(h)["id"] for _ in range(50)]
    # 100 openings per employer on a 10 x 10 grid 2 km apart: no two at the same place.
    rows = [
        row(e, VOCABULARY[(i + j) % len(VOCABULARY)], 41.5 + 0.018 * (j // 10), -87.9 + 0.024 * (j % 10))
        for i, e in enumerate(employers)
        for j in range(100)
    ]
    report = upload(api, h, csv_text(rows)).json()
    assert report["committed"] is True and report["errors"] == [] and report["duplicates"] == []
    created = report["created"]
    assert report["n_rows"] == len(set(created)) == 5000
    with api.session() as session:
        stored = session.execute(
            select(Opening.id, Opening.employer_id, Opening.title).where(Opening.id.in_(created))
        )
        assert {r.id: (r.employer_id, r.title) for r in stored} == {
            opening_id: (cells[0], cells[1]) for opening_id, cells in zip(created, rows, strict=True)
        }
        events = session.execute(
            select(AuditEvent.opening_id, AuditEvent.actor, AuditEvent.payload).where(
                AuditEvent.kind == "opening.created"
            )
        ).all()
        per_opening = [e.opening_id for e in events if e.opening_id in set(created)]
        assert sorted(per_opening) == sorted(created)  # one each
        assert {e.actor for e in events if e.opening_id in set(created)} == {world.users["liaison1"].username}
    summary = api.get("/audit/events", world.headers["auditor"], params={"kind": "openings.imported"}).json()
    assert any(e["payload"]["created"] == created for e in summary["data"])
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"] is True
    sample = api.get(f"/openings/{created[4321]}", h).json()
    _, title, lat, lon, *_ = rows[4321]
    assert sample["details"]["title"] == title
    assert sample["details"]["location"] == {"lat": float(lat), "lon": float(lon)}


def test_changes_after_an_import_are_seen_by_the_next_one_in_every_worker(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    here = {"lat": 41.88, "lon": -87.63}
    imported = upload(api, h, csv_text([row(employer, "Baker", here["lat"], here["lon"])])).json()["created"][
        0
    ]
    # Posted by hand after the import: the next import must know it.
    posted = api.create_opening(h, employer, title="Barista", location=here)
    twin = csv_text([row(employer, "barista", here["lat"], here["lon"])])
    assert upload(api, h, twin).json()["duplicates"] == [{"row": 2, "duplicate_of": posted["id"]}]
    # Closed: no longer a duplicate.
    assert api.post(f"/openings/{imported}/close", h).status_code == 200
    baker = csv_text([row(employer, "Baker", here["lat"], here["lon"])])
    assert len(upload(api, h, baker).json()["created"]) == 1
    # Another worker process (another app on the same database) posts one: this worker sees it.
    settings = api.app.state.settings
    other = create_app(make_settings(settings.var_dir, settings.sqlalchemy_url))
    with make_test_client(other) as client:
        body = {"employer_id": employer, "details": opening_details(title="Cashier", location=here)}
        response = client.post("/api/v1/openings", headers=h, json=body)
        assert response.status_code == 201, response.text
    cashier = csv_text([row(employer, "Cashier.", here["lat"], here["lon"])])
    assert upload(api, h, cashier).json()["duplicates"] == [{"row": 2, "duplicate_of": response.json()["id"]}]


def test_an_edit_into_a_near_duplicate_is_refused_after_the_version_check(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    first = api.create_opening(h, employer, title="Line cook")
    second = api.create_opening(h, employer, title="Dishwasher")
    details = opening_details(title="Cook, line")
    stale = api.put(f"/openings/{second['id']}", h, json={"version": 99, "details": details})
    assert stale.status_code == 409 and stale.json() == {"detail": "Version mismatch: current version is 1"}
    edit = api.put(f"/openings/{second['id']}", h, json={"version": 1, "details": details})
    assert edit.status_code == 409 and edit.json() == {"detail": f"Near-duplicate of opening {first['id']}"}
    ok = api.put(
        f"/openings/{second['id']}", h, json={"version": 1, "details": opening_details(title="Janitor")}
    )
    assert ok.status_code == 200
