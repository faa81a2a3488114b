"""Auditor endpoints over the audit trail: list/filter, fetch, CSV export, verify, tampering."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import text

from api.audit import drop_triggers, install_triggers
from tests.api.conftest import Api, World


def test_events_filter_by_client_actor_kind_and_time(api: Api, world: World) -> None:
    h = world.headers["auditor"]
    start = dt.datetime.now(dt.UTC)
    client = api.create_client(world.headers["spec1"])
    api.get(f"/clients/{client['id']}", world.headers["spec1"])
    by_client = api.get("/audit/events", h, params={"client_id": client["id"]}).json()["data"]
    assert [e["kind"] for e in by_client] == ["client.created", "client.read"]
    seqs = [e["seq"] for e in by_client]
    assert seqs == sorted(seqs)
    actor = world.users["spec1"].username
    mine = api.get("/audit/events", h, params={"actor": actor, "kind": "client.read"}).json()["data"]
    assert mine and all(e["actor"] == actor and e["kind"] == "client.read" for e in mine)
    since = api.get("/audit/events", h, params={"since": start.isoformat(), "client_id": client["id"]})
    assert since.json()["count"] == 2
    until = api.get("/audit/events", h, params={"until": start.isoformat(), "client_id": client["id"]})
    assert until.json()["count"] == 0
    page = api.get("/audit/events", h, params={"limit": 1, "offset": 1, "client_id": client["id"]}).json()
    assert [e["seq"] for e in page["data"]] == seqs[1:2]
    assert api.get("/audit/events", h, params={"limit": 0}).status_code == 422


def test_events_are_hash_chained(api: Api, world: World) -> None:
    api.create_client(world.headers["spec1"])
    events = api.get("/audit/events", world.headers["auditor"], params={"limit": 1000}).json()["data"]
    for before, after in zip(events, events[1:], strict=False):
        assert after["seq"] == before["seq"] + 1 and after["prev_hash"] == before["hash"]


def test_csv_export_matches_the_list(api: Api, world: World) -> None:
    h = world.headers["auditor"]
    client = api.create_client(world.headers["spec1"])
    api.get(f"/clients/{client['id']}", world.headers["spec1"])
    response = api.get("/audit/events/export", h, params={"client_id": client["id"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    listed = api.get("/audit/events", h, params={"client_id": client["id"]}).json()["data"]
    assert [int(r["seq"]) for r in rows] == [e["seq"] for e in listed]
    assert [r["hash"] for r in rows] == [e["hash"] for e in listed]


def test_recommendation_records_filter_and_404(api: Api, world: World) -> None:
    h = world.headers["auditor"]
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"])
    client = api.create_client(world.headers["spec1"])
    shown = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"]).json()
    by_actor = api.get("/audit/recommendations", h, params={"actor": world.users["spec1"].username}).json()
    assert shown["recommendation_id"] in {r["id"] for r in by_actor["data"]}
    by_opening = api.get("/audit/recommendations", h, params={"opening_id": opening["id"]}).json()
    assert shown["recommendation_id"] in {r["id"] for r in by_opening["data"]}
    nobody = api.get("/audit/recommendations", h, params={"actor": "nobody"}).json()
    assert nobody == {"data": [], "count": 0, "total": 0, "limit": 100, "offset": 0}
    missing = api.get("/audit/recommendations/not-a-record", h)
    assert missing.status_code == 404 and missing.json() == {"detail": "Recommendation not found"}
    event = api.get("/audit/events", h, params={"client_id": client["id"], "kind": "recommendation"})
    assert event.json()["data"][0]["payload"]["record_id"] == shown["recommendation_id"]


def test_verify_reports_an_intact_chain(api: Api, world: World) -> None:
    api.create_client(world.headers["spec1"])
    result = api.get("/audit/verify", world.headers["auditor"]).json()
    assert result["ok"] is True and result["first_broken_seq"] is None
    n_events = len(api.get("/audit/events", world.headers["auditor"], params={"limit": 1000}).json()["data"])
    assert result["n_events"] == n_events == result["head_seq"]


def test_the_database_refuses_to_change_events(api: Api, world: World) -> None:
    api.create_client(world.headers["spec1"])
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with api.session() as session:
            try:
                session.execute(text(statement))
                session.commit()
                changed = True
            except Exception as exc:  # the trigger's refusal, whatever the driver calls it
                session.rollback()
                changed = "append-only" not in str(exc)
        assert not changed, statement
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"] is True


def test_verify_finds_an_event_altered_behind_the_apis_back(api: Api, world: World) -> None:
    # Last test of this module: it breaks this module's chain on purpose.
    client = api.create_client(world.headers["spec1"])
    target = api.get("/audit/events", world.headers["auditor"], params={"client_id": client["id"]}).json()[
        "data"
    ][0]
    api.create_client(world.headers["spec1"])  # the altered event is not the last one
    with api.app.state.engine.begin() as connection:
        drop_triggers(connection)
        connection.execute(
            text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :seq"), {"seq": target["seq"]}
        )
        install_triggers(connection)
    result = api.get("/audit/verify", world.headers["auditor"]).json()
    assert result["ok"] is False and result["first_broken_seq"] == target["seq"]
