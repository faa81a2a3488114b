"""Tables of the nightly re-match: runs, their chunks, shortlist versions, loads and digests.

A run is planned once (its chunks of client ids are stored with it) and then
worked chunk by chunk; each chunk's shortlist versions, their audit records and
its ``done`` flag are committed in one transaction, so a run killed at any
point resumes with exactly the chunks not done. ``(client_id, run_id)`` is
unique: a client can never get two versions in one run.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime
from api.models import utcnow


class RunStatus(enum.StrEnum):
    """Where a run is: planned and working, finished, or given up on."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class RematchRun(Base):
    """One nightly re-match: when, what it counted and timed, what it skipped, how far it got."""

    __tablename__ = "rematch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING.value, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Heartbeat: bumped with every committed chunk (a stale running run was killed).
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by: Mapped[str] = mapped_column(String(64), default="system")
    as_of: Mapped[dt.date] = mapped_column(Date)
    k: Mapped[int] = mapped_column(Integer, default=10)
    chunk_size: Mapped[int] = mapped_column(Integer, default=256)
    engine_version: Mapped[str] = mapped_column(String(32), default="")
    config_hash: Mapped[str] = mapped_column(String(64), default="")
    config_version: Mapped[int] = mapped_column(Integer, default=0)
    openings_hash: Mapped[str] = mapped_column(String(64), default="")
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)


class RematchChunk(Base):
    """A planned chunk of a run: its client ids and whether it is committed."""

    __tablename__ = "rematch_chunks"

    run_id: Mapped[int] = mapped_column(ForeignKey("rematch_runs.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_ids: Mapped[list[str]] = mapped_column(JSON)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ShortlistVersion(Base):
    """A client's shortlist from one run: the top-k rows with scores and contributions."""

    __tablename__ = "shortlist_versions"
    __table_args__ = (
        UniqueConstraint("client_id", "run_id", name="uq_shortlist_versions_client_run"),
        UniqueConstraint("client_id", "version", name="uq_shortlist_versions_client_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("rematch_runs.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    primary_opening_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # SHA-256 of the client record scored: the digest tells "client changed" from this.
    client_hash: Mapped[str] = mapped_column(String(64), default="")
    recommendation_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RematchOpeningLoad(Base):
    """Per run and opening: positions, shortlists it is on, first choices and primaries."""

    __tablename__ = "rematch_opening_loads"

    run_id: Mapped[int] = mapped_column(ForeignKey("rematch_runs.id"), primary_key=True)
    opening_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    positions: Mapped[int] = mapped_column(Integer)
    shortlists: Mapped[int] = mapped_column(Integer)
    first_choice: Mapped[int] = mapped_column(Integer)
    primaries: Mapped[int] = mapped_column(Integer)
    primaries_per_position: Mapped[float] = mapped_column(Float)


class RematchDigest(Base):
    """What changed for one specialist's caseload in one run (JSON, Markdown and CSV)."""

    __tablename__ = "rematch_digests"

    run_id: Mapped[int] = mapped_column(ForeignKey("rematch_runs.id"), primary_key=True)
    specialist_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    markdown: Mapped[str] = mapped_column(Text)
    csv: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
