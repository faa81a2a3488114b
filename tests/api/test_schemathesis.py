"""Property-based conformance of the API to its own OpenAPI schema (schemathesis, in-process).

Every operation gets a bounded number of generated requests, sent with a token of the
role that serves it and with real record ids in the path, so handlers run for real.
Positive (schema-valid) and negative (schema-violating) requests are mixed. The run must
give no server error (5xx) and no status, content type or body that the schema does not
declare. The number of generated cases per database is printed at the end of the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import migrate
from api.db import make_engine, make_session_factory
from api.main import create_app
from api.models import Role
from api.schemas import UserCreate
from api.security import configure_from, create_access_token, create_user
from tests.api.conftest import PASSWORD, SECRET, fresh_database, make_settings

# Per operation and database: about 60 operations x 2 databases x 25 cases stays near 3 minutes.
MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLE_BY_PREFIX = (
    ("/api/v1/clients", "specialist"),
    ("/api/v1/employers", "liaison"),
    ("/api/v1/openings", "liaison"),
    ("/api/v1/audit", "auditor"),
    ("/api/v1/users", "admin"),
    ("/api/v1/assignments", "admin"),
    ("/api/v1/config", "admin"),
    ("/api/v1/logout", "target"),  # logout ends the caller's tokens: not those the others use
)


def _seed(url: str, directory: Path) -> dict[str, Any]:
    """Migrate, create one user per role and a few records; returns tokens and ids."""
    settings = make_settings(directory, url)
    configure_from(settings)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        users = {
            role.value: create_user(
                session, user_create=UserCreate(username=f"st-{role.value}", password=PASSWORD, role=role)
            )
            for role in Role
        }
        # The user PATCH /users/{user_id} changes and logout logs out (both end that user's tokens).
        users["target"] = create_user(
            session, user_create=UserCreate(username="st-target", password=PASSWORD, role=Role.SPECIALIST)
        )
        session.commit()
        tokens = {
            role: create_access_token(user_id=u.id, role=u.role, secret=SECRET, algorithm="HS256", minutes=60)
            for role, u in users.items()
        }
    engine.dispose()
    return {"settings": settings, "tokens": tokens, "users": {r: u.id for r, u in users.items()}}


@pytest.fixture(scope="module")
def seeded(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, Any]]:
    directory = tmp_path_factory.mktemp(f"schemathesis-{backend}")
    with fresh_database(backend, directory) as url:
        seed = _seed(url, directory)
        app = create_app(seed["settings"])
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        seed |= {"app": app, "schema": schema, "ids": _records(schema, seed["tokens"]), "cases": 0}
        yield seed
        plugins = request.config.pluginmanager
        reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():  # shown without -s
                reporter.ensure_newline()
                reporter.write_line(
                    f"schemathesis [{backend}]: {seed['cases']} generated cases sent "
                    f"(up to {MAX_EXAMPLES} per operation, positive and negative)"
                )
        from schemathesis.python import asgi

        asgi.shutdown_lifespans()  # close the app's database before its schema is dropped


def _records(schema: Any, tokens: dict[str, str]) -> dict[str, Any]:
    """A client, employer, opening, placement and recommendation made through the API."""
    from fastapi.testclient import TestClient

    from tests.api.conftest import client_profile, opening_details

    app = schema.app
    with TestClient(app) as client:

        def post(path: str, role: str, **kw: Any) -> Any:
            response = client.post(
                "/api/v1" + path, headers={"Authorization": f"Bearer {tokens[role]}"}, **kw
            )
            assert response.status_code in (200, 201), response.text
            return response.json()

        client_id = post("/clients", "specialist", json={"profile": client_profile()})["id"]
        employer_id = post("/employers", "liaison", json={"name": "Schemathesis Co"})["id"]
        opening_id = post(
            "/openings", "liaison", json={"employer_id": employer_id, "details": opening_details()}
        )["id"]
        placement = post(
            f"/clients/{client_id}/placements",
            "specialist",
            json={"opening_id": opening_id, "start_date": "2026-03-09"},
        )
        record = post(f"/clients/{client_id}/shortlist", "specialist", json={"k": 3})["recommendation_id"]
    return {
        "client_id": client_id,
        "employer_id": employer_id,
        "opening_id": opening_id,
        "placement_id": placement["id"],
        "record_id": record,
    }


def _operations() -> list[tuple[str, str]]:
    paths = create_app().openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: str(v))
def test_api_conforms_to_its_schema(seeded: dict[str, Any], method: str, path: str) -> None:
    operation = seeded["schema"][path][method]
    role = next((r for prefix, r in ROLE_BY_PREFIX if path.startswith(prefix)), "admin")
    ids = seeded["ids"] | {"user_id": seeded["users"]["target"]}
    headers = (
        {} if path.endswith("/login/access-token") else {"Authorization": f"Bearer {seeded['tokens'][role]}"}
    )

    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        for name in case.path_parameters or {}:
            if name in ids:
                case.path_parameters[name] = ids[name]
        seeded["cases"] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
