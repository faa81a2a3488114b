"""SQLite's one write lock, taken late and handed out fairly (used by ``api.db.make_engine``).

The engine's connections run in autocommit (``isolation_level=None``) and nothing
is begun up front: reads take no lock. Before the first statement that writes
(anything but a plain read: INSERT, UPDATE, DELETE, DDL, a savepoint) or a
``SELECT ... FOR UPDATE`` (SQLite drops the clause; the write lock gives what it
asks for), :func:`begin_immediate` opens ``BEGIN IMMEDIATE``, which holds the
lock until commit or rollback. The writers of one engine queue first come first
served on a :class:`WriteGate` (SQLite's busy handler polls with sleeps of up to
100 ms, so a waiter among many in one process could lose to newcomers until it
timed out); the one at the head waits for other processes' writers by trying
again every millisecond, within the lock timeout.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from typing import Any

# Statements that run without the write lock; everything else takes it first. ``WITH``
# is not here: a CTE may prefix a write, and compiled SELECTs are recognised as such.
READ_VERBS = frozenset({"SELECT", "PRAGMA", "EXPLAIN", "VALUES", "BEGIN", "COMMIT", "END"})
TX_VERBS = frozenset({"ROLLBACK", "RELEASE"})  # only ever inside a transaction already open


class WriteGate:
    """One engine's writers, one at a time, first come first served."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()
        self._holder: object | None = None

    def acquire(self, owner: object, *, timeout: float) -> bool:
        """Wait up to ``timeout`` s for ``owner``'s turn; False when it did not come."""
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._holder is owner:
                return True
            self._queue.append(owner)
            while self._holder is not None or self._queue[0] is not owner:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._queue.remove(owner)
                    self._cond.notify_all()
                    return False
                self._cond.wait(remaining)
            self._queue.popleft()
            self._holder = owner
            return True

    def release(self, owner: object) -> None:
        with self._cond:
            if self._holder is owner:
                self._holder = None
                self._cond.notify_all()


class GatedConnection(sqlite3.Connection):
    """A pysqlite connection that gives its engine's gate back when its transaction ends.

    SQLAlchemy ends every transaction through ``commit()``, ``rollback()`` (also when
    the pool takes a connection back) or ``close()``.
    """

    write_gate: WriteGate | None = None
    lock_timeout: float = 0.0
    busy_cleared = False  # the busy timeout is 0 while a write waits for or holds the lock

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.write_gate is not None:
                self.write_gate.release(self)

    def _end(self) -> None:
        if self.write_gate is not None and not self.in_transaction:
            self.write_gate.release(self)
            self.restore_busy_timeout()

    def restore_busy_timeout(self) -> None:
        """Other waits (a read meeting a checkpoint, say) keep the connection's busy timeout."""
        if self.busy_cleared:
            self.busy_cleared = False
            self.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")


def on_connect(
    dbapi_connection: GatedConnection, _rec: object, *, gate: WriteGate, lock_timeout: float
) -> None:
    """Autocommit, the engine's gate, busy timeout, foreign keys; WAL and NORMAL sync for files."""
    # Let this module, not pysqlite, decide when a transaction begins (see the module doc).
    dbapi_connection.isolation_level = None
    dbapi_connection.write_gate, dbapi_connection.lock_timeout = gate, lock_timeout
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() == "wal":  # NORMAL is crash-safe only with WAL (api.db)
            cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def needs_write_lock(statement: str, context: Any) -> bool:
    """True when ``statement`` must run under the write lock (see the module doc)."""
    compiled_statement = getattr(getattr(context, "compiled", None), "statement", None)
    if getattr(compiled_statement, "is_select", False):
        return getattr(compiled_statement, "_for_update_arg", None) is not None
    words = statement.lstrip().split(None, 1)
    verb = words[0].upper() if words else ""
    return verb not in READ_VERBS and verb not in TX_VERBS


def begin_immediate(driver: sqlite3.Connection, *, timeout: float | None = None) -> None:
    """``BEGIN IMMEDIATE`` unless a transaction is open (it already holds the lock).

    The engine opens no other transaction, and pysqlite's legacy mode (a plain
    engine, as in some tests) opens one only to write. Waits up to ``timeout``
    (default: the connection's lock timeout) for the gate and SQLite together.
    """
    if driver.in_transaction:
        return
    gate = getattr(driver, "write_gate", None)
    if gate is None:
        driver.execute("BEGIN IMMEDIATE")
        return
    timeout = float(getattr(driver, "lock_timeout", 0.0)) if timeout is None else timeout
    started = time.monotonic()
    if not gate.acquire(driver, timeout=timeout):
        raise sqlite3.OperationalError("database is locked (by this process's other writers)")
    try:
        _begin_polling(driver, deadline=started + timeout)
    except BaseException:
        gate.release(driver)
        if isinstance(driver, GatedConnection):
            driver.restore_busy_timeout()
        raise


#: Seconds between two tries for the write lock while another process holds it.
POLL_S = 0.001


def _begin_polling(driver: sqlite3.Connection, *, deadline: float) -> None:
    """``BEGIN IMMEDIATE``, tried every :data:`POLL_S` until ``deadline`` while another process has it.

    Only the one writer of this process that the gate let through polls. SQLite's own busy
    handler would sleep 1, 2, 5, 10, ... up to 100 ms between tries, so a writer of one worker
    could sleep long after the other worker's short write ended, with its worker's whole queue
    of writers behind it. The connection's busy timeout is set back when the transaction ends
    (:meth:`GatedConnection._end`), not under the lock: each statement there costs the writer a
    wait for the GIL.
    """
    driver.execute("PRAGMA busy_timeout = 0")
    if isinstance(driver, GatedConnection):
        driver.busy_cleared = True
    while True:
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(POLL_S)


def before_cursor_execute(
    _conn: Any, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    """Engine event: take the write lock before the first statement that needs it."""
    if needs_write_lock(statement, context):
        begin_immediate(cursor.connection)
