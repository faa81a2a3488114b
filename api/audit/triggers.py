"""Database triggers that make the audit tables append-only (SQLite and PostgreSQL).

Both functions are idempotent and take a SQLAlchemy ``Connection`` (in Alembic:
``op.get_bind()``). They run inside the caller's transaction.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection

_log = logging.getLogger(__name__)

AUDIT_TABLES = ("audit_events", "recommendation_records")
MESSAGE = "audit trail is append-only"
_PG_FUNCTION = "audit_refuse_change"

# On SQLite, INSERT OR REPLACE deletes the row it collides with without firing
# DELETE triggers, so inserts that collide with an existing row are refused too.
_SQLITE_COLLISION = {
    "audit_events": "seq = NEW.seq OR prev_hash = NEW.prev_hash OR hash = NEW.hash",
    "recommendation_records": "id = NEW.id OR event_seq = NEW.event_seq",
}


def _sqlite_statements(table: str) -> list[str]:
    def refuse(why: str) -> str:
        return f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({why} on {table} refused)'); END"

    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} {refuse('UPDATE')}",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} {refuse('DELETE')}",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {_SQLITE_COLLISION[table]}) "
        f"{refuse('INSERT over an existing row')}",
    ]


def _pg_function() -> str:
    # No '%' and no ':' in this text: neither the DB-API nor SQLAlchemy may rewrite it.
    return (
        f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  RAISE EXCEPTION USING MESSAGE = '{MESSAGE} (' || TG_OP || ' on ' || TG_TABLE_NAME"
        " || ' refused)', ERRCODE = 'insufficient_privilege';\n"
        "END\n"
        "$$"
    )


def _pg_statements(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
    ]


def install_triggers(connection: Connection) -> None:
    """Make ``audit_events`` and ``recommendation_records`` refuse UPDATE, DELETE (and TRUNCATE)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statements = [s for t in AUDIT_TABLES for s in _sqlite_statements(t)]
    elif dialect == "postgresql":
        statements = [_pg_function()] + [s for t in AUDIT_TABLES for s in _pg_statements(t)]
    else:
        raise NotImplementedError(f"append-only triggers are not written for {dialect!r}")
    for statement in statements:
        connection.exec_driver_sql(statement)
    _log.info("append-only triggers installed on %s (%s)", ", ".join(AUDIT_TABLES), dialect)


def drop_triggers(connection: Connection) -> None:
    """Remove the append-only triggers (tests and deliberate maintenance only)."""
    dialect = connection.dialect.name
    statements: list[str] = []
    for table in AUDIT_TABLES:
        if dialect == "sqlite":
            names: tuple[str, ...] = ("no_update", "no_delete", "no_replace")
            statements += [f"DROP TRIGGER IF EXISTS {table}_{name}" for name in names]
        elif dialect == "postgresql":
            names = ("no_change", "no_truncate")
            statements += [f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}" for name in names]
        else:
            raise NotImplementedError(f"append-only triggers are not written for {dialect!r}")
    if dialect == "postgresql":
        statements.append(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
    for statement in statements:
        connection.exec_driver_sql(statement)
    _log.warning("append-only triggers dropped from %s (%s)", ", ".join(AUDIT_TABLES), dialect)
