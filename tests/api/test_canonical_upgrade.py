"""Moving every hash to RFC 8785 keeps every stored hash verifiable and comparable.

A database at revision 0003 gets an audit chain, a recommendation record and a
program configuration written exactly as the former code wrote them (its
``json.dumps`` canonical form and hash formulas, frozen below). After ``upgrade
head`` the chain still verifies, new events (RFC 8785) continue it, tampering in
either form is found, and the configuration's hash is the engine's new one with the
former kept. The nightly run's stored client hashes of the former form still tell
"unchanged" from "changed".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import migrate, store
from api.audit import (
    AuditEvent,
    append_event,
    drop_triggers,
    install_triggers,
    list_recommendations,
    record_recommendation,
    verify_chain,
)
from api.db import make_engine
from api.models import Client as ClientRow
from api.rematch.models import RematchDigest, ShortlistVersion
from api.rematch.run import JobOptions, run_job
from matcher.config import MatcherConfig, RankingConfig
from tests.api.conftest import AS_OF, Api, World, fresh_database
from tests.api.test_db_types import LegacyAuditUTCDateTime

GENESIS = "0" * 64
CLIENT = {"id": "c-1", "capacity": {"pace": 5.0}, "interests": ["Zoë's café"], "wage_floor": 15.0}
OPENINGS = [{"id": "op-é", "employer": "Café Müller", "title": "Barista", "hourly_wage": 16.0}]
SHORTLIST = {"client_id": "c-1", "suggestions": [{"opening_id": "op-é", "rank": 1, "score": 1.0}]}


# --- the former code, frozen -----------------------------------------------------------------


def _former_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _former_sha(value: Any) -> str:
    return hashlib.sha256(_former_json(value).encode("utf-8")).hexdigest()


def _utc_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


EVENTS = sa.table(
    "audit_events",
    *(
        sa.column(c)
        for c in ("seq", "actor", "kind", "client_id", "opening_id", "payload", "prev_hash", "hash")
    ),
    sa.column("at", LegacyAuditUTCDateTime()),
)
RECORDS = sa.table(
    "recommendation_records",
    *(sa.column(c) for c in ("id", "actor", "kind", "client_id", "inputs_hash", "engine_version")),
    *(
        sa.column(c)
        for c in ("config_hash", "event_seq", "client_snapshot", "opening_snapshots", "shortlist")
    ),
    sa.column("at", LegacyAuditUTCDateTime()),
)
CONFIGS = sa.table(
    "program_configs",
    sa.column("version"),
    sa.column("config", sa.JSON()),
    sa.column("config_hash"),
    sa.column("note"),
    sa.column("created_at", LegacyAuditUTCDateTime()),
)


def _former_event(conn: sa.Connection, seq: int, prev: str, kind: str, payload: dict[str, Any]) -> str:
    at = dt.datetime(2026, 3, 1, 9, 0, seq, 1000 * seq, tzinfo=dt.UTC)
    fields = {"seq": seq, "actor": "spec-1", "kind": kind, "client_id": "c-1", "opening_id": None}
    digest = _former_sha({**fields, "at": _utc_text(at), "payload": payload, "prev_hash": prev})
    conn.execute(
        EVENTS.insert().values(**fields, at=at, payload=_former_json(payload), prev_hash=prev, hash=digest)
    )
    return digest


def _former_chain(conn: sa.Connection) -> tuple[str, str]:
    """Events 1-4 as the former code wrote them; 3 seals a recommendation record. Former config hash too."""
    prev = _former_event(conn, 1, GENESIS, "login", {"role": "specialist", "ratio": 1.0})
    prev = _former_event(conn, 2, prev, "client.read", {"note": "Zoë", "n": 2})
    at = dt.datetime(2026, 3, 1, 9, 0, 3, tzinfo=dt.UTC)
    inputs = _former_sha({"client": CLIENT, "openings": OPENINGS})
    record = {"id": "r-former", "actor": "spec-1", "kind": "interactive", "client_id": "c-1"}
    record |= {"inputs_hash": inputs, "engine_version": "1.0.0", "config_hash": "c53173258c065747"}
    content = _former_sha(
        {
            **record,
            "at": _utc_text(at),
            "client_snapshot": CLIENT,
            "opening_snapshots": OPENINGS,
            "shortlist": SHORTLIST,
        }
    )
    seal = {"record_id": "r-former", "record_hash": content, "record_kind": "interactive"}
    seal |= {"inputs_hash": inputs, "engine_version": "1.0.0", "config_hash": "c53173258c065747"}
    prev = _former_event(conn, 3, prev, "recommendation", seal)
    conn.execute(
        RECORDS.insert().values(
            **record,
            at=at,
            event_seq=3,
            client_snapshot=_former_json(CLIENT),
            opening_snapshots=_former_json(OPENINGS),
            shortlist=_former_json(SHORTLIST),
        )
    )
    _former_event(conn, 4, prev, "decision", {"action": "approve", "opening": "op-é"})
    config = MatcherConfig(ranking=RankingConfig(max_per_employer=1)).to_dict()
    former_config_hash = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    created = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    conn.execute(
        CONFIGS.insert().values(
            version=1, config=config, config_hash=former_config_hash, note="", created_at=created
        )
    )
    return inputs, former_config_hash


def _tampered(engine: sa.Engine, statement: str) -> tuple[int | None, str]:
    """First broken seq and message after ``statement`` (run with the triggers dropped)."""
    with engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(sa.text(statement))
    with Session(engine) as session:
        result = verify_chain(session)
    return result.first_broken_seq, result.message


# --- the tests ---------------------------------------------------------------------------------


def test_chain_and_config_written_before_rfc8785_stay_verifiable_after_upgrade(
    backend: str, tmp_path: Path
) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "0003")
        with engine.begin() as conn:
            former_inputs, former_config_hash = _former_chain(conn)
        migrate.upgrade(engine)
        with Session(engine) as session:
            result = verify_chain(session)
            assert (result.ok, result.n_events) == (True, 4), result.message
            assert {e.canon for e in session.scalars(sa.select(AuditEvent))} == {1}
            row = store.config.current(session)
            assert row is not None and row.legacy_config_hash == former_config_hash
            assert row.config_hash == store.config.matcher_config(row).config_hash != former_config_hash

            append_event(
                session, kind="client.read", actor="spec-1", client_id="c-1", payload={"note": "Zoë"}
            )
            new = record_recommendation(
                session,
                actor="spec-1",
                client_snapshot=CLIENT,
                opening_snapshots=OPENINGS,
                shortlist=SHORTLIST,
                engine_version="1.0.0",
                config_hash=row.config_hash,
            )
            session.commit()
            assert new.inputs_hash != former_inputs  # the forms differ for these values ...
            result = verify_chain(session)
            assert (result.ok, result.n_events) == (True, 6), result.message  # ... and both verify
            assert session.get(AuditEvent, 6).canon == 2  # type: ignore[union-attr]
            # the non-ASCII opening id is found in the former (escaped) and the new record alike
            assert [r.id for r in list_recommendations(session, opening_id="op-é")] == ["r-former", new.id]

        assert _tampered(engine, "UPDATE audit_events SET canon = 2 WHERE seq = 2")[0] == 2
        assert _tampered(engine, "UPDATE audit_events SET canon = 1 WHERE seq = 2")[0] is None
        assert _tampered(engine, "UPDATE audit_events SET canon = 1 WHERE seq = 5")[0] == 5
        assert _tampered(engine, "UPDATE audit_events SET canon = 2 WHERE seq = 5")[0] is None
        broken, message = _tampered(
            engine, "UPDATE recommendation_records SET shortlist = REPLACE(shortlist, '1.0', '0.9')"
        )
        assert broken == 3 and "r-former" in message
        with engine.begin() as conn:
            install_triggers(conn)
        engine.dispose()


def _former_record_hash(record: dict[str, Any]) -> str:
    """``api/rematch_store.record_hash`` before RFC 8785, frozen."""
    return _former_sha(record)


def test_nightly_diff_reads_client_hashes_stored_in_the_former_form(api: Api, world: World) -> None:
    h = world.headers
    employer = api.create_employer(h["liaison1"])["id"]
    for _ in range(4):
        api.create_opening(h["liaison1"], employer)
    clients = [api.create_client(h["spec1"], interests=["café work", "cooking"])["id"] for _ in range(3)]
    factory = api.app.state.session_factory
    first = run_job(factory, as_of=AS_OF, options=JobOptions(chunk_size=2))
    with api.session() as session:
        # the first run's versions as the former code stored them: former client hashes
        for version in session.scalars(sa.select(ShortlistVersion).where(ShortlistVersion.run_id == first)):
            record = session.get(ClientRow, version.client_id).record  # type: ignore[union-attr]
            assert _former_record_hash(record) != version.client_hash  # the forms differ here
            version.client_hash = _former_record_hash(record)
        edited = session.get(ClientRow, clients[0])
        assert edited is not None
        edited.record = edited.record | {"max_commute_minutes": int(edited.record["max_commute_minutes"]) + 5}
        session.commit()
    second = run_job(factory, as_of=AS_OF, options=JobOptions(chunk_size=2))
    with api.session() as session:
        digest = session.get(RematchDigest, (second, world.users["spec1"].id))
        assert digest is not None
        changed = {c["client_id"]: c["changes"]["client_changed"] for c in digest.body["clients"]}
    assert changed == {clients[0]: True, clients[1]: False, clients[2]: False}
