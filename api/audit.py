"""Append-only, tamper-evident audit trail: write events and recommendation records, read them.

Every event's hash covers the previous event's hash (a hash chain); every
recommendation record is sealed by a chain event holding the record's content
hash. Appends are serialised (PostgreSQL advisory lock, SQLite write lock) and
``prev_hash`` is unique, so concurrent writers can never fork the chain. All
functions take the caller's ``Session``; the caller commits.

Public names: :class:`AuditEvent`, :class:`RecommendationRecord`, :func:`append_event`,
:func:`record_recommendation`, :func:`install_triggers`, :func:`drop_triggers`,
:func:`verify_chain` / :class:`VerifyResult`, :func:`list_events`,
:func:`list_recommendations`, :func:`get_recommendation`, :func:`export_events_csv`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from api.audit_chain import (
    GENESIS_HASH,
    RECOMMENDATION_KIND,
    event_hash,
    inputs_hash,
    normalize_json,
    record_hash,
)
from api.audit_models import ID_LENGTH, AuditEvent, RecommendationRecord
from api.audit_query import (
    export_events_csv,
    get_recommendation,
    list_events,
    list_recommendations,
)
from api.audit_triggers import drop_triggers, install_triggers
from api.audit_verify import VerifyResult, verify_chain

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "RecommendationRecord",
    "VerifyResult",
    "append_event",
    "append_events",
    "drop_triggers",
    "export_events_csv",
    "get_recommendation",
    "install_triggers",
    "list_events",
    "list_recommendations",
    "record_recommendation",
    "verify_chain",
]

_log = logging.getLogger(__name__)

RECORD_KINDS = ("interactive", "rematch")
# Any fixed 64-bit key: identifies "the audit chain" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 0x504D_4155_4449_5431


def _lock_chain(session: Session) -> None:
    """Take the database-wide chain lock for the rest of the caller's transaction."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif dialect == "sqlite":
        # pysqlite opens its transaction lazily with a plain (deferred) BEGIN before the
        # first write. Reading the chain head under a deferred transaction would let two
        # writers read the same head; BEGIN IMMEDIATE takes the write lock first (waiting
        # up to the connection's busy timeout). If the caller's transaction has already
        # written, it holds that lock.
        driver = connection.connection.driver_connection
        if driver is not None and not getattr(driver, "in_transaction", True):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        _log.warning("no chain lock for %s; relying on unique constraints", dialect)


def _check_text(field: str, value: object, *, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string, got {value!r}")
    if len(value) > ID_LENGTH:
        raise ValueError(f"{field} must be at most {ID_LENGTH} characters")


def _append(
    session: Session,
    *,
    at: dt.datetime,
    kind: str,
    actor: str | None,
    client_id: str | None,
    opening_id: str | None,
    payload: dict[str, Any],
) -> AuditEvent:
    _lock_chain(session)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head.seq + 1, head.hash)
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "kind": kind,
        "client_id": client_id,
        "opening_id": opening_id,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    event = AuditEvent(**fields, hash=event_hash(**fields))
    session.add(event)
    session.flush()
    _log.debug("audit event %d %s by %s", seq, kind, actor)
    return event


def append_event(
    session: Session,
    *,
    kind: str,
    actor: str | None,
    client_id: str | None = None,
    opening_id: str | None = None,
    payload: dict[str, Any],
) -> AuditEvent:
    """Append one event to the chain (flushed, not committed) and return it."""
    fields = _checked(kind=kind, actor=actor, client_id=client_id, opening_id=opening_id, payload=payload)
    return _append(session, at=dt.datetime.now(dt.UTC), **fields)


def _checked(
    *, kind: str, actor: str | None, client_id: str | None, opening_id: str | None, payload: Any
) -> dict[str, Any]:
    _check_text("kind", kind, required=True)
    if len(kind) > 64:
        raise ValueError("kind must be at most 64 characters")
    for field, value in (("actor", actor), ("client_id", client_id), ("opening_id", opening_id)):
        _check_text(field, value, required=False)
    if not isinstance(payload, dict):
        raise ValueError(f"payload must be a JSON object, got {type(payload).__name__}")
    payload = normalize_json(payload, field="payload")
    return {
        "kind": kind,
        "actor": actor,
        "client_id": client_id,
        "opening_id": opening_id,
        "payload": payload,
    }


