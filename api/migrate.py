"""Run the Alembic migrations (``alembic upgrade head``) from code.

The app does this at start-up (``Settings.auto_migrate``); ``alembic upgrade
head`` from the repository root does the same from the command line.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from api.db import is_contention, lock_for_write

_log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed key: one migrating process at a time on a shared PostgreSQL database.
_PG_MIGRATION_LOCK = 0x504D_4D49_4752_4154
# How long a starting process waits for another one's migration (several uvicorn workers).
MIGRATION_WAIT_S = 600.0


def alembic_config() -> Config:
    """An Alembic config pointing at ``api/migrations`` (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database of ``engine`` to ``revision`` in one transaction.

    Processes starting together (several uvicorn workers) migrate one at a time. On
    SQLite, a connection opened while another process converts a new file to WAL or
    migrates can still meet "database is locked" under load: the whole (idempotent)
    transaction is then retried until ``MIGRATION_WAIT_S`` has passed.
    """
    deadline = time.monotonic() + MIGRATION_WAIT_S
    while True:
        try:
            _upgrade_once(engine, revision)
            break
        except Exception as exc:
            raw_lock = isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
            locked = is_contention(exc) or raw_lock
            if engine.dialect.name != "sqlite" or not locked or time.monotonic() > deadline:
                raise
            _log.info("database busy while migrating: trying again")
            time.sleep(0.5)
    _log.info("database at %s is migrated to %s", engine.url.render_as_string(), revision)


def _upgrade_once(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL lock_timeout = 0"))  # wait out another migrator
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        # SQLite: the version check and the DDL under one lock, however long another takes.
        lock_for_write(connection, timeout=MIGRATION_WAIT_S)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
