"""Readiness (``/ready``): can this process serve suggestions as built?

Unlike ``/health`` (the process answers), ready means the database answers and is
migrated to this release's head, and the trained text model was loaded. A load
balancer or ``docker compose`` sends traffic only to a ready process.
"""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc

from api import migrate
from api.matching import MatcherCache


@cache
def head_revisions() -> frozenset[str]:
    """The migration heads of this release (read once from ``api/migrations``)."""
    return frozenset(ScriptDirectory.from_config(migrate.alembic_config()).get_heads())


def database_problem(engine: Engine) -> str | None:
    """Why the database is not ready (unreachable, or not at head), or None."""
    try:
        connection = engine.connect()
    except sa_exc.SQLAlchemyError as exc:
        # The class only: a driver's message can name hosts and users.
        return f"database unreachable ({type(exc).__name__})"
    with connection:
        try:  # alembic's own table, read directly (MigrationContext logs at INFO on every probe)
            current = frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except sa_exc.SQLAlchemyError:
            current = frozenset()  # no alembic_version table: never migrated
    heads = head_revisions()
    if current != heads:
        at = ", ".join(sorted(current)) or "no revision"
        return f"database not migrated: at {at}, this release needs {', '.join(sorted(heads))}"
    return None


def model_problem(cache: MatcherCache) -> str | None:
    """Why the engine is not ready (no trained text model loaded), or None."""
    if cache.text_model is None:
        return (
            "trained text model not loaded (models/text_model.joblib missing or built by "
            "another version: run python -m matcher.train)"
        )
    return None


def problems(engine: Engine, cache: MatcherCache) -> list[str]:
    """Every reason this process is not ready; empty when it is."""
    return [p for p in (database_problem(engine), model_problem(cache)) if p is not None]
