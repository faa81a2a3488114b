"""Database base class, engine and session factory shared by every table.

Many users at once. On SQLite, reads take no lock and each sees the newest
committed data (WAL mode: readers never wait for the writer, nor it for them).
The first statement that writes (or a ``SELECT ... FOR UPDATE``, or a savepoint)
opens ``BEGIN IMMEDIATE``, waiting for the one write lock (first come first served
within a process, ``api.sqlite_lock``), which is held until commit: a write
transaction lasts from its first write to its commit, so nothing slow belongs
between the two, and routes read first and write last. :func:`lock_for_write`
takes the lock explicitly where a transaction must read under it (the audit
chain head, migrations). Reads before the first write see data as of their
statement, as under PostgreSQL's READ COMMITTED, so the same guards serve both
backends: version columns (a stale edit fails), unique constraints, row locks
(``FOR UPDATE``, which on SQLite means the write lock) and the chain lock.

``synchronous = NORMAL`` (with WAL only): the database is never corrupted and a
crash of the service loses nothing it committed, but a power cut or OS crash may
roll back the last transactions committed before it (SQLite's WAL trade-off for
not syncing on every commit). Use PostgreSQL where that matters.

PostgreSQL URLs (``postgresql://...``) are served by psycopg 3. Both backends get
a pool sized by :class:`~api.config.Settings` and bounded waits (pool timeout;
SQLite's write lock or a PostgreSQL ``lock_timeout``); :func:`is_contention`
tells such waits that ran out from other errors (the app answers them 503), and
:func:`run_write` retries a self-contained write transaction a few times.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import DateTime, Dialect, Engine, TypeDecorator, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from api import sqlite_lock

if TYPE_CHECKING:
    from api.config import Settings

_log = logging.getLogger(__name__)

T = TypeVar("T")

# Defaults of the pool settings (``Settings.db_*``): anyio runs sync routes on 40 threads,
# so 10 + 30 connections let every thread hold one without waiting on the pool.
POOL_SIZE = 10
MAX_OVERFLOW = 30
POOL_TIMEOUT_S = 10.0
LOCK_TIMEOUT_S = 10.0

# SQLITE_BUSY, SQLITE_LOCKED (primary codes; extended codes keep them in the low byte).
_SQLITE_CONTENTION = frozenset({5, 6})
# lock_not_available (lock_timeout), deadlock_detected, serialization_failure,
# too_many_connections.
_PG_CONTENTION = frozenset({"55P03", "40P01", "40001", "53300"})


class Base(DeclarativeBase):
    """Declarative base of all tables; Alembic reads ``Base.metadata``."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """The timestamp type of every table: aware UTC in, aware UTC out, on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones and stores the UTC
    time as naive text (``2026-03-02 09:30:00.000000``). A naive value is refused
    on write (it would be ambiguous); queries that accept naive input convert it first.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` / ``postgres://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    """True when the engine or URL points at SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def _create_private(path: Path) -> None:
    """Create a new SQLite file owner-only (0600); SQLite gives its -wal and -shm files its mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(
    url: str,
    *,
    pool_size: int = POOL_SIZE,
    max_overflow: int = MAX_OVERFLOW,
    pool_timeout: float = POOL_TIMEOUT_S,
    lock_timeout: float = LOCK_TIMEOUT_S,
    **kwargs: Any,
) -> Engine:
    """Create an engine with a sized pool and bounded lock waits (module doc)."""
    url = normalize_url(url)
    # A database error's message would quote its parameters (a client's profile, say) into
    # the logs and tracebacks: SQLAlchemy leaves them out.
    kwargs.setdefault("hide_parameters", True)
    pool: dict[str, Any] = {
        "pool_size": pool_size,
        "max_overflow": max_overflow,
        "pool_timeout": pool_timeout,
    }
    if not is_sqlite(url):
        engine = create_engine(url, pool_pre_ping=True, **(pool | kwargs))
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", partial(_postgres_on_connect, lock_timeout=lock_timeout))
        return engine
    database = make_url(url).database
    in_file = bool(database) and database != ":memory:" and not str(database).startswith("file:")
    if in_file:
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
        _create_private(Path(str(database)))
    else:
        pool = {}  # in-memory databases keep SQLAlchemy's single-connection pools
    connect_args = {
        "check_same_thread": False,
        "timeout": lock_timeout,
        "factory": sqlite_lock.GatedConnection,
    }
    engine = create_engine(url, connect_args=connect_args, **(pool | kwargs))
    gate = sqlite_lock.WriteGate()  # one per engine: the writers of this process
    event.listen(engine, "connect", partial(sqlite_lock.on_connect, gate=gate, lock_timeout=lock_timeout))
    event.listen(engine, "before_cursor_execute", sqlite_lock.before_cursor_execute)
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    """The service's engine: ``settings.sqlalchemy_url`` with the pool and lock settings."""
    return make_engine(
        settings.sqlalchemy_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        lock_timeout=settings.db_lock_timeout,
    )


def _postgres_on_connect(dbapi_connection: Any, _rec: object, *, lock_timeout: float) -> None:
    # Row, advisory and table lock waits end with lock_not_available (55P03) instead of hanging.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", (f"{int(lock_timeout * 1000)}ms",))
    dbapi_connection.commit()


def lock_for_write(connection: Connection, *, timeout: float | None = None) -> None:
    """Hold the write lock from now to the end of ``connection``'s transaction (SQLite).

    For a read that a write depends on, such as the audit chain head. Waits up to
    ``timeout`` seconds (default: the engine's lock timeout). On other backends
    this does nothing: they lock rows or advisory keys instead.
    """
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    try:
        sqlite_lock.begin_immediate(driver, timeout=timeout)
    except sqlite3.Error as exc:  # raised as SQLAlchemy raises what it runs itself
        raise sa_exc.OperationalError("BEGIN IMMEDIATE", None, exc) from exc


def is_contention(exc: BaseException) -> bool:
    """True for a lock or pool wait that ran out (a retry later can succeed)."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection within pool_timeout
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_CONTENTION
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate in _PG_CONTENTION
    return "database is locked" in str(orig)


def run_write(session: Session, work: Callable[[Session], T], *, attempts: int = 3) -> T:
    """Run ``work(session)`` and commit; on contention roll back and run it again.

    Safe only for a self-contained write transaction: ``work`` makes every change
    itself, and a failed attempt commits nothing. After ``attempts`` the last
    contention error propagates (the app answers 503).
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work(session)
            session.commit()
            return result
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            session.rollback()
            if attempt == attempts or not is_contention(exc):
                raise
            _log.info("write attempt %d of %d met contention (%s); retrying", attempt, attempts, exc)
            time.sleep(random.uniform(0.05, 0.2) * attempt)  # jitter: retries do not collide
    raise AssertionError("unreachable")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory used by the app, the CLI and tests."""
    return sessionmaker(bind=engine, expire_on_commit=False)
