"""Alembic environment: the app passes its connection; the CLI builds one from Settings."""

from __future__ import annotations

import logging.config

from alembic import context
from sqlalchemy import Connection

import api.audit  # noqa: F401  (registers the audit tables on Base.metadata)
import api.models  # noqa: F401
import api.rematch.models  # noqa: F401  (nightly re-match tables)
from api.config import get_settings
from api.db import Base, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().sqlalchemy_url
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
