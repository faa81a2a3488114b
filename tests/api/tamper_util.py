"""Helpers of the tamper-evidence tests: a fresh app per test, and raw SQL behind the service's back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine

from api.audit import drop_triggers, install_triggers
from api.main import create_app
from api.models import Role
from tests.api.conftest import Api, World, fresh_database, make_settings, make_test_client


@contextmanager
def fresh_api(backend: str, directory: Path) -> Iterator[tuple[Api, World, str]]:
    """A running app on its own empty database, its users, and the database URL."""
    with fresh_database(backend, directory) as url:
        app = create_app(make_settings(directory, url))
        with make_test_client(app) as client:
            api = Api(app=app, client=client)
            roles = {"spec1": Role.SPECIALIST, "spec2": Role.SPECIALIST, "liaison1": Role.LIAISON}
            roles |= {"auditor": Role.AUDITOR, "admin": Role.ADMIN}
            users = {name: api.add_user(role) for name, role in roles.items()}
            yield api, World(users=users, headers={n: api.headers(u) for n, u in users.items()}), url


def tamper(url: str, *statements: str) -> None:
    """Run raw SQL as a database-level attacker would: append-only triggers dropped, then restored."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            drop_triggers(conn)
            for statement in statements:
                conn.exec_driver_sql(statement)
            install_triggers(conn)
    finally:
        engine.dispose()


def head_seq(api: Api) -> int:
    """seq of the newest chain event."""
    from api.audit import store

    with api.session() as session:
        head = store.chain_head(session)
    assert head is not None
    return head[0]
