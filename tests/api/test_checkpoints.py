"""Signed checkpoints: the online verify reports a chain cut back past one, and a forged one.

Each test gets its own database (SQLite and PostgreSQL) because it tampers with it
as a database-level attacker would: raw SQL with the append-only triggers dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from api.audit import checkpoints
from api.audit.models import AuditCheckpoint
from api.cli import main as placement_api_main
from api.config import Settings
from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF
from tests.api.tamper_util import fresh_api, head_seq, tamper


def _events(api, world, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        api.create_client(world.headers["spec1"])


def _checkpoint(api) -> AuditCheckpoint:  # type: ignore[no-untyped-def]
    key = api.app.state.settings.audit_signing_key()
    with api.session() as session, session.begin():
        row = checkpoints.write_checkpoint(session, key=key, reason="test")
        assert row is not None
        session.expunge(row)
    return row


def _verify(api, world) -> dict:  # type: ignore[no-untyped-def]
    response = api.get("/audit/verify", world.headers["auditor"])
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_truncation_past_a_checkpoint_is_reported_online(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        _events(api, world)
        mark = _checkpoint(api)
        result = _verify(api, world)
        assert result["ok"], result["message"]
        assert (result["checkpoint_seq"], result["events_after_checkpoint"]) == (mark.seq, 0)
        # The attacker removes the newest three events, checkpointed ones among them.
        tamper(url, f"DELETE FROM audit_events WHERE seq > {mark.seq - 3}")
        result = _verify(api, world)
        assert (result["ok"], result["first_broken_seq"]) == (False, mark.seq), result
        assert "truncated" in result["message"] and f"ends at seq {mark.seq - 3}" in result["message"]


def test_events_after_the_newest_checkpoint_can_go_unseen(backend: str, tmp_path: Path) -> None:
    """The limit, stated plainly: what was never checkpointed can still be cut off unnoticed."""
    with fresh_api(backend, tmp_path) as (api, world, url):
        _events(api, world, 3)
        mark = _checkpoint(api)
        _events(api, world, 2)
        assert _verify(api, world)["events_after_checkpoint"] == head_seq(api) - mark.seq > 0
        tamper(url, f"DELETE FROM audit_events WHERE seq > {mark.seq}")
        result = _verify(api, world)
        assert result["ok"] and result["head_seq"] == mark.seq


def test_forged_checkpoint_is_reported(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        _events(api, world, 3)
        genuine = _checkpoint(api)
        # Someone who can write the database but not read the key cannot sign a checkpoint:
        # here one pins the chain to a shorter head, as if the newer events never existed.
        at = dt.datetime.now(dt.UTC)
        wrong_key = checkpoints.signature(b"guessed", seq=1, head_hash="0" * 64, at=at, reason="test")
        tamper(
            url,
            "INSERT INTO audit_checkpoints (seq, hash, at, reason, key_id, signature) VALUES "
            f"(1, '{'0' * 64}', '{at.isoformat()}', 'test', '{genuine.key_id}', '{wrong_key}')",
        )
        result = _verify(api, world)
        assert (result["ok"], result["first_broken_seq"]) == (False, 1), result
        assert "checkpoint at seq 1 has a bad signature" in result["message"]
        assert result["checkpoints"] == 1  # the genuine one still counts


def test_moved_checkpoint_is_reported(backend: str, tmp_path: Path) -> None:
    """Re-pointing a genuine checkpoint at an older head breaks its signature."""
    with fresh_api(backend, tmp_path) as (api, world, url):
        _events(api, world, 4)
        mark = _checkpoint(api)
        tamper(url, f"UPDATE audit_checkpoints SET seq = 2 WHERE id = {mark.id}")
        result = _verify(api, world)
        assert not result["ok"] and "bad signature" in result["message"]


def test_cli_checkpoint_exports_an_anchor_that_survives_deleted_checkpoints(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        _events(api, world, 4)
        monkeypatch.setenv("PLACEMENT_VAR_DIR", str(tmp_path))  # the app's key lives there
        capsys.readouterr()
        assert placement_api_main(["audit", "checkpoint", "--database-url", url]) == 0
        anchor = capsys.readouterr().out.strip().splitlines()[-1]
        seq, digest = anchor.split(":")
        assert int(seq) == head_seq(api) and len(digest) == 64
        assert _verify(api, world)["checkpoint_seq"] == int(seq)  # signed with the service's key
        assert placement_api_main(["audit", "verify", "--database-url", url, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["checkpoints"] == 1
        # An attacker who deletes the checkpoints too is still caught by the copy kept outside.
        tamper(url, f"DELETE FROM audit_events WHERE seq >= {int(seq) - 1}", "DELETE FROM audit_checkpoints")
        assert _verify(api, world)["ok"]  # nothing left inside the database to tell ...
        assert placement_api_main(["audit", "verify", "--database-url", url, "--anchor", anchor]) == 1
        assert f"broken at seq {seq}" in capsys.readouterr().out  # ... the exported anchor does


def test_nightly_run_writes_a_checkpoint(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        employer = api.create_employer(world.headers["liaison1"])
        api.create_opening(world.headers["liaison1"], employer["id"])
        _events(api, world, 2)
        key = api.app.state.settings.audit_signing_key()
        run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions(audit_key=key))
        result = _verify(api, world)
        assert result["ok"], result["message"]
        assert (result["checkpoint_seq"], result["events_after_checkpoint"]) == (head_seq(api), 0)
        with api.session() as session:
            latest = checkpoints.latest_checkpoint(session)
            assert latest is not None and latest.reason == "rematch"


def test_key_file_is_created_once_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    key = settings.audit_signing_key()
    path = tmp_path / "var" / "audit_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(key) == 64 and Settings(var_dir=tmp_path / "var").audit_signing_key() == key
    assert [p.name for p in path.parent.iterdir()] == ["audit_key"]  # no temporary file left
    monkeypatch.setenv("PLACEMENT_AUDIT_KEY", "from-the-environment")
    assert Settings(var_dir=tmp_path / "var").audit_signing_key() == b"from-the-environment"
    monkeypatch.delenv("PLACEMENT_AUDIT_KEY")
    other = tmp_path / "elsewhere" / "key"
    monkeypatch.setenv("PLACEMENT_AUDIT_KEY_FILE", str(other))
    assert Settings(var_dir=tmp_path / "var").audit_signing_key() != key
    assert stat.S_IMODE(os.stat(other).st_mode) == 0o600
