"""Canonical JSON, hashes and the JSON column type of the audit trail (no database access here).

Every hash in the trail is the SHA-256 of a *canonical* JSON text: keys sorted,
no whitespace, ASCII only, no NaN/Infinity. The same data therefore always gives
the same hash, whatever the key order of the dicts it was built from, and the
JSON stored in the database is exactly the text that was hashed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

#: ``prev_hash`` of the first event of a chain.
GENESIS_HASH = "0" * 64
#: Event kind of the chain event that seals a recommendation record.
RECOMMENDATION_KIND = "recommendation"

_UTC = dt.UTC


def canonical_json(value: Any, *, field: str = "value") -> str:
    """Serialise ``value`` to canonical JSON; raise ValueError naming ``field`` if it cannot be."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field} is not plain JSON data: {exc}") from exc


def normalize_json(value: Any, *, field: str = "value") -> Any:
    """Return ``value`` as it reads back from the database (tuples become lists, keys strings).

    Hashing the normalised value makes the hash reproducible from the stored text:
    ``canonical_json(normalize_json(v)) == canonical_json(json.loads(stored))``.
    """
    once = json.loads(canonical_json(value, field=field))
    return json.loads(canonical_json(once, field=field))


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def as_utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC datetime; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=_UTC)
    return value.astimezone(_UTC)


def utc_text(value: dt.datetime) -> str:
    """Fixed-width UTC timestamp used inside hashes, e.g. ``2025-03-01T09:30:00.000000Z``."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor: str | None,
    kind: str,
    client_id: str | None,
    opening_id: str | None,
    payload: Any,
    prev_hash: str,
) -> str:
    """Hash of one chain event; it covers the previous event's hash, which forms the chain."""
    body = {
        "seq": seq,
        "at": utc_text(at),
        "actor": actor,
        "kind": kind,
        "client_id": client_id,
        "opening_id": opening_id,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return sha256_hex(canonical_json(body, field="event"))


def inputs_hash(client_snapshot: Any, opening_snapshots: Any) -> str:
    """Hash of the exact engine inputs: the client snapshot and the opening snapshots in order."""
    body = {"client": client_snapshot, "openings": opening_snapshots}
    return sha256_hex(canonical_json(body, field="inputs"))


def record_hash(
    *,
    record_id: str,
    at: dt.datetime,
    actor: str,
    kind: str,
    client_id: str,
    inputs_hash: str,
    client_snapshot: Any,
    opening_snapshots: Any,
    engine_version: str,
    config_hash: str,
    shortlist: Any,
) -> str:
    """Hash of a recommendation record's whole content (sealed into its chain event)."""
    body = {
        "id": record_id,
        "at": utc_text(at),
        "actor": actor,
        "kind": kind,
        "client_id": client_id,
        "inputs_hash": inputs_hash,
        "client_snapshot": client_snapshot,
        "opening_snapshots": opening_snapshots,
        "engine_version": engine_version,
        "config_hash": config_hash,
        "shortlist": shortlist,
    }
    return sha256_hex(canonical_json(body, field="recommendation record"))


class CanonicalJSON(TypeDecorator[Any]):
    """JSON stored as canonical text (TEXT column): what is stored is exactly what was hashed."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else canonical_json(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)
