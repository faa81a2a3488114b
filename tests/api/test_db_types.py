"""One ``UTCDateTime`` for every table: timestamps stored by the audit trail's former type read back alike.

Until the audit tables moved into ``api.audit`` they had a timestamp type of their
own (naive values taken as UTC, SQLite given naive UTC). ``LegacyAuditUTCDateTime``
below is that type, frozen: what it stored must read back through ``api.db.UTCDateTime``
as the same instant, and the one type must store the very same text (SQLite) or value
(PostgreSQL) for it, on both databases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, Dialect, Integer, MetaData, Table, Text, create_engine, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.types import TypeDecorator

from api.db import UTCDateTime
from tests.api.conftest import fresh_database


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class LegacyAuditUTCDateTime(TypeDecorator[dt.datetime]):
    """The audit tables' former type (``api/audit_chain.py`` before the merge), frozen."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        value = _as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else _as_utc(value)


IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
INSTANTS = [
    dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 1, 4, 0, 0, 1, tzinfo=IST),  # another zone: the same instant in UTC
]


def _table(metadata: MetaData, name: str, column_type: Any) -> Table:
    return Table(name, metadata, Column("id", Integer, primary_key=True), Column("at", column_type))


def test_timestamps_of_the_former_audit_type_read_back_identically(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = create_engine(url)
        written, read = MetaData(), MetaData()
        legacy = _table(written, "stamps_legacy", LegacyAuditUTCDateTime)
        current = _table(written, "stamps_current", UTCDateTime)
        written.create_all(engine)
        with engine.begin() as conn:
            for table in (legacy, current):
                conn.execute(table.insert(), [{"id": i, "at": at} for i, at in enumerate(INSTANTS)])
            # the legacy type also took naive values as UTC: such rows exist in old audit tables
            conn.execute(legacy.insert(), [{"id": 99, "at": dt.datetime(2026, 1, 5, 8, 15, 30, 250000)}])
        through_current = _table(read, "stamps_legacy", UTCDateTime)
        with engine.connect() as conn:
            back = dict(conn.execute(select(through_current.c.id, through_current.c.at)).all())
            raw_type = Text if backend == "sqlite" else DateTime(timezone=True)

            def raw(table: Table) -> dict[int, Any]:
                stmt = select(table.c.id, sql_cast(table.c.at, raw_type)).order_by(table.c.id)
                return {i: v for i, v in conn.execute(stmt) if i != 99}

            stored_legacy, stored_current = raw(legacy), raw(current)
        engine.dispose()
    for i, instant in enumerate(INSTANTS):
        assert back[i] == instant and back[i].tzinfo == dt.UTC
        assert back[i].isoformat() == instant.astimezone(dt.UTC).isoformat()
    assert back[99] == dt.datetime(2026, 1, 5, 8, 15, 30, 250000, tzinfo=dt.UTC)
    assert stored_current == stored_legacy  # the same text (SQLite) or timestamptz (PostgreSQL)
    if backend == "sqlite":
        assert stored_current[1] == "2026-03-02 09:30:00.123456"
        assert stored_current[3] == "2026-06-30 22:30:00.000001"


def test_a_naive_timestamp_is_refused_on_write(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'naive.db'}")
    table = _table(MetaData(), "stamps", UTCDateTime)
    table.metadata.create_all(engine)
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "at": dt.datetime(2026, 3, 2, 9, 30)}])
    engine.dispose()
