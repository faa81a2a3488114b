"""Pools stored whole before revision 0006 are split by content and their records still verify.

A database at 0005_incindex gets a recommendation record referencing a pool stored the
way 0005 stored it (one ``opening_pools`` row: the RFC 8785 array of the openings, keyed
by its SHA-256). After ``upgrade head`` the chain verifies, the pool reads back as it
was, a newer pool that shares openings stores each shared opening once, and tampering
with a migrated opening is found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import migrate
from api.audit import drop_triggers, record_recommendation, verify_chain, write
from api.audit.models import OpeningSnapshot, PoolManifest
from api.audit.pools import FORM_OPENINGS, PoolVersion, load_pool
from api.db import make_engine
from matcher.canonical import canonical_text, sha256_hex
from tests.api.conftest import fresh_database

CLIENT = {"id": "c-1", "capacity": {"pace": 5.0}, "wage_floor": 15.0}
OPENINGS = [
    {"id": f"op-{i}", "employer": "Café Müller", "title": f"Barista {i}", "hourly_wage": 16.0 + i / 4}
    for i in range(600)  # several chunks
]
SHORTLIST = {"client_id": "c-1", "suggestions": [{"opening_id": "op-1", "rank": 1, "score": 1.0}]}


def _record(session: Session, pool: PoolVersion) -> str:
    record = record_recommendation(
        session,
        actor="spec-1",
        client_snapshot=CLIENT,
        opening_snapshots=[],
        shortlist=SHORTLIST,
        engine_version="1.0.0",
        config_hash="c0ffee",
        pool=pool,
    )
    return record.id


def _store_as_0005(session: Session, pool: PoolVersion, *, at: Any) -> bool:
    """What 0005 stored: the whole pool as one text under the hash of that text."""
    session.execute(
        sa.text("INSERT INTO opening_pools (hash, at, n_openings, openings) VALUES (:h, :at, :n, :t)"),
        {"h": pool.hash, "at": at, "n": len(pool.snapshots), "t": canonical_text(list(pool.snapshots))},
    )
    return True


def test_pools_stored_before_0006_are_split_and_their_records_still_verify(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "0005_incindex")
        former = PoolVersion(opening_hashes=[], snapshots=OPENINGS, chunks=[], hash=sha256_hex(OPENINGS))
        # Today's model writes a salt column and an event request id that 0005 does not have (0007
        # and 0010 add them): they are there only while the record of the old form is written.
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE recommendation_records ADD COLUMN salt VARCHAR(32)"))
            conn.execute(sa.text("ALTER TABLE audit_events ADD COLUMN request_id VARCHAR(64)"))
        with Session(engine) as session, monkeypatch.context() as patch:
            patch.setattr(write, "save_pool", _store_as_0005)
            patch.setattr(write, "new_salt", lambda: None)
            old_id = _record(session, former)
            session.commit()
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE recommendation_records DROP COLUMN salt"))
            conn.execute(sa.text("ALTER TABLE audit_events DROP COLUMN request_id"))
        migrate.upgrade(engine)
        with Session(engine) as session:
            result = verify_chain(session)
            assert result.ok, result.message
            manifest = session.get(PoolManifest, former.hash)
            assert manifest is not None and manifest.form == FORM_OPENINGS and len(manifest.chunks) > 1
            assert load_pool(session, former.hash) == OPENINGS
            # a newer pool: one opening edited, one closed; the others are stored once
            newer = PoolVersion.of([{**OPENINGS[0], "hourly_wage": 30.0}, *OPENINGS[2:]])
            _record(session, newer)
            session.commit()
            assert (
                session.scalar(sa.select(sa.func.count()).select_from(OpeningSnapshot)) == len(OPENINGS) + 1
            )
            assert load_pool(session, newer.hash) == list(newer.snapshots)
            result = verify_chain(session)
            assert result.ok and result.n_events == 2, result.message
            assert old_id
        key = sha256_hex(OPENINGS[5])
        with engine.begin() as conn:
            drop_triggers(conn)
            conn.execute(
                sa.text("UPDATE opening_snapshots SET snapshot = :t WHERE hash = :h"),
                {"t": canonical_text({**OPENINGS[5], "title": "Baker"}), "h": key},
            )
        with Session(engine) as session:
            result = verify_chain(session)
            assert not result.ok and result.first_broken_seq == 1 and former.hash in result.message
        engine.dispose()
