"""Write the audit trail: append events and seal recommendation records into the chain.

Appends are serialised (PostgreSQL advisory lock, SQLite write lock) and
``prev_hash`` is unique, so concurrent writers can never fork the chain. All
functions take the caller's ``Session``; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from api import request_id
from api.audit import store
from api.audit.chain import (
    CANON,
    GENESIS_HASH,
    RECOMMENDATION_KIND,
    event_hash,
    inputs_hash,
    normalize_json,
    pooled_inputs_hash,
    record_hash,
)
from api.audit.models import ID_LENGTH, AuditEvent, RecommendationRecord
from api.audit.pools import PoolVersion, save_pool

_log = logging.getLogger(__name__)

RECORD_KINDS = ("interactive", "rematch")


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
    flush: bool = True,
) -> AuditEvent:
    store.lock_chain(session)
    head = store.chain_head(session)
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head[0] + 1, head[1])
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "kind": kind,
        "client_id": client_id,
        "opening_id": opening_id,
        "payload": payload,
        "prev_hash": prev_hash,
        "canon": CANON,
        "request_id": request_id.current(),
    }
    event = AuditEvent(**fields, hash=event_hash(**fields))
    session.add(event)
    if flush:
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
    store.lock_chain(session)
    head = store.chain_head(session)
    seq, prev_hash = (0, GENESIS_HASH) if head is None else head
    rows = []
    common: dict[str, Any] = {"at": at, "canon": CANON, "request_id": request_id.current()}
    for fields in checked:
        seq += 1
        row = {**fields, **common, "seq": seq, "prev_hash": prev_hash}
        prev_hash = row["hash"] = event_hash(**row)
        rows.append(row)
    store.insert_events(session, rows=rows)
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
    pool: PoolVersion | None = None,
) -> RecommendationRecord:
    """Store a recommendation record and seal it with a ``recommendation`` chain event.

    With ``pool`` the record references that pool version by its hash (stored here,
    only what is new, if absent: :mod:`api.audit.pools`) and keeps no openings of its
    own (``opening_snapshots`` is ignored); the record's inputs hash and the seal then
    cover the pool hash.
    """
    _check_text("actor", actor, required=True)
    if kind not in RECORD_KINDS:
        raise ValueError(f"kind must be one of {RECORD_KINDS}, got {kind!r}")
    for field, value in (("engine_version", engine_version), ("config_hash", config_hash)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{field} must be a non-empty string, got {value!r}")
    if not isinstance(client_snapshot, dict):
        raise ValueError("client_snapshot must be a JSON object")
    _check_text("client_snapshot.id", client_snapshot.get("id"), required=True)
    if pool is not None:
        opening_snapshots = []
    if not isinstance(opening_snapshots, list) or not all(isinstance(o, dict) for o in opening_snapshots):
        raise ValueError("opening_snapshots must be a list of JSON objects")
    if not isinstance(shortlist, dict):
        raise ValueError("shortlist must be a JSON object")
    at = dt.datetime.now(dt.UTC)
    pool_hash = None
    if pool is not None:
        pool_hash = pool.hash
        _check_text("pool.hash", pool_hash, required=True)
    # Everything the record needs is built and hashed before the write lock: under it come only
    # the pool check and the seal (the chain head, two inserts), so other writers wait less.
    record = RecommendationRecord(
        id=str(uuid.uuid4()),
        at=at,
        actor=actor,
        kind=kind,
        client_id=client_snapshot["id"],
        client_snapshot=normalize_json(client_snapshot, field="client_snapshot"),
        opening_snapshots=normalize_json(opening_snapshots, field="opening_snapshots"),
        engine_version=engine_version,
        config_hash=config_hash,
        shortlist=normalize_json(shortlist, field="shortlist"),
        pool_hash=pool_hash,
        salt=new_salt(),
    )
    if pool_hash is None:
        record.inputs_hash = inputs_hash(
            record.client_snapshot, record.opening_snapshots, canon=CANON, salt=record.salt
        )
    else:
        record.inputs_hash = pooled_inputs_hash(
            record.client_snapshot, pool_hash, canon=CANON, salt=record.salt
        )
    payload = _seal(record)
    if pool is not None:
        store.lock_chain(session)  # taken by the seal below anyway: pools are stored one writer at a time
        save_pool(session, pool, at=at)
    event = _append(
        session,
        at=record.at,
        kind=RECOMMENDATION_KIND,
        actor=actor,
        client_id=record.client_id,
        opening_id=None,
        payload=payload,
        flush=False,  # one flush for both: the unit of work inserts the event first (foreign key)
    )
    record.event_seq = event.seq
    session.add(record)
    session.flush()
    return record


def new_salt() -> str | None:
    """A record's random salt (128 bits, hex): inside its hashes, shown to no one."""
    return secrets.token_hex(16)


def _seal(record: RecommendationRecord) -> dict[str, Any]:
    """Payload of the chain event that seals ``record``."""
    return {
        "record_id": record.id,
        "record_hash": record_content_hash(record, canon=CANON),
        "record_kind": record.kind,
        "inputs_hash": record.inputs_hash,
        "engine_version": record.engine_version,
        "config_hash": record.config_hash,
        **({"pool_hash": record.pool_hash} if record.pool_hash is not None else {}),
    }


def record_content_hash(record: RecommendationRecord, *, canon: int) -> str:
    """Content hash of a stored (or about to be stored) recommendation record, in form ``canon``."""
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
        canon=canon,
        pool_hash=record.pool_hash,
        salt=record.salt,
    )
