"""Backup and restore keep the audit chain verifiable (docs/deploy.md#backup-and-restore).

The service writes audit events (users, clients, a shortlist with its sealed record and
pool, a decision, a checkpoint); ``deploy/backup.sh`` dumps the database; the dump is
restored into a fresh database, where ``placement-api audit verify`` finds the chain intact
with the same head. A restore altered afterwards fails the same check. On PostgreSQL
(pg_dump / pg_restore, new databases on the test server) and on SQLite (the online backup).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.audit import cli as audit_cli
from api.audit import drop_triggers, install_triggers
from api.audit.checkpoints import write_checkpoint
from tests.api.conftest import (
    Api,
    World,
    make_settings,
    make_test_client,
    postgres_url,
)

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "backup.sh"
AUDIT_KEY = "backup-test-audit-key-0123456789abcdef"
Verify = Callable[[str], tuple[int, str]]


@contextmanager
def _new_database(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (dropped afterwards)."""
    base, _ = postgres_url()
    assert base is not None
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _write_events(url: str, directory: Path) -> None:
    """Audit events of everyday use, through the service, and a signed checkpoint."""
    from api.main import create_app
    from api.models import Role

    app = create_app(make_settings(directory, url, audit_key=AUDIT_KEY))
    with make_test_client(app) as client:
        api = Api(app=app, client=client)
        users = {"spec": api.add_user(Role.SPECIALIST), "liaison": api.add_user(Role.LIAISON)}
        world = World(users=users, headers={n: api.headers(u) for n, u in users.items()})
        employer = api.create_employer(world.headers["liaison"])
        opening = api.create_opening(world.headers["liaison"], employer["id"])
        patient = api.create_client(world.headers["spec"], label="B.K.")
        shortlist = api.get(f"/clients/{patient['id']}/shortlist", world.headers["spec"]).json()
        decision = {
            "opening_id": opening["id"],
            "action": "approve",
            "note": "will visit on Monday",
            "recommendation_id": shortlist["recommendation_id"],
        }
        decided = api.post(f"/clients/{patient['id']}/decisions", world.headers["spec"], json=decision)
        assert decided.status_code == 201, decided.text
        with api.session() as session:
            assert write_checkpoint(session, key=AUDIT_KEY.encode(), reason="test") is not None
            session.commit()
    app.state.engine.dispose()


@pytest.fixture
def verify(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Verify:
    """``placement-api audit verify --database-url URL`` (in this process): exit status and output."""
    monkeypatch.setenv("PLACEMENT_AUDIT_KEY", AUDIT_KEY)  # checkpoint signatures are checked too

    def run(url: str) -> tuple[int, str]:
        status = audit_cli.main(["verify", "--database-url", url])
        return status, capsys.readouterr().out

    return run


def _backup(url: str, out: Path) -> None:
    env = os.environ | {"DATABASE_URL": url, "PYTHON": sys.executable}
    done = subprocess.run([str(BACKUP), str(out)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0


def _tamper(url: str) -> None:
    """Change who did the second event, as a database owner could."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            drop_triggers(conn)
            conn.execute(text("UPDATE audit_events SET actor = 'intruder' WHERE seq = 2"))
            install_triggers(conn)
    finally:
        engine.dispose()


def _assert_restore_verifies_then_tamper_fails(verify: Verify, source: str, restored: str) -> None:
    (status, before), (status_after, after) = verify(source), verify(restored)
    assert (status, status_after) == (0, 0), before + after
    assert "chain intact" in after and "newest checkpoint" in after
    head = before.split("head seq ")[1].split(";")[0]
    assert f"head seq {head}" in after  # the same chain, up to the same head
    _tamper(restored)
    status, broken = verify(restored)
    assert status == 1 and "BROKEN: broken at seq 2" in broken, broken


def test_postgresql_dump_restored_into_a_fresh_database_verifies(tmp_path: Path, verify: Verify) -> None:
    url, reason = postgres_url()
    if url is None:
        pytest.skip(reason)
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (Debian: apt-get install postgresql-client)")
    suffix = uuid.uuid4().hex[:10]
    with _new_database(f"backup_src_{suffix}") as source, _new_database(f"backup_dst_{suffix}") as target:
        _write_events(source, tmp_path)
        dump = tmp_path / "placement.dump"
        _backup(source, dump)
        libpq = make_url(target).set(drivername="postgresql").render_as_string(hide_password=False)
        restore = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", libpq]
        done = subprocess.run([*restore, str(dump)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        _assert_restore_verifies_then_tamper_fails(verify, source, target)


def test_sqlite_online_backup_verifies(tmp_path: Path, verify: Verify) -> None:
    source = f"sqlite:///{tmp_path / 'placement.db'}"
    _write_events(source, tmp_path)
    copy = tmp_path / "restored.db"
    _backup(source, copy)
    _assert_restore_verifies_then_tamper_fails(verify, source, f"sqlite:///{copy}")
