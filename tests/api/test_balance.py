"""Many users at once: the worker's thread bound and GIL turns; SQLite writers of two processes.

:func:`api.sqlite_lock.begin_immediate` waits for another process's write lock by trying
again, and still gives up with "database is locked" when the lock timeout runs out.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio.to_thread
import pytest

from api import sqlite_lock
from api.main import create_app
from tests.api.conftest import make_settings, make_test_client


@pytest.fixture
def switch_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


async def _thread_bound() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


@pytest.mark.usefixtures("switch_interval")
def test_the_service_runs_as_many_threads_and_gil_turns_as_set(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'b.db'}", threads=3, switch_interval_ms=1)
    with make_test_client(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        assert client.portal is not None
        assert client.portal.call(_thread_bound) == 3
        assert sys.getswitchinterval() == pytest.approx(0.001)


def _gated(path: Path, timeout: float) -> sqlite3.Connection:
    connection = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, factory=sqlite_lock.GatedConnection
    )
    sqlite_lock.on_connect(connection, None, gate=sqlite_lock.WriteGate(), lock_timeout=timeout)  # type: ignore[arg-type]
    return connection


def test_a_writer_waits_for_another_process_and_then_writes(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    ours = _gated(path, timeout=30.0)  # WAL, as the service opens it
    ours.execute("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    started = threading.Event()

    def release() -> None:
        started.wait()
        time.sleep(0.2)  # ours is waiting by now (several tries)
        other.execute("INSERT INTO t VALUES (1)")
        other.execute("COMMIT")

    thread = threading.Thread(target=release)
    thread.start()
    started.set()
    sqlite_lock.begin_immediate(ours)  # waits for the commit, then holds the lock
    ours.execute("INSERT INTO t VALUES (2)")
    ours.commit()
    thread.join()
    assert sorted(r[0] for r in ours.execute("SELECT x FROM t")) == [1, 2]  # no write lost
    busy_ms = ours.execute("PRAGMA busy_timeout").fetchone()[0]
    assert busy_ms == 30_000  # the connection's own busy timeout is back for other waits
    ours.close()
    other.close()


def test_a_writer_gives_up_when_the_lock_timeout_runs_out(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    ours = _gated(path, timeout=0.2)
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite_lock.begin_immediate(ours)
    assert not ours.in_transaction
    assert ours.execute("PRAGMA busy_timeout").fetchone()[0] == 200
    other.execute("ROLLBACK")
    sqlite_lock.begin_immediate(ours)  # the gate was given back: the next write goes through
    ours.rollback()
    ours.close()
    other.close()
