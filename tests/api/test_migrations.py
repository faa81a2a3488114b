"""Alembic: the migration matches the models, and the audit triggers exist after upgrade."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

import api.rematch.models  # noqa: F401  (its tables are on Base.metadata)
from api import migrate
from api.db import Base, make_engine
from tests.api.conftest import fresh_database

REPO = Path(__file__).resolve().parents[2]


def test_models_and_migrations_agree(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        engine.dispose()
    assert diff == [], "models changed without a migration (alembic revision --autogenerate)"


def test_alembic_command_line_upgrade_installs_the_audit_triggers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PLACEMENT_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    with engine.connect() as connection:
        triggers = {
            row[0]
            for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        }
        assert {
            "audit_events_no_update",
            "audit_events_no_delete",
            "recommendation_records_no_update",
            "recommendation_records_no_delete",
        } <= triggers
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_upgrade_twice_is_a_no_op_and_triggers_refuse_changes(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_events (seq, at, actor, kind, payload, prev_hash, hash) "
                    "VALUES (1, CURRENT_TIMESTAMP, 'x', 'probe', '{}', 'p', 'h')"
                )
            )
        for statement in ("UPDATE audit_events SET kind = 'changed'", "DELETE FROM audit_events"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        engine.dispose()
