"""Lock and pool contention over HTTP: reads go on, writes wait a bounded time, then 503.

Each test holds what writers wait for from outside the service (SQLite's write lock
from another connection; on PostgreSQL the audit chain's advisory lock, which every
write request takes) and runs an app with short timeouts, on both databases.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from api.audit.store import _PG_LOCK_KEY
from api.deps import get_matcher
from api.main import RETRY_AFTER_S, create_app
from api.models import Role
from tests.api.conftest import Api, fresh_database, make_settings, make_test_client


@pytest.fixture(scope="module")
def database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp(f"contention-{backend}")
    with fresh_database(backend, directory) as url:
        yield url, directory


@contextmanager
def serve(database: tuple[str, Path], **overrides: Any) -> Iterator[Api]:
    """The app on the module's database with these settings (short timeouts)."""
    url, directory = database
    with make_test_client(create_app(make_settings(directory, url, **overrides))) as client:
        yield Api(app=client.app, client=client)  # type: ignore[arg-type]


@contextmanager
def writers_blocked(url: str) -> Iterator[None]:
    """Hold, from outside the service, the lock every write request needs."""
    if make_url(url).get_backend_name() == "sqlite":
        other = sqlite3.connect(str(make_url(url).database), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
        try:
            yield
        finally:
            other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
    engine.dispose()


def _people(api: Api) -> tuple[dict[str, str], ...]:
    """Bearer headers of a new specialist, liaison and auditor."""
    return tuple(api.headers(api.add_user(r)) for r in (Role.SPECIALIST, Role.LIAISON, Role.AUDITOR))


def test_reads_answer_while_writers_wait_and_a_write_gets_503_storing_nothing(
    database: tuple[str, Path],
) -> None:
    with serve(database, db_lock_timeout=0.5) as api:
        spec, liaison, auditor = _people(api)
        client = api.create_client(spec)
        with writers_blocked(database[0]):
            assert api.get("/openings", liaison).status_code == 200  # a read takes no lock
            busy = api.get(f"/clients/{client['id']}", spec)  # a read that logs an audit event
            assert busy.status_code == 503, busy.text
            assert busy.json() == {"detail": "Database busy; retry shortly"}
            assert busy.headers["Retry-After"] == str(RETRY_AFTER_S)
        assert api.get(f"/clients/{client['id']}", spec).status_code == 200  # as advised: retry
        reads = api.get(
            "/audit/events", auditor, params={"client_id": client["id"], "kind": "client.read"}
        ).json()["data"]
        assert len(reads) == 1  # the refused request left no trace
        assert api.get("/audit/verify", auditor).json()["ok"] is True


def test_a_shortlist_retries_its_write_and_outlasts_a_short_lock(database: tuple[str, Path]) -> None:
    lock_timeout = 1.0
    with serve(database, db_lock_timeout=lock_timeout) as api:
        spec, liaison, auditor = _people(api)
        api.create_opening(liaison, api.create_employer(liaison)["id"])
        client = api.create_client(spec)
        path = f"/clients/{client['id']}/shortlist"
        assert api.get(path, spec).status_code == 200  # the matcher is fitted and cached now
        result: dict[str, Any] = {}
        worker = threading.Thread(target=lambda: result.update(response=api.get(path, spec)))
        with writers_blocked(database[0]):
            started = time.monotonic()
            worker.start()
            time.sleep(1.5 * lock_timeout)  # longer than one attempt waits, shorter than three
        worker.join(timeout=30)
        elapsed = time.monotonic() - started
        response = result["response"]
        assert response.status_code == 200, response.text
        assert elapsed > lock_timeout  # the first attempt ran out; a retry got through
        record_id = response.json()["recommendation_id"]
        sealed = api.get("/audit/events", auditor, params={"kind": "recommendation", "limit": 1000}).json()
        assert [e["payload"]["record_id"] for e in sealed["data"]].count(record_id) == 1
        assert api.get("/audit/verify", auditor).json()["ok"] is True


def test_no_free_connection_within_the_pool_timeout_is_503(database: tuple[str, Path]) -> None:
    with serve(database, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.3) as api:
        _, liaison, _ = _people(api)
        with api.app.state.engine.connect():  # the pool's only connection
            busy = api.get("/openings", liaison)
            assert busy.status_code == 503 and busy.headers["Retry-After"] == str(RETRY_AFTER_S)
        assert api.get("/openings", liaison).status_code == 200


def test_503_is_declared_with_retry_after_in_openapi(database: tuple[str, Path]) -> None:
    with serve(database) as api:
        schema = api.client.get("/api/v1/openapi.json").json()
    shortlist = schema["paths"]["/api/v1/clients/{client_id}/shortlist"]["get"]["responses"]
    assert "Retry-After" in shortlist["503"]["headers"]


def test_only_contention_becomes_503_other_database_errors_stay_server_errors(
    database: tuple[str, Path],
) -> None:
    def failing(message: str) -> Any:
        def dependency() -> None:
            raise sa_exc.OperationalError("SELECT 1", None, sqlite3.OperationalError(message))

        return dependency

    with serve(database) as api:
        spec, _, _ = _people(api)
        client = api.create_client(spec)
        path = f"/clients/{client['id']}/shortlist"
        api.app.dependency_overrides[get_matcher] = failing("database is locked")
        try:
            assert api.get(path, spec).status_code == 503
            api.app.dependency_overrides[get_matcher] = failing("no such table: openings")
            broken = api.get(path, spec)  # answered 500, its message kept out of the answer
            assert broken.status_code == 500
            assert "no such table" not in broken.text
        finally:
            api.app.dependency_overrides.pop(get_matcher)
