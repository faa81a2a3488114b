"""Databases for the HTTP benchmark: a fresh SQLite file or PostgreSQL schema, filled fast.

Openings, employers and clients come from ``matcher.demo.generate`` and are inserted in
bulk through SQLAlchemy (not through HTTP), each arrival with the audit event the
service writes for it, appended with the service's own ``log_event``, so the chain
verifies: ``user.created`` (as the CLI writes it), ``employer.created``, one
``openings.imported`` per 5,000 openings (as the CSV import endpoint writes it; imported
rows arrive open), ``opening.status`` for each generated opening that is filled or
closed, and ``client.created``. Users get cheap argon2 hashes: logging in is not measured.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api import migrate, security, store
from api.audit import append_events, verify_chain
from api.db import make_engine, make_session_factory
from api.dedupe import DuplicateIndex, posting
from api.events import log_event
from api.models import Client, Employer, EmployerLiaison, Opening, Role, User, utcnow
from api.schemas import UserCreate
from api.store.common import bump_counter
from api.store.employers import OPENINGS_COUNTER
from matcher import demo
from matcher.records import client_to_record, load_clients, load_openings, opening_to_record

_log = logging.getLogger(__name__)

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
IMPORT_BATCH = 5000  # rows per CSV import (within the upload limits: 5 MB)
SPECIALIST, LIAISON = "bench-specialist", "bench-liaison"


@dataclass(frozen=True)
class Database:
    """Where one benchmark database lives; ``url`` is what the service is given."""

    backend: str
    url: str
    path: Path | None = None  # the SQLite file
    schema: str | None = None  # the PostgreSQL schema


@dataclass
class Prepared:
    """What was loaded, the logins, and ids the requests use."""

    n_openings: int
    n_open: int
    n_clients: int
    n_employers: int
    password: str
    client_ids: list[str]
    employer_ids: list[str]  # employers whose openings are listed in the load test
    edit_ids: list[str]  # open openings that an edit does not make near-duplicates
    seconds: dict[str, float] = field(default_factory=dict)
    n_events: int = 0


def postgres_available(url: str) -> str | None:
    """None when PostgreSQL at ``url`` answers, else the reason it does not."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except Exception as exc:  # any failure means "not available here"
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


@contextmanager
def fresh_database(backend: str, directory: Path, *, pg_url: str = PG_DEFAULT) -> Iterator[Database]:
    """An empty database, removed afterwards: a new SQLite file or a new PostgreSQL schema."""
    if backend == "sqlite":
        path = directory / f"bench-{uuid.uuid4().hex[:8]}.db"
        try:
            yield Database("sqlite", f"sqlite:///{path}", path=path)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = f"httpbench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield Database("postgresql", url.render_as_string(hide_password=False), schema=schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_bytes(db: Database, engine: Engine, *, checkpoint: bool = True) -> int:
    """Bytes the database takes now: the SQLite file plus its WAL (after a checkpoint, so
    the WAL is empty when nothing reads); the schema's PostgreSQL tables with their TOAST
    and indexes (``pg_total_relation_size``)."""
    if db.backend == "sqlite":
        assert db.path is not None
        if checkpoint:
            raw = sqlite3.connect(db.path, isolation_level=None, timeout=30)
            try:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        wal = Path(f"{db.path}-wal")
        return db.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    query = text(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relkind = 'r'"
    )
    with engine.connect() as conn:
        return int(conn.execute(query, {"schema": db.schema}).scalar_one())


def chain_check(db: Database) -> dict[str, Any]:
    """Verify the audit chain of ``db`` (every event and recommendation record)."""
    engine = make_engine(db.url)
    t0 = time.perf_counter()
    try:
        with Session(engine) as session:
            result = verify_chain(session)
    finally:
        engine.dispose()
    return {
        "ok": result.ok,
        "n_events": result.n_events,
        "message": result.message,
        "seconds": round(time.perf_counter() - t0, 2),
    }


