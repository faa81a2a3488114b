"""Every query on the audit tables: the chain lock and head, filtered lists, the verification stream.

Functions take the caller's ``Session`` and never commit. The append-only
triggers (DDL run by the migrations) are in :mod:`api.audit.triggers`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.audit.chain import CANONS, CanonicalJSON, as_utc, canonical_json
from api.audit.models import AuditEvent, OpeningSnapshot, PoolChunk, PoolManifest, RecommendationRecord
from api.db import UTCDateTime, lock_for_write

_log = logging.getLogger(__name__)

# Any fixed 64-bit key: identifies "the audit chain" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 0x504D_4155_4449_5431
_EVENTS = AuditEvent.__table__
_RECORDS = RecommendationRecord.__table__


def lock_chain(session: Session) -> None:
    """Take the database-wide chain lock for the rest of the caller's transaction."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif dialect == "sqlite":
        # Reading the chain head without the write lock would let two writers read the
        # same head: take it first (waiting up to the lock timeout; see api.db).
        lock_for_write(connection)
    else:
        _log.warning("no chain lock for %s; relying on unique constraints", dialect)


def chain_head(session: Session) -> tuple[int, str] | None:
    """``(seq, hash)`` of the newest event, or None for an empty chain."""
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return None if head is None else (int(head.seq), str(head.hash))


def insert_events(session: Session, *, rows: list[dict[str, Any]]) -> None:
    """Insert chain events (hashed by the caller) in one executemany.

    A Core INSERT: the ORM's bulk insert splits runs of None values into separate statements.
    """
    session.execute(insert(AuditEvent.metadata.tables[AuditEvent.__tablename__]), rows)


