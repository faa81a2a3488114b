"""What the job-board import benchmarks share: the real files, a fresh database, one import."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api import importer, migrate, security
from api.config import Settings
from api.db import make_engine, make_session_factory
from api.models import Role, User
from api.schemas import ImportReport, UserCreate

DATA = Path(__file__).resolve().parents[1] / "../shared/data"
SAMPLE_1000 = "jobs_linkedin_2023_24_sample1000/postings.csv"
SAMPLE_165 = "jobs_linkedin_2024_sample165/postings.csv"
FILE_33K = "jobs_linkedin_2023_33k_nodesc/job_postings.csv"
# The day the 2023-24 export was taken (its newest listed_time): its postings are live then.
EXPORT_DAY = dt.date(2024, 4, 20)
TTL_DAYS = Settings().import_ttl_days
USERNAME = "bench-liaison"


def fresh_database(path: Path) -> tuple[sessionmaker[Session], User]:
    """A migrated SQLite file with one liaison (cheap password hash)."""
    security.configure_from(Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1))
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        user = UserCreate(username=USERNAME, password="bench liaison password", role=Role.LIAISON)
        liaison = security.create_user(session, user_create=user)
        session.commit()
        session.expunge(liaison)
    return factory, liaison


def run_import(
    factory: sessionmaker[Session], user: User, data: bytes, *, as_of: dt.date, **options: Any
) -> tuple[ImportReport, float]:
    """The import as the route runs it, and its wall time in seconds."""
    with factory() as session:
        liaison = session.get(User, user.id)
        assert liaison is not None
        started = time.perf_counter()
        text = importer.read_upload(data, max_bytes=sys.maxsize)
        report = importer.run_file_import(
            session,
            user=liaison,
            text=text,
            profile=None,
            atomic=False,
            today=as_of,
            ttl_days=TTL_DAYS,
            max_rows=None,  # a job-board file: its rows are not limited (as on the server)
            **options,
        )
        return report, time.perf_counter() - started