def append_events(session: Session, *, actor: str | None, events: Sequence[Mapping[str, Any]]) -> None:
    """Append many events by one actor, in order, with one chain-head read and one batched INSERT.

    Each of ``events`` has ``kind`` and ``payload`` and may have ``client_id`` and
    ``opening_id``; all get the same timestamp. Flushed, not committed.
    """
    at = dt.datetime.now(dt.UTC)
    checked = [
        _checked(
            kind=e["kind"],
            actor=actor,
            client_id=e.get("client_id"),
            opening_id=e.get("opening_id"),
            payload=e["payload"],
        )
        for e in events
    ]
    if not checked:
        return
    _lock_chain(session)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (0, GENESIS_HASH) if head is None else (head.seq, head.hash)
    rows = []
    for fields in checked:
        seq += 1
        row = {**fields, "seq": seq, "at": at, "prev_hash": prev_hash}
        prev_hash = row["hash"] = event_hash(**row)
        rows.append(row)
    # A Core INSERT: one executemany (the ORM's bulk insert splits runs of None values).
    session.execute(insert(AuditEvent.metadata.tables[AuditEvent.__tablename__]), rows)
    session.flush()
    _log.debug("audit events %d-%d by %s", rows[0]["seq"], seq, actor)


def record_recommendation(
    session: Session,
    *,
    actor: str,
    client_snapshot: dict[str, Any],
    opening_snapshots: list[dict[str, Any]],
    shortlist: dict[str, Any],
    engine_version: str,
    config_hash: str,
    kind: str = "interactive",
) -> RecommendationRecord:
    """Store a recommendation record and seal it with a ``recommendation`` chain event."""
    _check_text("actor", actor, required=True)
    if kind not in RECORD_KINDS:
        raise ValueError(f"kind must be one of {RECORD_KINDS}, got {kind!r}")
    for field, value in (("engine_version", engine_version), ("config_hash", config_hash)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{field} must be a non-empty string, got {value!r}")
    if not isinstance(client_snapshot, dict):
        raise ValueError("client_snapshot must be a JSON object")
    _check_text("client_snapshot.id", client_snapshot.get("id"), required=True)
    if not isinstance(opening_snapshots, list) or not all(isinstance(o, dict) for o in opening_snapshots):
        raise ValueError("opening_snapshots must be a list of JSON objects")
    if not isinstance(shortlist, dict):
        raise ValueError("shortlist must be a JSON object")
    record = RecommendationRecord(
        id=str(uuid.uuid4()),
        at=dt.datetime.now(dt.UTC),
        actor=actor,
        kind=kind,
        client_id=client_snapshot["id"],
        client_snapshot=normalize_json(client_snapshot, field="client_snapshot"),
        opening_snapshots=normalize_json(opening_snapshots, field="opening_snapshots"),
        engine_version=engine_version,
        config_hash=config_hash,
        shortlist=normalize_json(shortlist, field="shortlist"),
    )
    record.inputs_hash = inputs_hash(record.client_snapshot, record.opening_snapshots)
    event = _append(
        session,
        at=record.at,
        kind=RECOMMENDATION_KIND,
        actor=actor,
        client_id=record.client_id,
        opening_id=None,
        payload=_seal(record),
    )
    record.event_seq = event.seq
    session.add(record)
    session.flush()
    return record


def _seal(record: RecommendationRecord) -> dict[str, Any]:
    """Payload of the chain event that seals ``record``."""
    return {
        "record_id": record.id,
        "record_hash": record_content_hash(record),
        "record_kind": record.kind,
        "inputs_hash": record.inputs_hash,
        "engine_version": record.engine_version,
        "config_hash": record.config_hash,
    }


def record_content_hash(record: RecommendationRecord) -> str:
    """Content hash of a stored (or about to be stored) recommendation record."""
    return record_hash(
        record_id=record.id,
        at=record.at,
        actor=record.actor,
        kind=record.kind,
        client_id=record.client_id,
        inputs_hash=record.inputs_hash,
        client_snapshot=record.client_snapshot,
        opening_snapshots=record.opening_snapshots,
        engine_version=record.engine_version,
        config_hash=record.config_hash,
        shortlist=record.shortlist,
    )