def chain_rows(session: Session) -> Iterator[Row[Any]]:
    """Every event in seq order joined to its record (columns ``r_*``), streamed.

    JSON (and, on SQLite, timestamps) come back as the raw stored text, so that a
    tampered value that no longer parses is seen rather than raising.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"

    def raw(column: Any, label: str) -> Any:
        as_text = isinstance(column.type, CanonicalJSON) or (sqlite and isinstance(column.type, UTCDateTime))
        return (type_coerce(column, Text) if as_text else column).label(label)

    columns = [raw(c, c.name) for c in _EVENTS.c] + [raw(c, f"r_{c.name}") for c in _RECORDS.c]
    joined = _EVENTS.outerjoin(_RECORDS, _RECORDS.c.event_seq == _EVENTS.c.seq)
    stmt = select(*columns).select_from(joined).order_by(_EVENTS.c.seq)
    yield from session.execute(stmt.execution_options(yield_per=1000))


def orphan_record(session: Session) -> tuple[str, int] | None:
    """``(record id, event_seq)`` of a recommendation record whose chain event does not exist."""
    stmt = (
        select(_RECORDS.c.id, _RECORDS.c.event_seq)
        .where(_RECORDS.c.event_seq.not_in(select(_EVENTS.c.seq)))
        .order_by(_RECORDS.c.event_seq)
        .limit(1)
    )
    row = session.execute(stmt).first()
    return None if row is None else (str(row.id), int(row.event_seq))


def _page(stmt: Select[Any], limit: int | None, offset: int) -> Select[Any]:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    return stmt.limit(limit).offset(offset) if limit is not None else stmt.offset(offset)


def _window(column: Any, since: dt.datetime | None, until: dt.datetime | None) -> list[Any]:
    """``since <= at < until``; naive datetimes are taken as UTC (the column type refuses them)."""
    conditions = []
    if since is not None:
        conditions.append(column >= as_utc(since))
    if until is not None:
        conditions.append(column < as_utc(until))
    return conditions


def _event_query(
    *,
    client_id: str | None,
    opening_id: str | None,
    actor: str | None,
    kind: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Select[Any]:
    stmt = select(AuditEvent)
    for column, value in (
        (AuditEvent.client_id, client_id),
        (AuditEvent.opening_id, opening_id),
        (AuditEvent.actor, actor),
        (AuditEvent.kind, kind),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt.where(*_window(AuditEvent.at, since, until)).order_by(AuditEvent.seq)


def list_events(
    session: Session,
    *,
    client_id: str | None = None,
    opening_id: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """Chain events matching every given filter, oldest first (``limit=None``: all)."""
    stmt = _event_query(
        client_id=client_id,
        opening_id=opening_id,
        actor=actor,
        kind=kind,
        since=since,
        until=until,
    )
    return list(session.scalars(_page(stmt, limit, offset)))


def _mentions_opening(session: Session, opening_id: str) -> ColumnElement[bool]:
    """The shortlist JSON holds ``opening_id`` as a string value (not as a key).

    The shortlist column is canonical JSON, where an unescaped double quote only
    ever opens or closes a string, so ``"<id>"`` followed by ``,``, ``]`` or ``}``
    is exactly that id as a value (in a suggestion, an exclusion, or a list of ids).
    Older rows are in the older canonical form, which escapes non-ASCII ids.
    """
    tokens = sorted({canonical_json(opening_id, canon=canon) for canon in CANONS})
    find = func.strpos if session.get_bind().dialect.name == "postgresql" else func.instr
    column = RecommendationRecord.shortlist
    return or_(
        *(find(column, literal(token + end, String)) > 0 for token in tokens for end in (",", "]", "}"))
    )


def _record_query(
    session: Session,
    *,
    client_id: str | None = None,
    opening_id: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Select[Any]:
    stmt = select(RecommendationRecord)
    for column, value in (
        (RecommendationRecord.client_id, client_id),
        (RecommendationRecord.actor, actor),
        (RecommendationRecord.kind, kind),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if opening_id is not None:
        stmt = stmt.where(_mentions_opening(session, opening_id))
    return stmt.where(*_window(RecommendationRecord.at, since, until))


def list_recommendations(
    session: Session,
    *,
    limit: int | None = 100,
    offset: int = 0,
    **filters: Any,
) -> list[RecommendationRecord]:
    """Recommendation records, oldest first; ``opening_id`` matches any opening id the shortlist names.

    That is the shown openings and nearest misses (records before pools: every exclusion too).
    """
    stmt = _record_query(session, **filters).order_by(RecommendationRecord.event_seq)
    return list(session.scalars(_page(stmt, limit, offset)))


def count_recommendations(session: Session, **filters: Any) -> int:
    """How many records :func:`list_recommendations` lists with these filters."""
    query = _record_query(session, **filters).subquery()
    return int(session.scalar(select(func.count()).select_from(query)) or 0)


def count_events(session: Session, **filters: Any) -> int:
    """How many chain events :func:`list_events` lists with these filters."""
    query = _event_query(**filters).order_by(None).subquery()
    return int(session.scalar(select(func.count()).select_from(query)) or 0)


def event_facts(session: Session, seq: int) -> dict[str, Any] | None:
    """When, what and who of chain event ``seq`` as stored (raw text: it may be tampered), or None."""
    stmt = select(
        AuditEvent.seq, type_coerce(AuditEvent.at, Text).label("at"), AuditEvent.kind, AuditEvent.actor
    )
    row = session.execute(stmt.where(AuditEvent.seq == seq)).first()
    return None if row is None else {"seq": row.seq, "at": str(row.at), "kind": row.kind, "actor": row.actor}


def get_recommendation(session: Session, record_id: str) -> RecommendationRecord | None:
    """One recommendation record with its full explanation, or None."""
    return session.get(RecommendationRecord, record_id)


def has_table(session: Session, name: str) -> bool:
    """Whether table ``name`` exists (verification covers only the tables a database has)."""
    return bool(inspect(session.connection()).has_table(name))


def table_rows(session: Session, name: str, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Every row of table ``name`` as plain dicts of ``columns`` (JSON and dates as stored text)."""
    table = Table(name, MetaData(), *(Column(c, Text) for c in columns))
    stmt = select(*(type_coerce(table.c[c], Text).label(c) for c in columns))
    return [dict(row._mapping) for row in session.execute(stmt)]


def event_with_note(session: Session, note_id: str) -> AuditEvent | None:
    """The chain event whose payload refers to note ``note_id`` (canonical JSON: an exact token)."""
    token = canonical_json({"note_id": note_id})[1:-1]
    find = func.strpos if session.get_bind().dialect.name == "postgresql" else func.instr
    stmt = select(AuditEvent).where(find(AuditEvent.payload, literal(token, String)) > 0)
    return session.scalars(stmt.order_by(AuditEvent.seq).limit(1)).first()


def _raw(table: Table) -> Table:
    """``table`` with every column as TEXT: canonical texts in and out exactly as stored."""
    return Table(table.name, MetaData(), *(Column(c.name, Text) for c in table.c))


