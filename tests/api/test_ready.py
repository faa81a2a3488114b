"""``/health`` (the process answers) and ``/ready`` (database at head, trained model loaded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine

from api import migrate
from api.db import make_engine
from api.main import create_app
from api.readiness import head_revisions
from tests.api.conftest import Api, make_settings, make_test_client

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


@contextmanager
def _client(directory: Path, **settings: Any) -> Iterator[TestClient]:
    app = create_app(make_settings(directory, f"sqlite:///{directory / 'ready.db'}", **settings))
    with make_test_client(app) as client:
        yield client


def test_ready_when_migrated_and_the_model_is_loaded(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    response = api.client.get("/ready")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_not_ready_on_a_database_behind_this_release(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ready.db'}")
    migrate.upgrade(engine, "0008_job_development")
    engine.dispose()
    # demo_mode: the start-up check for demo users reads a table this old database has.
    with _client(tmp_path, auto_migrate=False, demo_mode=True) as client:
        assert client.get("/health").status_code == 200  # alive, but not ready
        response = client.get("/ready")
    assert response.status_code == 503
    heads = ", ".join(sorted(head_revisions()))
    assert response.json()["detail"] == (
        f"database not migrated: at 0008_job_development, this release needs {heads}"
    )


def test_not_ready_on_an_empty_database(tmp_path: Path) -> None:
    with _client(tmp_path, auto_migrate=False, demo_mode=True) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("database not migrated: at no revision")


def test_not_ready_when_the_database_does_not_answer(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        app: Any = client.app
        good = app.state.engine
        app.state.engine = create_engine(
            "postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 2}
        )
        try:
            response = client.get("/ready")
        finally:
            app.state.engine.dispose()
            app.state.engine = good
    assert response.status_code == 503
    assert response.json() == {"detail": "database unreachable (OperationalError)"}


def test_not_ready_without_the_trained_text_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.matching.trained_text_model", lambda: (None, None))
    with _client(tmp_path) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert "trained text model not loaded" in response.json()["detail"]
