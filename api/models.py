"""SQLAlchemy tables of the service (audit tables: ``api.audit.models``; nightly run: ``api.rematch.models``).

Clients and openings keep their engine record (``matcher.records`` dict form)
as JSON next to the columns the service queries on. No table has a field for
diagnoses: clients are described by functional needs only.
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
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime


def utcnow() -> dt.datetime:
    """Timezone-aware now (UTC)."""
    return dt.datetime.now(dt.UTC)


class Role(enum.StrEnum):
    """What a user may do; each endpoint names the roles it serves."""

    SPECIALIST = "specialist"
    LIAISON = "liaison"
    AUDITOR = "auditor"
    ADMIN = "admin"


class ClientStatus(enum.StrEnum):
    """A client's place on the caseload."""

    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    hashed_password: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Copied into each access token and compared per request: bumping it ends every token
    # issued before (password, role or active-state change, logout).
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Created by `placement-api demo`: a start outside demo mode refuses to serve with one present.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    specialist_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(16), default=ClientStatus.ACTIVE.value)
    version: Mapped[int] = mapped_column(Integer, default=1)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The day the client joined the program: outcome reports count days to a first job from it.
    enrolled_on: Mapped[dt.date] = mapped_column(Date, default=lambda: utcnow().date())

    # A concurrent flush that finds another version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    fair_chance: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who to call there (job development): shown to liaisons and specialists, never to auditors.
    contact_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_address: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # The specialist who recorded it (job development); null when a liaison or an import added it.
    developed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class EmployerLiaison(Base):
    """Which liaisons manage which employers (admin assigns; a creator is assigned)."""

    __tablename__ = "employer_liaisons"

    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class Opening(Base):
    __tablename__ = "openings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The specialist who developed it (IPS job development); null for a liaison's posting.
    # Indexed: a liaison's list reads "managed, or developed and unassigned" through two indexes.
    developed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The openings counter after the last write of this opening: the matcher cache's change log.
    changed_version: Mapped[int] = mapped_column(Integer, server_default="0", index=True)
    # Where an imported posting came from (a job-board profile, e.g. "linkedin") and its id there:
    # a re-import of the same posting updates this opening. Null for openings entered here.
    source: Mapped[str | None] = mapped_column(String(32), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_openings_source_external_id"),)
    __mapper_args__ = {"version_id_col": version}


class Decision(Base):
    """What a specialist did with a suggestion (approve, reject, applied, ...)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    opening_id: Mapped[str] = mapped_column(ForeignKey("openings.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recommendation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Placement(Base):
    """A job a client started, as IPS counts it: the job, pay, hours, start, and end with a reason."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    # Null for a job the client found outside the pool (IPS counts those too).
    opening_id: Mapped[str | None] = mapped_column(ForeignKey("openings.id"), index=True, nullable=True)
    job_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    employer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    hourly_wage: Mapped[float | None] = mapped_column(Float, nullable=True)
    weekly_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Competitive integrated employment: an ordinary job open to anyone, at least minimum wage.
    competitive_integrated: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    separation_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class ProgramConfig(Base):
    """One version of the program's MatcherConfig (the newest one is in force)."""

    __tablename__ = "program_configs"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    config_hash: Mapped[str] = mapped_column(String(64))
    # Versions stored before config hashes moved to RFC 8785 keep their former hash here,
    # the one that recommendation records and audit events of that time carry.
    legacy_config_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Counter(Base):
    """Named counters; ``openings`` changes whenever the set of openings does."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class RemovedStrength(Base):
    """An inferred strength a specialist removed for a client: it is not inferred again."""

    __tablename__ = "removed_strengths"

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    # Case-folded phrase: "Clean tableware" and "clean tableware" are one removal.
    phrase_key: Mapped[str] = mapped_column(String(400), primary_key=True)
    phrase: Mapped[str] = mapped_column(String(200))
    removed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class BenefitsFigures(Base):
    """A year of SSA benefits figures an admin loaded (``api.benefits``); beside the packaged years.

    Stored in the database, not a data folder, so that every worker picks the same figures.
    """

    __tablename__ = "benefits_figures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientDemographics(Base):
    """A client's optional self-reported groups, for the fairness audit only (``api.fairness``).

    Kept apart from the matching profile and never read by the engine; recorded by the
    client's specialist with the client's consent, read back by no one, used only in
    aggregate by auditors and admins. A null attribute: not stated.
    """

    __tablename__ = "client_demographics"

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    sex: Mapped[str | None] = mapped_column(String(32), nullable=True)
    race_ethnicity: Mapped[str | None] = mapped_column(String(32), nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # A functional category (what is hard to do), never a diagnosis.
    disability: Mapped[str | None] = mapped_column(String(32), nullable=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
