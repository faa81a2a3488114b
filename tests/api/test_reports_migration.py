"""Migration 0012_reports: clients added before it get the day they were added as enrolment date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from api import migrate
from api.db import make_engine
from tests.api.conftest import fresh_database


def test_enrolment_is_backfilled_from_the_day_the_client_was_added(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "0011_posting_source")
        added = dt.datetime(2025, 7, 14, 23, 30, tzinfo=dt.UTC)  # late evening UTC: still the 14th
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, full_name, role, hashed_password, is_active,"
                    " created_at, token_version, is_demo)"
                    " VALUES (1, 's', '', 'specialist', 'x', true, :at, 0, false)"
                ),
                {"at": added},
            )
            connection.execute(
                text(
                    "INSERT INTO clients (id, specialist_id, label, status, version, record, created_at,"
                    " updated_at) VALUES ('C-1', 1, '', 'active', 1, '{}', :at, :at)"
                ),
                {"at": added},
            )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            enrolled = connection.execute(text("SELECT enrolled_on FROM clients")).scalar_one()
        engine.dispose()
    assert str(enrolled)[:10] == "2025-07-14"