def generated(
    seed: int, *, n_openings: int, n_clients: int, metros: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Normalised engine records of generated openings and clients (as the service stores them)."""
    raw_clients, raw_openings = demo.generate(seed, n_clients=n_clients, n_openings=n_openings, metros=metros)
    openings, bad_openings = load_openings(raw_openings)
    clients, bad_clients = load_clients(raw_clients)
    if bad_openings or bad_clients:
        _log.warning("%d generated records failed validation", len(bad_openings) + len(bad_clients))
    return [opening_to_record(o) for o in openings], [client_to_record(c) for c in clients]


def prepare(
    db: Database, *, n_openings: int, n_clients: int, seed: int, metros: int, n_edits: int
) -> Prepared:
    """Migrate ``db`` and load users, employers, openings and clients with their events."""
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    openings, clients = generated(seed, n_openings=n_openings, n_clients=n_clients, metros=metros)
    seconds["generate"] = time.perf_counter() - t0
    engine = make_engine(db.url)
    try:
        t0 = time.perf_counter()
        migrate.upgrade(engine)
        seconds["migrate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        prepared = _load(make_session_factory(engine), openings, clients, n_edits=n_edits)
        seconds["insert"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with Session(engine) as session:
            result = verify_chain(session)
        seconds["verify_chain"] = time.perf_counter() - t0
    finally:
        engine.dispose()
    if not result.ok:
        raise RuntimeError(f"prepared database has a broken audit chain: {result.message}")
    prepared.seconds, prepared.n_events = seconds, result.n_events
    _log.info("prepared %s: %d openings, %d clients in %s", db.backend, n_openings, n_clients, seconds)
    return prepared


def _load(
    factory: Any, openings: list[dict[str, Any]], clients: list[dict[str, Any]], *, n_edits: int
) -> Prepared:
    password = secrets.token_urlsafe(16)
    security.configure(time_cost=1, memory_kib=1024, parallelism=1)
    with factory() as session:
        specialist = _user(session, SPECIALIST, Role.SPECIALIST, password)
        liaison = _user(session, LIAISON, Role.LIAISON, password)
        employers = _employers(session, openings, liaison)
        session.commit()
    for start in range(0, len(openings), IMPORT_BATCH):
        with factory() as session:
            _import_batch(session, openings[start : start + IMPORT_BATCH], employers, liaison)
            session.commit()
    with factory() as session:
        _clients(session, clients, specialist)
        session.commit()
    counts = Counter(o["employer"] for o in openings)
    # The load test lists a few mid-sized employers' openings (a liaison's page).
    listed = sorted(counts, key=lambda name: (abs(counts[name] - 50), name))[:10]
    return Prepared(
        n_openings=len(openings),
        n_open=sum(o["status"] == "open" for o in openings),
        n_clients=len(clients),
        n_employers=len(employers),
        password=password,
        client_ids=[c["id"] for c in clients],
        employer_ids=[employers[name] for name in listed],
        edit_ids=_editable(openings, n_edits),
    )


def _user(session: Session, username: str, role: Role, password: str) -> User:
    user_create = UserCreate(username=username, password=password, role=role, full_name=username)
    user = security.create_user(session, user_create=user_create)
    log_event(session, kind="user.created", user=None, user_id=user.id, role=user.role, via="cli")
    return user


def _employers(session: Session, openings: list[dict[str, Any]], liaison: User) -> dict[str, str]:
    """Employer name -> id; each created as a liaison creates one (and managed by them)."""
    ids: dict[str, str] = {}
    for record in openings:
        if record["employer"] in ids:
            continue
        employer = Employer(id=store.new_id("E"), name=record["employer"], industry=record["industry"])
        session.add(employer)
        session.add(EmployerLiaison(employer_id=employer.id, user_id=liaison.id))
        session.flush()
        log_event(session, kind="employer.created", user=liaison, employer_id=employer.id)
        ids[record["employer"]] = employer.id
    return ids


def _import_batch(
    session: Session, batch: list[dict[str, Any]], employers: dict[str, str], liaison: User
) -> None:
    now = utcnow()
    rows = [
        {
            "id": record["id"],
            "employer_id": employers[record["employer"]],
            "title": record["title"],
            "status": record["status"],
            "expires": dt.date.fromisoformat(record["expires"]) if record["expires"] else None,
            "version": 1,
            "record": record,
            "created_by": liaison.id,
            "created_at": now,
            "updated_at": now,
        }
        for record in batch
    ]
    session.execute(insert(Opening), rows)
    bump_counter(session, name=OPENINGS_COUNTER)
    created = [record["id"] for record in batch]
    # As the import endpoint writes them: one event per opening, then the summary.
    events = [{"kind": "opening.created", "opening_id": i, "payload": {"via": "import"}} for i in created]
    append_events(session, actor=liaison.username, events=events)
    log_event(session, kind="openings.imported", user=liaison, created=created, n_errors=0, n_duplicates=0)
    for record in batch:
        if record["status"] != "open":
            log_event(
                session,
                kind="opening.status",
                user=liaison,
                opening_id=record["id"],
                previous="open",
                status=record["status"],
            )


def _clients(session: Session, clients: list[dict[str, Any]], specialist: User) -> None:
    for record in clients:
        session.add(
            Client(id=record["id"], specialist_id=specialist.id, label=f"Bench {record['id']}", record=record)
        )
        session.flush()
        log_event(session, kind="client.created", user=specialist, client_id=record["id"])


def _editable(openings: list[dict[str, Any]], n: int) -> list[str]:
    """Open, unexpired, on-site openings that no other open opening of their employer
    near-duplicates (so a PUT of them is not refused with 409), from the smallest employers."""
    by_employer: dict[str, list[dict[str, Any]]] = {}
    for record in openings:
        if record["status"] == "open":
            by_employer.setdefault(record["employer"], []).append(record)
    picked: list[str] = []
    for records in sorted(by_employer.values(), key=len):
        for record in filter(_stays_open, records):
            index = DuplicateIndex()
            for other in records:
                if other["id"] != record["id"]:
                    index.add(record["employer"], posting(other["id"], other))
            if index.find(record["employer"], posting(record["id"], record)) is None:
                picked.append(record["id"])
                break
        if len(picked) >= n:
            break
    return picked


def find_duplicate(record: dict[str, Any], others: Any) -> str | None:
    """Key of the first of ``others`` (key, record) that ``record`` near-duplicates (api.dedupe's rule)."""
    index = DuplicateIndex()
    for key, other in others:
        index.add("employer", posting(key, other))
    return index.find("employer", posting(record["id"], record))


def _stays_open(record: dict[str, Any]) -> bool:
    expires = record.get("expires")
    return not record.get("remote") and (not expires or dt.date.fromisoformat(expires) > demo.DEMO_AS_OF)
