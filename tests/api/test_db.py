"""The engine (api.db, api.sqlite_lock): reads take no lock, writes queue and never leak the lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from api import migrate
from api.db import is_contention, make_engine, run_write
from api.sqlite_lock import WriteGate
from tests.api.conftest import fresh_database

ITEMS = Table(
    "items",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(40), unique=True, nullable=False),
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """An SQLite file engine whose writers give up after 0.3 s."""
    engine = make_engine(f"sqlite:///{tmp_path / 'items.db'}", lock_timeout=0.3)
    ITEMS.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _add(engine: Engine, name: str) -> None:
    with Session(engine) as session:
        session.execute(insert(ITEMS).values(name=name))
        session.commit()


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ITEMS)) or 0)


def test_sqlite_runs_in_wal_mode_with_normal_sync_and_the_busy_timeout(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert 0 < conn.exec_driver_sql("PRAGMA busy_timeout").scalar() <= 300  # ms left of 0.3 s
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_an_open_reading_session_does_not_hold_up_a_writer(engine: Engine) -> None:
    _add(engine, "first")
    with Session(engine) as reader:
        assert reader.scalar(select(func.count()).select_from(ITEMS)) == 1  # its transaction stays open
        _add(engine, "second")  # would wait 0.3 s and fail if the reader held the write lock
        assert reader.scalar(select(func.count()).select_from(ITEMS)) == 2  # it sees committed data
    assert _count(engine) == 2


def test_select_for_update_holds_the_write_lock_until_the_transaction_ends(engine: Engine) -> None:
    _add(engine, "row")
    with Session(engine) as locker:
        locker.execute(select(ITEMS).with_for_update())
        with pytest.raises(sa_exc.OperationalError) as info:
            _add(engine, "blocked")
        assert is_contention(info.value)
        locker.rollback()
    _add(engine, "after")
    assert _count(engine) == 2


def test_the_write_lock_comes_back_however_a_transaction_ends(engine: Engine) -> None:
    with Session(engine) as session:  # rolled back
        session.execute(insert(ITEMS).values(name="rolled back"))
        session.rollback()
    with Session(engine) as session:  # closed without commit: the pool rolls it back
        session.execute(insert(ITEMS).values(name="abandoned"))
    _add(engine, "kept")
    with Session(engine) as session, pytest.raises(sa_exc.IntegrityError):  # failed statement
        session.execute(insert(ITEMS).values(name="kept"))
    # Each writer above would have left the next one waiting 0.3 s and failing.
    _add(engine, "last")
    assert _count(engine) == 2


def test_many_threads_writing_at_once_all_get_through(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'items.db'}", lock_timeout=10)
    ITEMS.metadata.create_all(engine)
    threads, per_thread = 16, 20
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def write(t: int) -> None:
        barrier.wait()
        try:
            for i in range(per_thread):
                with Session(engine) as session:
                    session.scalar(select(func.count()).select_from(ITEMS))  # read, then write
                    session.execute(insert(ITEMS).values(name=f"{t}-{i}"))
                    session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    assert _count(engine) == threads * per_thread
    engine.dispose()


def test_processes_starting_together_migrate_the_database_once(backend: str, tmp_path: Path) -> None:
    # Several uvicorn workers run the migrations at start-up, on the same empty database.
    with fresh_database(backend, tmp_path) as url:
        engines = [make_engine(url) for _ in range(3)]
        barrier = threading.Barrier(len(engines))
        errors: list[BaseException] = []

        def start(engine: Engine) -> None:
            barrier.wait()
            try:
                migrate.upgrade(engine)
            except BaseException as exc:  # reported below
                errors.append(exc)

        workers = [threading.Thread(target=start, args=(e,)) for e in engines]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=300)
        assert errors == []
        with engines[0].connect() as conn:
            assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
        for engine in engines:
            engine.dispose()


def _wrapped(orig: BaseException, kind: type[sa_exc.DBAPIError] = sa_exc.OperationalError) -> Any:
    return kind("SELECT 1", None, orig)


def test_contention_is_told_apart_from_other_database_errors() -> None:
    assert is_contention(_wrapped(sqlite3.OperationalError("database is locked")))
    assert is_contention(_wrapped(psycopg.errors.LockNotAvailable("lock timeout")))
    assert is_contention(_wrapped(psycopg.errors.DeadlockDetected("deadlock")))
    assert is_contention(sa_exc.TimeoutError("QueuePool limit reached"))
    assert not is_contention(_wrapped(sqlite3.OperationalError("no such table: x")))
    assert not is_contention(_wrapped(psycopg.errors.UniqueViolation("dup"), sa_exc.IntegrityError))
    assert not is_contention(ValueError("database is locked"))


def test_run_write_retries_contention_and_nothing_else(engine: Engine) -> None:
    calls: list[str] = []

    def busy_once(session: Session) -> str:
        calls.append("busy_once")
        session.execute(insert(ITEMS).values(name=f"attempt {len(calls)}"))
        if len(calls) == 1:
            raise _wrapped(sqlite3.OperationalError("database is locked"))
        return "stored"

    with Session(engine) as session:
        assert run_write(session, busy_once) == "stored"
    assert calls == ["busy_once", "busy_once"]
    with Session(engine) as session:
        assert session.scalars(select(ITEMS.c.name)).all() == ["attempt 2"]  # the first rolled back

    def duplicate(session: Session) -> None:
        calls.append("duplicate")
        session.execute(insert(ITEMS).values(name="attempt 2"))

    with Session(engine) as session, pytest.raises(sa_exc.IntegrityError):
        run_write(session, duplicate)
    assert calls.count("duplicate") == 1


def test_the_write_gate_serves_writers_in_arrival_order() -> None:
    gate, order = WriteGate(), []
    gate.acquire("first", timeout=1)
    waiters = []
    for name in ("a", "b", "c", "d"):
        waiter = threading.Thread(
            target=lambda n=name: (gate.acquire(n, timeout=10), order.append(n), gate.release(n))
        )
        waiter.start()
        waiters.append(waiter)
        deadline = time.monotonic() + 10
        while len(gate._queue) < len(waiters) and time.monotonic() < deadline:  # queued in this order
            time.sleep(0.001)
    assert not gate.acquire("late", timeout=0.05)  # gives up in time, and leaves the queue
    gate.release("first")
    for waiter in waiters:
        waiter.join(timeout=10)
    assert order == ["a", "b", "c", "d"]
