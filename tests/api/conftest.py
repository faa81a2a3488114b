"""Fixtures of the HTTP API tests: a fresh database per test module, on SQLite and PostgreSQL.

Every test that uses ``api`` runs twice: on an SQLite file, and on PostgreSQL when
127.0.0.1:5432 answers (trust auth, database ``test``; override the URL with
``TEST_POSTGRES_URL``), in a fresh schema that is dropped afterwards. When
PostgreSQL is not reachable those runs are skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import getpass
import itertools
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.config import Settings
from api.main import create_app
from api.models import Role, User
from api.security import create_access_token, create_user

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

AS_OF = dt.date(2026, 3, 2)  # the service's "today" in tests (a Monday)
SECRET = "test-signing-key-not-for-production-0123456789"
PASSWORD = "correct horse battery"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# Distinct job titles: openings of one employer must not near-duplicate each other.
TITLES = (
    "Line cook",
    "Dishwasher",
    "Stock clerk",
    "Library aide",
    "Dog walker",
    "Barista",
    "Cashier",
    "Janitor",
    "Data entry clerk",
    "Baker",
    "Warehouse packer",
    "Groundskeeper",
    "Receptionist",
    "Bike mechanic",
    "Car wash attendant",
    "Mail sorter",
    "Usher",
    "Pharmacy technician",
    "Housekeeper",
    "Delivery driver",
)
HOME = {"lat": 41.8800, "lon": -87.6300}  # Chicago Loop
NEARBY = {"lat": 41.8850, "lon": -87.6350}  # about 0.7 km away


@cache
def postgres_url() -> tuple[str | None, str]:
    """A reachable PostgreSQL URL, or None with the reason it is not available."""
    candidates = (
        [os.environ["TEST_POSTGRES_URL"]]
        if "TEST_POSTGRES_URL" in os.environ
        else [
            PG_DEFAULT,
            f"postgresql+psycopg://{getpass.getuser()}@127.0.0.1:5432/test",
        ]
    )
    reasons = []
    for url in candidates:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        try:
            with engine.connect():
                return url, ""
        except Exception as exc:  # any failure means "not available here"
            reasons.append(f"{make_url(url).render_as_string()}: {str(exc).splitlines()[0]}")
        finally:
            engine.dispose()
    return None, "PostgreSQL not reachable (" + "; ".join(reasons) + ")"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database the API tests run on; PostgreSQL runs skip when it is unreachable."""
    if request.param == "postgresql":
        url, reason = postgres_url()
        if url is None:
            pytest.skip(reason)
    return str(request.param)


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'api.db'}"
        return
    base, _ = postgres_url()
    assert base is not None
    schema = f"api_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_settings(directory: Path, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "var_dir": directory,
        "database_url": url,
        "jwt_secret": SECRET,
        "as_of": AS_OF,
        # Cheap hashes keep the suite fast; production keeps argon2's defaults.
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "argon2_parallelism": 1,
    }
    return Settings(**(values | overrides))


@dataclass
class Api:
    """A TestClient on a running app, with shortcuts to make users and records."""

    app: FastAPI
    client: TestClient
    _titles: dict[str, Iterator[str]] = field(default_factory=dict)

    def session(self) -> Session:
        return self.app.state.session_factory()  # type: ignore[no-any-return]

    def add_user(self, role: Role | str, username: str | None = None) -> User:
        """Create a user directly in the database (fast path for fixtures)."""
        from api.schemas import UserCreate

        username = username or f"{Role(role).value}-{uuid.uuid4().hex[:8]}"
        with self.session() as session:
            user = create_user(
                session, user_create=UserCreate(username=username, password=PASSWORD, role=Role(role))
            )
            session.commit()
            return user

    def headers(self, user: User) -> dict[str, str]:
        """Bearer headers of ``user`` (token minted directly; login has its own tests)."""
        token = create_access_token(
            user_id=user.id, role=user.role, secret=SECRET, algorithm="HS256", minutes=60
        )
        return {"Authorization": f"Bearer {token}"}

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.get("/api/v1" + path, headers=headers, **kw)

    def post(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.post("/api/v1" + path, headers=headers, **kw)

    def put(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.put("/api/v1" + path, headers=headers, **kw)

    def patch(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.patch("/api/v1" + path, headers=headers, **kw)

    def create_client(self, headers: dict[str, str], **profile: Any) -> dict[str, Any]:
        body = {"label": profile.pop("label", "test client"), "profile": client_profile(**profile)}
        response = self.post("/clients", headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def create_employer(self, headers: dict[str, str], name: str | None = None) -> dict[str, Any]:
        body = {"name": name or f"Employer {uuid.uuid4().hex[:6]}"}
        response = self.post("/employers", headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def create_opening(self, headers: dict[str, str], employer_id: str, **details: Any) -> dict[str, Any]:
        titles = self._titles.setdefault(employer_id, itertools.cycle(TITLES))
        body = {"employer_id": employer_id, "details": opening_details(title=next(titles)) | details}
        response = self.post("/openings", headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]


def client_profile(**overrides: Any) -> dict[str, Any]:
    """A valid client profile near :data:`HOME` (overrides replace fields)."""
    weekdays = ("Mon", "Tue", "Wed", "Thu", "Fri")
    profile = {
        "home": HOME,
        "modes": ["transit", "walk"],
        "max_commute_minutes": 45,
        "availability": [f"{d} 08:00-18:00" for d in weekdays],
        "min_hours": 10,
        "max_hours": 30,
        "capacity": {"attention": 3, "pace": 3, "public_contact": 3},
        "interests": ["cooking", "working with animals"],
    }
    return profile | overrides


def opening_details(**overrides: Any) -> dict[str, Any]:
    """Valid opening details near :data:`HOME` (overrides replace fields)."""
    details = {
        "title": "Line cook",
        "description": "Prepare vegetables and cook simple dishes in a small kitchen.",
        "industry": "food service",
        "location": NEARBY,
        "shifts": [f"{d} 09:00-13:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")],
        "hours_per_week": 20,
        "hourly_wage": 16.5,
        "demands": {"attention": 2, "pace": 3},
    }
    return details | overrides


def make_test_client(app: FastAPI) -> TestClient:
    """A TestClient (Starlette asks for httpx2 there; httpx is what this project pins)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    return TestClient(app)


@pytest.fixture(scope="module")
def api(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A running app on a fresh database (one per test module and backend)."""
    directory = tmp_path_factory.mktemp(f"api-{backend}")
    with fresh_database(backend, directory) as url:
        app = create_app(make_settings(directory, url))
        with make_test_client(app) as client:
            yield Api(app=app, client=client)


@dataclass
class World:
    """Two specialists, two liaisons, an auditor and an admin, with bearer headers."""

    users: dict[str, User]
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def world(api: Api) -> World:
    roles = {
        "spec1": Role.SPECIALIST,
        "spec2": Role.SPECIALIST,
        "liaison1": Role.LIAISON,
        "liaison2": Role.LIAISON,
        "auditor": Role.AUDITOR,
        "admin": Role.ADMIN,
    }
    users = {name: api.add_user(role) for name, role in roles.items()}
    return World(users=users, headers={name: api.headers(u) for name, u in users.items()})
