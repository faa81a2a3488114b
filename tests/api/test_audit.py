"""Audit trail: append-only tables, tamper detection, concurrent writers, offline CLI, round-trips.

Every test runs on SQLite (a plain SQLAlchemy engine, and the service's engine from
``api.db.make_engine`` when present) and on PostgreSQL when 127.0.0.1:5432 answers
(override with ``TEST_POSTGRES_URL``); each PostgreSQL test gets a fresh schema.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import rfc8785
from sqlalchemy import Engine, create_engine, event, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from api.audit import (
    GENESIS_HASH,
    AuditEvent,
    RecommendationRecord,
    VerifyResult,
    append_event,
    drop_triggers,
    export_events_csv,
    get_recommendation,
    install_triggers,
    list_events,
    list_recommendations,
    record_recommendation,
    verify_chain,
)
from api.audit.chain import event_hash, inputs_hash
from api.audit.cli import main as cli_main
from api.cli import main as placement_api_main
from api.db import Base

REPO = Path(__file__).resolve().parents[2]
TABLES = [AuditEvent.__table__, RecommendationRecord.__table__]


@cache
def _postgres_url() -> tuple[str | None, str]:
    """A reachable PostgreSQL URL (``TEST_POSTGRES_URL`` or the defaults), else None and why."""
    candidates = (
        [os.environ["TEST_POSTGRES_URL"]]
        if "TEST_POSTGRES_URL" in os.environ
        else [
            "postgresql+psycopg://postgres@127.0.0.1:5432/test",
            f"postgresql+psycopg://{getpass.getuser()}@127.0.0.1:5432/test",
        ]
    )
    reasons = []
    for url in candidates:
        probe = create_engine(url, connect_args={"connect_timeout": 2})
        try:
            with probe.connect():
                return url, ""
        except Exception as exc:  # any failure means "not available here"
            reasons.append(f"{make_url(url).render_as_string()}: {str(exc).splitlines()[0]}")
        finally:
            probe.dispose()
    return None, "PostgreSQL not reachable (" + "; ".join(reasons) + ")"


@dataclass
class Db:
    engine: Engine
    url: str
    flavour: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def tamper(self, *statements: object) -> None:
        """Run raw statements with the triggers dropped, then reinstall them.

        On SQLite this goes through a plain connection, as an attacker's would (no
        foreign-key enforcement, unlike the service's engine).
        """
        raw = create_engine(self.url) if self.dialect == "sqlite" else self.engine
        with raw.begin() as conn:
            drop_triggers(conn)
            for statement in statements:
                if isinstance(statement, str):
                    conn.exec_driver_sql(statement)  # raw SQL, no bind-parameter parsing
                else:
                    conn.execute(statement)
            install_triggers(conn)
        if raw is not self.engine:
            raw.dispose()


def _sqlite_engine(flavour: str, url: str) -> Engine:
    if flavour == "sqlite":
        # pysqlite's own transaction handling, rollback journal, 30 s busy timeout.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        # No fsync per commit: keeps the tests fast, changes nothing about locking.
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA synchronous = OFF"))
        return engine
    make_engine = getattr(pytest.importorskip("api.db"), "make_engine", None)
    if make_engine is None:
        pytest.skip("api.db.make_engine is not written yet")
    return make_engine(url)


@pytest.fixture(params=["sqlite", "sqlite-app", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    """Empty audit tables with the append-only triggers installed."""
    flavour: str = request.param
    admin = schema = None
    if flavour == "postgresql":
        pg_url, reason = _postgres_url()
        if pg_url is None:
            pytest.skip(reason)
        schema = f"audit_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(pg_url)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        engine = create_engine(url)
    else:
        url = make_url(f"sqlite:///{tmp_path / 'audit.db'}")
        engine = _sqlite_engine(flavour, url.render_as_string())
    Base.metadata.create_all(engine, tables=TABLES)
    with engine.begin() as conn:
        install_triggers(conn)
    try:
        yield Db(engine, url.render_as_string(hide_password=False), flavour)
    finally:
        engine.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


CLIENT = {
    "id": "c-1",
    "home": {"lat": 40.7, "lon": -74.0},
    "capacity": {"pace": 2, "public_contact": 1},
    "interests": ["gardening", "Zoë's café"],
    "wage_floor": 15.5,
    "earnings_cap": None,
    "discloses": False,
}
OPENINGS = [
    {"id": "op-1", "employer": "Acme", "title": "Stock clerk", "hourly_wage": 16.25},
    {"id": "op-2", "employer": "Beta", "title": "Night baker", "shifts": ["Mon 22:00-06:00"]},
]
SHORTLIST = {
    "client_id": "c-1",
    "suggestions": [
        {
            "opening_id": "op-1",
            "rank": 1,
            "score": 0.8125,
            "contributions": {"interest": 0.5, "commute": 0.3125},
            "reasons": [{"code": "interest.match", "kind": "positive", "text": "Likes stock work"}],
        }
    ],
    "exclusions": {"shift_unreachable": [{"opening_id": "op-2", "why_not": "no transit at 22:00"}]},
}


def _record(session: Session, **overrides: object) -> RecommendationRecord:
    args: dict = {
        "actor": "spec-1",
        "client_snapshot": CLIENT,
        "opening_snapshots": OPENINGS,
        "shortlist": SHORTLIST,
        "engine_version": "0.1.0",
        "config_hash": "cfg-abc",
    }
    return record_recommendation(session, **(args | overrides))


def _populate(db: Db, n_events: int = 10) -> dict[int, str]:
    """``n_events`` committed events; seq 5 seals a recommendation record. Returns seq -> hash."""
    with Session(db.engine) as session:
        for i in range(1, n_events + 1):
            if i == 5:
                _record(session)
            else:
                append_event(
                    session,
                    kind="client.read",
                    actor=f"user-{i % 3}",
                    client_id=f"c-{i % 2}",
                    opening_id="op-1" if i % 4 == 0 else None,
                    payload={"i": i, "note": "ok"},
                )
            session.commit()
        return {e.seq: e.hash for e in list_events(session, limit=None)}


def _verify(db: Db, **kwargs: object) -> VerifyResult:
    with Session(db.engine) as session:
        return verify_chain(session, **kwargs)


def _record_id(db: Db) -> tuple[str, int]:
    with Session(db.engine) as session:
        (record,) = list_recommendations(session)
        return record.id, record.event_seq


# --- append-only -------------------------------------------------------------------------

REFUSED = [
    "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
    "UPDATE audit_events SET payload = '{}'",
    "DELETE FROM audit_events WHERE seq = 10",
    "DELETE FROM audit_events",
    "UPDATE recommendation_records SET shortlist = '{}'",
    "DELETE FROM recommendation_records",
]
REFUSED_SQLITE = [
    # REPLACE deletes the colliding row without firing DELETE triggers: refused on insert.
    "INSERT OR REPLACE INTO audit_events (seq, at, actor, kind, client_id, opening_id, payload,"
    " prev_hash, hash) SELECT seq, at, 'mallory', kind, client_id,"
    " opening_id, payload, prev_hash, hash FROM audit_events WHERE seq = 3",
    "REPLACE INTO recommendation_records SELECT * FROM recommendation_records",
]
REFUSED_PG = [
    "TRUNCATE recommendation_records",
    "TRUNCATE audit_events CASCADE",
    "INSERT INTO audit_events SELECT * FROM audit_events WHERE seq = 3"
    " ON CONFLICT (seq) DO UPDATE SET actor = 'mallory'",
]


def test_database_refuses_update_and_delete(db: Db) -> None:
    hashes = _populate(db)
    extra = REFUSED_PG if db.dialect == "postgresql" else REFUSED_SQLITE
    for statement in REFUSED + extra:
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with Session(db.engine) as session:
        assert {e.seq: e.hash for e in list_events(session, limit=None)} == hashes
        assert session.query(RecommendationRecord).count() == 1
    assert _verify(db).ok


def test_install_triggers_is_idempotent_and_drop_allows_changes(db: Db) -> None:
    _populate(db, 3)
    with db.engine.begin() as conn:
        install_triggers(conn)
        install_triggers(conn)
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    db.tamper("DELETE FROM audit_events WHERE seq = 3")
    with Session(db.engine) as session:
        assert [e.seq for e in list_events(session)] == [1, 2]


def test_fork_is_impossible_even_behind_the_api(db: Db) -> None:
    hashes = _populate(db, 3)
    fork = (
        "INSERT INTO audit_events (seq, at, actor, kind, client_id, opening_id, payload,"
        " prev_hash, hash) VALUES (99, CURRENT_TIMESTAMP, 'x', 'fork', NULL, NULL, '{}',"
        f" '{hashes[2]}', '{'f' * 64}')"
    )
    with pytest.raises((IntegrityError, DBAPIError)), db.engine.begin() as conn:
        conn.execute(text(fork))


# --- tamper evidence ----------------------------------------------------------------------


def test_untampered_chain_verifies(db: Db) -> None:
    empty = _verify(db)
    assert (empty.ok, empty.n_events, empty.first_broken_seq) == (True, 0, None)
    hashes = _populate(db, 12)
    result = _verify(db, anchors={12: hashes[12], 4: hashes[4]})
    assert result.ok, result.message
    assert (result.n_events, result.first_broken_seq) == (12, None)
    assert (result.head_seq, result.head_hash) == (12, hashes[12])
    with Session(db.engine) as session:
        events = list_events(session, limit=None)
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))


@pytest.mark.parametrize(
    ("statement", "broken", "words"),
    [
        ('UPDATE audit_events SET payload = \'{"i":6,"note":"edited"}\' WHERE seq = 6', 6, "altered"),
        ("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3", 3, "altered"),
        ("UPDATE audit_events SET client_id = NULL WHERE seq = 8", 8, "altered"),
        ("UPDATE audit_events SET payload = 'not json at all' WHERE seq = 7", 7, "altered"),
        (f"UPDATE audit_events SET prev_hash = '{'e' * 64}' WHERE seq = 9", 9, "prev_hash"),
        ("DELETE FROM audit_events WHERE seq = 4", 5, "missing"),
        ("DELETE FROM audit_events WHERE seq IN (2, 3)", 4, "2..3 missing"),
    ],
)
def test_altered_event_found_at_exact_seq(db: Db, statement: str, broken: int, words: str) -> None:
    _populate(db, 10)
    assert _verify(db).ok
    db.tamper(statement)
    result = _verify(db)
    assert not result.ok
    assert result.first_broken_seq == broken, result.message
    assert words in result.message and f"seq {broken}" in result.message


def test_altered_timestamp_found(db: Db) -> None:
    _populate(db, 6)
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    db.tamper(update(AuditEvent.__table__).where(AuditEvent.seq == 2).values(at=later))
    assert _verify(db).first_broken_seq == 2


def test_rewritten_event_with_recomputed_hash_breaks_next_link(db: Db) -> None:
    _populate(db, 10)
    with Session(db.engine) as session:
        (event,) = list_events(session, kind="client.read", offset=5, limit=1)
    payload = {"i": 999, "note": "forged"}
    forged = event_hash(
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        kind=event.kind,
        client_id=event.client_id,
        opening_id=event.opening_id,
        payload=payload,
        prev_hash=event.prev_hash,
    )
    db.tamper(
        update(AuditEvent.__table__).where(AuditEvent.seq == event.seq).values(payload=payload, hash=forged)
    )
    result = _verify(db)
    assert result.first_broken_seq == event.seq + 1
    assert f"prev_hash of event {event.seq + 1}" in result.message


def test_truncated_tail_found_through_anchor(db: Db) -> None:
    hashes = _populate(db, 10)
    db.tamper("DELETE FROM audit_events WHERE seq >= 9")
    assert _verify(db).ok  # a bare hash chain cannot see a cut tail ...
    result = _verify(db, anchors={10: hashes[10]})  # ... a head noted earlier can
    assert (result.ok, result.first_broken_seq) == (False, 10)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE recommendation_records SET shortlist = REPLACE(shortlist, '0.8125', '0.9')",
        "UPDATE recommendation_records SET client_snapshot = REPLACE(client_snapshot, 'c-1', 'c-9')",
        "UPDATE recommendation_records SET engine_version = '9.9.9'",
        "UPDATE recommendation_records SET inputs_hash = REPLACE(inputs_hash, "
        "SUBSTR(inputs_hash, 1, 1), 'x')",
        "DELETE FROM recommendation_records",
    ],
)
def test_altered_recommendation_record_found_at_its_event(db: Db, statement: str) -> None:
    _populate(db, 10)
    record_id, event_seq = _record_id(db)
    db.tamper(statement)
    result = _verify(db)
    assert (result.ok, result.first_broken_seq) == (False, event_seq), result.message
    assert record_id in result.message


def test_record_pointing_at_deleted_event_found(db: Db) -> None:
    _populate(db, 10)
    _, event_seq = _record_id(db)
    statements = ["DELETE FROM audit_events WHERE seq = 5"]
    if db.dialect == "postgresql":  # the foreign key would refuse; an attacker drops it
        statements.insert(
            0,
            "ALTER TABLE recommendation_records DROP CONSTRAINT recommendation_records_event_seq_fkey",
        )
    db.tamper(*statements)
    result = _verify(db)
    assert result.first_broken_seq == event_seq == 5


# --- concurrency --------------------------------------------------------------------------


def test_concurrent_writers_keep_one_chain(db: Db) -> None:
    writers, per_writer = 8, 25
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            start.wait()
            with Session(db.engine) as session:
                for i in range(per_writer):
                    append_event(
                        session,
                        kind="test.concurrent",
                        actor=f"writer-{w}",
                        payload={"writer": w, "i": i},
                    )
                    session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(db.engine) as session:
        events = list_events(session, limit=None)
    assert [e.seq for e in events] == list(range(1, writers * per_writer + 1))
    assert len({e.prev_hash for e in events}) == len(events)
    pairs = [(e.payload["writer"], e.payload["i"]) for e in events]
    assert sorted(pairs) == [(w, i) for w in range(writers) for i in range(per_writer)]
    for w in range(writers):  # each writer's own appends stay in its order
        assert [i for ww, i in pairs if ww == w] == list(range(per_writer))
    result = _verify(db)
    assert (result.ok, result.n_events) == (True, writers * per_writer), result.message


# --- offline command ----------------------------------------------------------------------


def test_cli_verifies_good_and_reports_broken(db: Db, capsys: pytest.CaptureFixture[str]) -> None:
    _populate(db, 8)
    assert cli_main(["verify", "--database-url", db.url]) == 0
    assert capsys.readouterr().out.startswith("OK: chain intact: 8 events")
    db.tamper("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    assert cli_main(["verify", "--database-url", db.url, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["ok"], out["first_broken_seq"], out["n_events"]) == (False, 3, 8)
    assert cli_main(["verify", "--database-url", db.url]) == 1
    assert "BROKEN: broken at seq 3" in capsys.readouterr().out


def test_cli_reads_database_url_and_anchors(
    db: Db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = _populate(db, 4)
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert cli_main(["verify", "--anchor", f"4:{hashes[4]}"]) == 0
    assert cli_main(["verify", "--anchor", f"4:{hashes[3]}"]) == 1
    assert "seq 4" in capsys.readouterr().out


def test_cli_takes_the_database_from_settings_and_placement_api_runs_it(
    db: Db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(db, 3)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PLACEMENT_DATABASE_URL", db.url)  # a Settings spelling, not read before
    assert cli_main(["verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: chain intact: 3 events")
    assert placement_api_main(["audit", "verify", "--database-url", db.url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_events"] == 3


def test_cli_module_entry_point(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{missing}"}
    done = subprocess.run(
        [sys.executable, "-m", "api.audit", "verify"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "database file not found" in done.stderr
    assert not missing.exists()


# --- content ------------------------------------------------------------------------------


def _canonical_sha(value: object) -> str:
    """SHA-256 of the RFC 8785 form (events written since the move to it; canon 2)."""
    return hashlib.sha256(rfc8785.dumps(value)).hexdigest()


def test_recommendation_round_trips_exactly(db: Db) -> None:
    with Session(db.engine) as session:
        record = _record(session, kind="rematch")
        session.commit()
        record_id, seq = record.id, record.event_seq
    with Session(db.engine) as session:
        stored = get_recommendation(session, record_id)
        assert stored is not None
        assert stored.client_snapshot == CLIENT
        assert stored.opening_snapshots == OPENINGS
        assert stored.shortlist == SHORTLIST
        assert (stored.actor, stored.kind, stored.client_id) == ("spec-1", "rematch", "c-1")
        assert (stored.engine_version, stored.config_hash) == ("0.1.0", "cfg-abc")
        assert stored.salt is not None  # random, inside the hash (who sees the hash cannot guess the home)
        assert stored.inputs_hash == _canonical_sha(
            {"client": CLIENT, "openings": OPENINGS, "salt": stored.salt}
        )
        assert stored.at.tzinfo is not None
        event = session.get(AuditEvent, seq)
        assert event is not None and event.kind == "recommendation"
        assert event.payload["record_id"] == record_id and event.client_id == "c-1"
        assert get_recommendation(session, str(uuid.uuid4())) is None


def test_inputs_hash_ignores_key_order(db: Db) -> None:
    def reverse(value: object) -> object:
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value

    with Session(db.engine) as session:
        a = _record(session)
        b = _record(session, client_snapshot=reverse(CLIENT), opening_snapshots=reverse(OPENINGS))
        c = _record(session, client_snapshot=CLIENT | {"wage_floor": 16.0})
        session.commit()
        assert list(reverse(CLIENT)) != list(CLIENT)
        # Each record has its own salt: the same inputs in any key order give its hash.
        assert a.inputs_hash == inputs_hash(CLIENT, OPENINGS, salt=a.salt)
        assert b.inputs_hash == inputs_hash(CLIENT, OPENINGS, salt=b.salt)
        assert inputs_hash(reverse(CLIENT), reverse(OPENINGS), salt=a.salt) == a.inputs_hash
        assert inputs_hash(CLIENT | {"wage_floor": 16.0}, OPENINGS, salt=c.salt) == c.inputs_hash
        assert inputs_hash(CLIENT, OPENINGS, salt=c.salt) != c.inputs_hash
        assert a.id != b.id
    assert _verify(db).ok


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"shortlist": {"ids": {"op-1"}}}, "shortlist"),
        ({"client_snapshot": CLIENT | {"wage_floor": float("nan")}}, "client_snapshot"),
        ({"client_snapshot": {"name": "no id"}}, "client_snapshot.id"),
        ({"opening_snapshots": [{"id": "op"}, "op-2"]}, "opening_snapshots"),
        ({"kind": "batch"}, "kind"),
        ({"actor": ""}, "actor"),
        ({"engine_version": ""}, "engine_version"),
    ],
)
def test_bad_recommendation_input_names_the_field(db: Db, overrides: dict, field: str) -> None:
    with Session(db.engine) as session, pytest.raises(ValueError, match=field):
        _record(session, **overrides)


def test_bad_event_input_names_the_field(db: Db) -> None:
    with Session(db.engine) as session:
        with pytest.raises(ValueError, match="kind"):
            append_event(session, kind="", actor="u", payload={})
        with pytest.raises(ValueError, match="payload"):
            append_event(session, kind="x", actor="u", payload=[1])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="client_id"):
            append_event(session, kind="x", actor="u", client_id="", payload={})
        assert list_events(session) == []


# --- reading ------------------------------------------------------------------------------


def test_list_events_filters(db: Db) -> None:
    _populate(db, 10)
    with Session(db.engine) as session:
        events = list_events(session, limit=None)
        assert [e.seq for e in list_events(session, client_id="c-0")] == [
            e.seq for e in events if e.client_id == "c-0"
        ]
        assert [e.seq for e in list_events(session, opening_id="op-1")] == [4, 8]
        assert [e.seq for e in list_events(session, actor="user-1")] == [1, 4, 7, 10]
        assert [e.seq for e in list_events(session, kind="recommendation")] == [5]
        assert [e.seq for e in list_events(session, limit=3, offset=2)] == [3, 4, 5]
        cut = events[6].at
        assert [e.seq for e in list_events(session, since=cut)][0] == 7
        assert [e.seq for e in list_events(session, until=cut)][-1] == 6
        assert list_events(session, actor="user-1", opening_id="op-1")[0].seq == 4
        with pytest.raises(ValueError, match="limit"):
            list_events(session, limit=-1)


def test_list_recommendations_by_opening_client_and_actor(db: Db) -> None:
    only_excluded = {"suggestions": [], "exclusions": {"commute": [{"opening_id": "op-7"}]}}
    with Session(db.engine) as session:
        a = _record(session)
        b = _record(session, actor="spec-2", shortlist=only_excluded)
        c = _record(session, client_snapshot=CLIENT | {"id": "c-2"}, shortlist={"ids": ["op-9"]})
        session.commit()

        def ids(**filters: object) -> list[str]:
            return [r.id for r in list_recommendations(session, **filters)]

        assert ids() == [a.id, b.id, c.id]
        assert ids(opening_id="op-1") == [a.id]  # suggested
        assert ids(opening_id="op-2") == [a.id]  # excluded
        assert ids(opening_id="op-7") == [b.id]
        assert ids(opening_id="op-9") == [c.id]  # plain list of ids
        assert ids(opening_id="op") == [] and ids(opening_id="OP-1") == []
        assert ids(opening_id="suggestions") == []  # keys are not ids
        assert ids(client_id="c-2") == [c.id]
        assert ids(actor="spec-2") == [b.id]
        assert ids(limit=1, offset=1) == [b.id]


def test_export_csv(db: Db) -> None:
    _populate(db, 6)
    with Session(db.engine) as session:
        append_event(session, kind="login", actor="=HYPERLINK(1)", payload={"ok": True})
        session.commit()
        rows = list(csv.DictReader(io.StringIO(export_events_csv(session))))
        assert [int(r["seq"]) for r in rows] == list(range(1, 8))
        events = list_events(session, limit=None)
        assert [r["hash"] for r in rows] == [e.hash for e in events]
        assert json.loads(rows[0]["payload"]) == events[0].payload
        assert rows[-1]["actor"] == "'=HYPERLINK(1)"
        only = list(csv.DictReader(io.StringIO(export_events_csv(session, kind="login"))))
        assert [r["seq"] for r in only] == ["7"]


@pytest.fixture(scope="module")
def engine_output() -> tuple[dict, list[dict], dict]:
    """A real shortlist from the engine for a hand-made client and three openings."""
    matcher = pytest.importorskip("matcher")
    records = pytest.importorskip("matcher.records")
    serialize = pytest.importorskip("matcher.serialize")
    client = matcher.client_from_record(
        {
            "id": "c-real",
            "home": {"lat": 41.88, "lon": -87.63},
            "modes": ["transit", "walk"],
            "availability": ["Mon 08:00-17:00", "Tue 08:00-17:00"],
            "max_hours": 30,
            "interests": ["stocking shelves"],
        }
    )
    openings = [
        matcher.opening_from_record(
            {
                "id": f"op-{i}",
                "employer": f"Employer {i}",
                "title": title,
                "shifts": [shift],
                "location": {"lat": 41.88 + 0.01 * i, "lon": -87.63},
                "hours_per_week": 20,
                "hourly_wage": 16,
            }
        )
        for i, (title, shift) in enumerate(
            [
                ("Stock clerk", "Mon 09:00-13:00"),
                ("Night baker", "Mon 22:00-23:59"),
                ("Cashier", "Tue 09:00-14:00"),
            ]
        )
    ]
    fitted = matcher.Matcher(config=matcher.MatcherConfig()).fit(openings, as_of=dt.date(2025, 6, 1))
    (shortlist,) = fitted.recommend([client], k=5)
    return (
        records.client_to_record(client),
        [records.opening_to_record(o) for o in openings],
        serialize.shortlist_to_dict(shortlist),
    )


def test_real_engine_shortlist_is_stored_and_found(db: Db, engine_output: tuple) -> None:
    client, openings, shortlist = engine_output
    with Session(db.engine) as session:
        record_id = _record(
            session, client_snapshot=client, opening_snapshots=openings, shortlist=shortlist
        ).id
        session.commit()
    with Session(db.engine) as session:
        stored = get_recommendation(session, record_id)
        assert stored is not None and stored.shortlist == shortlist
        assert stored.opening_snapshots == openings and stored.client_snapshot == client
        mentioned = {s["opening_id"] for s in shortlist["suggestions"]} | {
            item["opening_id"] for group in shortlist["exclusions"].values() for item in group
        }
        assert mentioned  # the engine suggested or excluded something
        for opening in openings:
            found = [r.id for r in list_recommendations(session, opening_id=opening["id"])]
            assert found == ([record_id] if opening["id"] in mentioned else [])
    assert _verify(db).ok
