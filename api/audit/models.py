"""Tables of the audit trail: the hash-chained event log and the recommendation records.

Both tables are append-only: :func:`api.audit.triggers.install_triggers` makes the
database refuse UPDATE and DELETE on them. JSON columns are TEXT holding the
canonical JSON that was hashed (see :mod:`api.audit.chain`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from api.audit.chain import CanonicalJSON
from api.db import Base, UTCDateTime

ID_LENGTH = 200  # client, opening and user ids
HASH_LENGTH = 64  # hex SHA-256
REQUEST_ID_LENGTH = 64  # api.request_id.MAX_LENGTH


class AuditEvent(Base):
    """One link of the hash chain: who did what, when, to which client or opening."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor", "actor"),
        Index("ix_audit_events_kind", "kind"),
        Index("ix_audit_events_client_id", "client_id"),
        Index("ix_audit_events_opening_id", "opening_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    client_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    opening_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(CanonicalJSON, nullable=False)
    # Unique: two events can never claim the same predecessor, so the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False, unique=True)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False, unique=True)
    # The canonical JSON form this event (and the record it seals) was hashed in; see
    # api.audit.chain. The server default is for events written before the column existed.
    canon: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    # The request (or CLI run) that caused it, as in that request's log lines (api.request_id);
    # inside the hash when set. Null for events outside a request and before 0009.
    request_id: Mapped[str | None] = mapped_column(String(REQUEST_ID_LENGTH), nullable=True, default=None)

    def __repr__(self) -> str:
        return f"AuditEvent(seq={self.seq}, kind={self.kind!r}, actor={self.actor!r})"


class RecommendationRecord(Base):
    """Everything needed to reconstruct one shortlist: inputs, versions and what was shown."""

    __tablename__ = "recommendation_records"
    __table_args__ = (
        CheckConstraint("kind IN ('interactive', 'rematch')", name="ck_recommendation_kind"),
        Index("ix_recommendation_records_at", "at"),
        Index("ix_recommendation_records_actor", "actor"),
        Index("ix_recommendation_records_client_id", "client_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(ID_LENGTH), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH), nullable=False)
    inputs_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False)
    client_snapshot: Mapped[dict[str, Any]] = mapped_column(CanonicalJSON, nullable=False)
    opening_snapshots: Mapped[list[dict[str, Any]]] = mapped_column(CanonicalJSON, nullable=False)
    engine_version: Mapped[str] = mapped_column(String(64), nullable=False)
    config_hash: Mapped[str] = mapped_column(String(128), nullable=False)
    shortlist: Mapped[dict[str, Any]] = mapped_column(CanonicalJSON, nullable=False)
    # The pool of openings it was computed against (``pool_manifests.hash``); then
    # ``opening_snapshots`` is empty. Null for records that keep their own copy (before 0005).
    pool_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), nullable=True, default=None)
    # Random, inside both hashes, shown to no one (api.audit.chain._salted); null before 0007.
    salt: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    event_seq: Mapped[int] = mapped_column(
        Integer, ForeignKey("audit_events.seq"), nullable=False, unique=True
    )

    def __repr__(self) -> str:
        return f"RecommendationRecord(id={self.id!r}, client_id={self.client_id!r})"


class AuditCheckpoint(Base):
    """A signed note of the chain head ``(seq, hash)``: a chain cut back past it is reported.

    The signature (HMAC-SHA256 under a key kept outside the database, see
    :mod:`api.audit.checkpoints`) makes a checkpoint impossible to forge from
    inside the database; ``key_id`` names the key so a rotated key is told apart.
    """

    __tablename__ = "audit_checkpoints"
    __table_args__ = (Index("ix_audit_checkpoints_seq", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    signature: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False)


class AuditNote(Base):
    """A free-text note kept outside the chain: the chain holds ``sha256(salt + text)`` only.

    The salt is random per note, so a short note cannot be guessed from its hash.
    On a lawful request the text is replaced by a redaction marker (and the
    redaction is itself a chain event); verification then accepts the marker.
    """

    __tablename__ = "audit_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    salt: Mapped[str] = mapped_column(String(HASH_LENGTH), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    redacted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    redacted_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)


class OpeningSnapshot(Base):
    """One opening as the engine read it into a pool, stored once however many pools hold it.

    ``hash`` is the SHA-256 of ``snapshot``'s stored text (RFC 8785), so verification
    rehashes the text as it is.
    """

    __tablename__ = "opening_snapshots"

    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(CanonicalJSON, nullable=False)


class PoolChunk(Base):
    """A run of a pool's opening hashes, stored once: pools that differ by one opening share the rest.

    ``hash`` is the SHA-256 of ``openings``' stored text (an RFC 8785 array of opening hashes).
    Chunks end after an opening whose hash is a boundary (:mod:`api.audit.pools`), so an edit
    changes one chunk, wherever the opening is.
    """

    __tablename__ = "pool_chunks"

    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    openings: Mapped[list[str]] = mapped_column(CanonicalJSON, nullable=False)


class PoolManifest(Base):
    """One version of a pool of openings: its chunks, in order (the openings the engine read).

    ``form`` says what ``hash`` (the pool hash records reference) is the SHA-256 of:
    2, the stored text of ``chunks`` (the RFC 8785 array of the chunk hashes); 1 (pools
    stored before 0006, when the whole pool was one text), the RFC 8785 array of the
    openings themselves.
    """

    __tablename__ = "pool_manifests"

    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    n_openings: Mapped[int] = mapped_column(Integer, nullable=False)
    form: Mapped[int] = mapped_column(Integer, nullable=False)
    chunks: Mapped[list[str]] = mapped_column(CanonicalJSON, nullable=False)

    def __repr__(self) -> str:
        return f"PoolManifest(hash={self.hash[:12]!r}, n_openings={self.n_openings}, form={self.form})"