_SNAPSHOTS, _CHUNKS = (
    _raw(model.metadata.tables[model.__tablename__]) for model in (OpeningSnapshot, PoolChunk)
)
_MANIFESTS = PoolManifest.metadata.tables[PoolManifest.__tablename__]
_IN_BATCH = 500  # keys per IN (...) query
#: The pool tables by kind, and the column each keeps its canonical text in.
POOL_TABLES = {"snapshots": _SNAPSHOTS, "chunks": _CHUNKS, "manifests": _MANIFESTS}
_BODY = {"snapshots": "snapshot", "chunks": "openings", "manifests": "chunks"}


def pool_stored(session: Session, pool_hash: str) -> bool:
    """Whether the pool ``pool_hash`` is stored (reads the key only)."""
    stmt = select(_MANIFESTS.c.hash).where(_MANIFESTS.c.hash == pool_hash)
    return session.execute(stmt).first() is not None


def pool_manifest(session: Session, pool_hash: str) -> tuple[int, str] | None:
    """``(form, chunk list text)`` of a stored pool, or None."""
    chunks = type_coerce(_MANIFESTS.c.chunks, Text)
    found = session.execute(select(_MANIFESTS.c.form, chunks).where(_MANIFESTS.c.hash == pool_hash)).first()
    return None if found is None else (int(found[0]), str(found[1]))


def pool_texts(session: Session, kind: str, hashes: Collection[str]) -> dict[str, str]:
    """Stored texts of these chunks or snapshots (``kind``), by hash; missing ones are absent."""
    table = POOL_TABLES[kind]
    key, body = table.c.hash, table.c[_BODY[kind]]
    wanted, out = sorted(set(hashes)), dict[str, str]()
    for start in range(0, len(wanted), _IN_BATCH):
        stmt = select(key, body).where(key.in_(wanted[start : start + _IN_BATCH]))
        out.update((str(row[0]), str(row[1])) for row in session.execute(stmt))
    return out


def pool_keys(session: Session, kind: str, hashes: Collection[str]) -> set[str]:
    """Which of these chunks or snapshots are stored (keys only)."""
    key = POOL_TABLES[kind].c.hash
    wanted, out = sorted(set(hashes)), set[str]()
    for start in range(0, len(wanted), _IN_BATCH):
        batch = wanted[start : start + _IN_BATCH]
        out.update(str(k) for k in session.scalars(select(key).where(key.in_(batch))))
    return out


def insert_absent(session: Session, kind: str, rows: list[dict[str, Any]]) -> None:
    """Insert pool rows (texts as given) unless their key is there: ``ON CONFLICT DO NOTHING``,
    so two writers storing the same chunk or snapshot cannot collide. Sorted by key (no deadlock)."""
    if not rows:
        return
    table, dialect = POOL_TABLES[kind], session.get_bind().dialect.name
    rows = sorted(rows, key=lambda r: str(r["hash"]))
    if dialect == "postgresql":
        stmt: Any = pg_insert(table).on_conflict_do_nothing(index_elements=["hash"])
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=["hash"])
    else:
        stmt = insert(table)
    session.execute(stmt, rows)


def stream_snapshots(session: Session) -> Iterator[tuple[str, str]]:
    """Every stored opening snapshot ``(hash, text)``, streamed (verification)."""
    stmt = select(_SNAPSHOTS.c.hash, _SNAPSHOTS.c.snapshot).execution_options(yield_per=2000)
    for row in session.execute(stmt):
        yield str(row[0]), str(row[1])


def shown_opening_ids(session: Session, record_id: str) -> tuple[str, set[str]] | None:
    """``(client_id, ids of the openings shown)`` of a recommendation record, or None.

    New records keep the ids under ``shortlist["shown_opening_ids"]``; older ones are
    read from their suggestions.
    """
    found = session.execute(
        select(RecommendationRecord.client_id, RecommendationRecord.shortlist).where(
            RecommendationRecord.id == record_id
        )
    ).first()
    if found is None:
        return None
    shortlist = found.shortlist or {}
    shown = shortlist.get("shown_opening_ids")
    if shown is None:
        shown = [s.get("opening_id") for s in shortlist.get("suggestions", [])]
    return str(found.client_id), {str(i) for i in shown}
