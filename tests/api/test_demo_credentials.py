"""No default credentials: demo users only in an empty database, random passwords, refused outside
demo mode; a JWT secret of at least 32 bytes; database and key files created 0600."""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import re
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from api import cli
from api.config import Settings, get_settings, read_or_create_key
from api.demo import DEMO_USERS
from api.main import create_app
from api.models import Role
from api.security import DemoUsersPresent
from tests.api.conftest import Api, fresh_database, make_settings, make_test_client

LOGIN_LINE = re.compile(r"^  (\w+)\s+(specialist|liaison|auditor|admin)\s+(\S+)$", re.MULTILINE)
CHEAP_HASHES = {
    "PLACEMENT_ARGON2_TIME_COST": "1",
    "PLACEMENT_ARGON2_MEMORY_KIB": "1024",
    "PLACEMENT_ARGON2_PARALLELISM": "1",
}


def run_demo(settings: Settings, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """``placement-api demo`` on ``settings``: the passwords it printed, by username."""
    assert cli.demo(settings) == 0
    return {m[0]: m[2] for m in LOGIN_LINE.findall(capsys.readouterr().out)}


@contextlib.contextmanager
def served(settings: Settings) -> Iterator[Api]:
    app = create_app(settings)
    with make_test_client(app) as client:
        yield Api(app=app, client=client)


def login(api: Api, username: str, password: str) -> int:
    data = {"username": username, "password": password}
    return api.post("/login/access-token", data=data).status_code  # type: ignore[no-any-return]


def test_each_install_gets_its_own_demo_passwords_shown_once(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    installs = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        with fresh_database(backend, tmp_path / name) as url:
            settings = make_settings(tmp_path / name, url, demo_mode=True)
            passwords = run_demo(settings, capsys)
            assert set(passwords) == {u for u, _, _ in DEMO_USERS}
            assert run_demo(settings, capsys) == {}  # a second run shows (and creates) nothing
            with served(settings) as api:
                assert login(api, "admin", "demo-password") == 400
                assert all(login(api, u, p) == 200 for u, p in passwords.items())
                with api.session() as session:
                    from api import store

                    assert {u.username for u in store.users.list_users(session) if u.is_demo} == set(
                        passwords
                    )
            installs.append(passwords)
    assert all(len(p) >= 16 for p in installs[0].values())
    assert not set(installs[0].values()) & set(installs[1].values())


def test_the_demo_password_can_be_set(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_database(backend, tmp_path) as url:
        settings = make_settings(tmp_path, url, demo_mode=True, demo_password="chosen-demo-password")
        assert set(run_demo(settings, capsys).values()) == {"chosen-demo-password"}
        with served(settings) as api:
            assert login(api, "specialist", "chosen-demo-password") == 200


def test_the_demo_adds_no_users_to_a_database_with_users(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_database(backend, tmp_path) as url:
        settings = make_settings(tmp_path, url)
        with served(settings) as api:
            api.add_user(Role.ADMIN, "real.admin")
        with pytest.raises(SystemExit, match="users the demo did not create; the demo adds no users"):
            cli.demo(settings)
        with served(settings) as api, api.session() as session:
            from api import store

            assert [u.username for u in store.users.list_users(session)] == ["real.admin"]
            assert store.clients.count_clients(session) == store.openings.count_openings(session) == 0
    assert "admin " not in capsys.readouterr().out


def test_a_start_outside_demo_mode_refuses_demo_users(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_database(backend, tmp_path) as url:
        demo_settings = make_settings(tmp_path, url, demo_mode=True)
        passwords = run_demo(demo_settings, capsys)
        settings = make_settings(tmp_path, url)
        with pytest.raises(DemoUsersPresent, match=r"demo users exist \(admin, specialist"):
            served(settings).__enter__()
        args = argparse.Namespace(demo=False, host="127.0.0.1", port=0)
        with pytest.raises(SystemExit, match="refusing to serve outside demo mode"):
            cli.serve(args, settings)
        with served(demo_settings) as api:
            assert login(api, "specialist", passwords["specialist"]) == 200


def test_a_short_jwt_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        Settings(jwt_secret="secret")
    Settings(jwt_secret="x" * 32)
    monkeypatch.setenv("PLACEMENT_JWT_SECRET", "secret")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit, match="PLACEMENT_JWT_SECRET must be at least 32 bytes"):
            cli.main(["serve"])
    finally:
        get_settings.cache_clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEMENT_") and k != "DATABASE_URL"}
    return env | CHEAP_HASHES | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}


@pytest.mark.slow
def test_make_run_on_a_fresh_checkout_prints_logins_that_work(tmp_path: Path) -> None:
    """The two commands of ``make run``, in an empty directory (var/ is created there)."""
    env, python = _clean_env(), sys.executable
    demo = subprocess.run(
        [python, "-m", "api.cli", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    passwords = {m[0]: m[2] for m in LOGIN_LINE.findall(demo.stdout)}
    assert set(passwords) == {u for u, _, _ in DEMO_USERS}
    assert stat.S_IMODE((tmp_path / "var" / "placement.db").stat().st_mode) == 0o600
    plain = subprocess.run(
        [python, "-m", "api.cli", "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert plain.returncode != 0 and "refusing to serve outside demo mode" in plain.stderr
    port = _free_port()
    command = [python, "-m", "api.cli", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(  # with two worker processes, as an operator may set it
        command,
        cwd=tmp_path,
        env=env | {"PLACEMENT_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.3)
        data = {"username": "specialist", "password": passwords["specialist"]}
        assert httpx.post(f"{url}/api/v1/login/access-token", data=data, timeout=30).status_code == 200
    finally:
        server.terminate()
        _, log = server.communicate(timeout=60)
    assert "Started parent process" in log.decode()  # uvicorn's supervisor: the workers asked for
    assert stat.S_IMODE((tmp_path / "var" / "jwt_secret").stat().st_mode) == 0o600


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_files_and_the_key_are_created_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, which alone would give 0644
    try:
        database = tmp_path / "private" / "placement.db"
        settings = make_settings(tmp_path, f"sqlite:///{database}", jwt_secret=None)
        with served(settings) as api:
            api.add_user(Role.ADMIN)
            files = [database, database.with_name("placement.db-wal"), database.with_name("placement.db-shm")]
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert _mode(tmp_path / "jwt_secret") == 0o600
    finally:
        os.umask(previous)


def _read_key(path: str) -> str:
    return read_or_create_key(Path(path))


def test_workers_starting_together_share_one_key(tmp_path: Path) -> None:
    path = tmp_path / "var" / "jwt_secret"
    with multiprocessing.get_context("fork").Pool(6) as pool:
        keys = pool.map(_read_key, [str(path)] * 24)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert _mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["jwt_secret"]  # no temporary files left


def test_demo_users_of_earlier_versions_are_marked_by_the_upgrade(backend: str, tmp_path: Path) -> None:
    """A database loaded by the former demo (password ``demo-password``) is refused after upgrading."""
    from argon2 import PasswordHasher
    from sqlalchemy import text

    from api import migrate
    from api.db import make_engine

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "0004")
        insert = text(
            "INSERT INTO users (username, full_name, role, hashed_password, is_active, created_at) "
            "VALUES (:u, '', :r, :h, true, CURRENT_TIMESTAMP)"
        )
        with engine.begin() as conn:
            conn.execute(insert, {"u": "admin", "r": "admin", "h": hasher.hash("demo-password")})
            conn.execute(insert, {"u": "specialist", "r": "specialist", "h": hasher.hash("changed since")})
            conn.execute(insert, {"u": "ana", "r": "specialist", "h": hasher.hash("demo-password")})
        migrate.upgrade(engine)
        with engine.connect() as conn:
            marked = dict(conn.execute(text("SELECT username, is_demo FROM users")).all())
        engine.dispose()
        assert {name: bool(flag) for name, flag in marked.items()} == {
            "admin": True,
            "specialist": False,
            "ana": False,
        }
        with pytest.raises(DemoUsersPresent, match=r"demo users exist \(admin\)"):
            served(make_settings(tmp_path, url)).__enter__()
