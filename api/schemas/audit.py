"""The audit trail as auditors see it (a client's home location is never shown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Strict

HASH = "SHA-256, hex"


class AuditEventPublic(BaseModel):
    """One event of the append-only, hash-chained audit trail."""

    model_config = ConfigDict(from_attributes=True)

    seq: int = Field(description="Position in the chain: 1 for the first event, then one more each.")
    at: dt.datetime = Field(description="When it happened (UTC).")
    actor: str | None = Field(
        description="Username of who did it; null when no logged-in user did (the command line, the "
        "nightly run, a failed login)."
    )
    kind: str = Field(
        description="What happened, e.g. login, client.created, client.read, decision, outcome, "
        "opening.created, recommendation (a shortlist was recorded), config.updated."
    )
    client_id: str | None = Field(description="The client concerned, if any.")
    opening_id: str | None = Field(description="The opening concerned, if any.")
    payload: dict[str, Any] = Field(
        description="The event's facts, e.g. a decision's action, reason code and note."
    )
    prev_hash: str = Field(description=f"Hash of the previous event ({HASH}); the chain's links.")
    hash: str = Field(description=f"Hash of this event's fields and prev_hash ({HASH}).")
    request_id: str | None = Field(
        default=None,
        description="The HTTP request (X-Request-ID, as on its log lines) or command run (cli-…) "
        "that caused it; covered by the hash when set. Null outside a request and before 0009.",
    )


class AuditEventsPublic(BaseModel):
    """A page of audit events."""

    data: list[AuditEventPublic] = Field(description="The events, in chain order.")
    count: int = Field(description="Number of events in data.")
    total: int = Field(description="Number of events matching the filters, on every page.")
    limit: int = Field(description="Most events per page (as asked, default 100, at most 1000).")
    offset: int = Field(description="Events skipped before this page.")


class RecommendationSummary(BaseModel):
    """Who asked for which client's shortlist, when, with which engine and configuration."""

    id: str = Field(description="The record's id (the shortlist's recommendation_id).")
    at: dt.datetime = Field(description="When the shortlist was made (UTC).")
    actor: str = Field(description='Username of who asked for it; "rematch" for the nightly run.')
    kind: str = Field(
        description="interactive (a specialist asked for it) or rematch (made by the nightly run)."
    )
    client_id: str = Field(description="The client the shortlist is for.")
    inputs_hash: str = Field(
        description=f"Hash of exactly what the engine read: the client and the openings ({HASH})."
    )
    engine_version: str = Field(description="Version of the matching engine.")
    config_hash: str = Field(description="Short hash of the program configuration used.")
    event_seq: int = Field(description="seq of the chain event that seals this record.")
    suggested_opening_ids: list[str] = Field(description="The suggested openings, best first.")
    pool_hash: str | None = Field(
        default=None,
        description=f"The stored pool of openings the shortlist was computed against ({HASH}); "
        "null for records that keep their own copy of the openings.",
    )


class RecommendationsPublic(BaseModel):
    """A page of recommendation records."""

    data: list[RecommendationSummary] = Field(description="The records, oldest first.")
    count: int = Field(description="Number of records in data.")
    total: int = Field(description="Number of records matching the filters, on every page.")
    limit: int = Field(description="Most records per page (as asked, default 100, at most 1000).")
    offset: int = Field(description="Records skipped before this page.")


class RecommendationPublic(RecommendationSummary):
    """A full record, minimum necessary: home redacted, commute as bands, no coordinates."""

    client_snapshot: dict[str, Any] = Field(
        description="The client profile the engine read (home location redacted)."
    )
    opening_snapshots: list[dict[str, Any]] = Field(
        description="Records with their own copy of the openings: those openings without coordinates; "
        "empty for records that reference a pool (pool_hash)."
    )
    shortlist: dict[str, Any] = Field(
        description="The shortlist as shown, for non-owners: suggestions with ranks, reasons, codes and "
        "the points of every factor but commute; commute as a band of the client's limit (no minutes, "
        "no commute points, no total score); exclusions counted by reason code, with nearest misses."
    )


class ReconstructionPublic(BaseModel):
    """A recommendation rebuilt from its record and stored pool, compared with what was shown."""

    record_id: str = Field(description="The record rebuilt.")
    pool_hash: str | None = Field(
        description=f"The pool of openings used ({HASH}); null: the record's own copy."
    )
    n_openings: int = Field(description="Openings in the pool.")
    identical: bool = Field(description="true when scores, contributions, ranks and texts are all the same.")
    differences: list[str] = Field(
        description='Fields that differ, e.g. "suggestions[2].score"; empty when identical.'
    )
    shortlist: dict[str, Any] = Field(
        description="The rebuilt shortlist, in the same non-owner view as the record."
    )


class PoolOpeningsPublic(BaseModel):
    """A page of one stored pool version's openings (what the engine read), without coordinates."""

    pool_hash: str = Field(description=f"The pool ({HASH} of its canonical JSON).")
    n_openings: int = Field(description="Openings in the whole pool.")
    data: list[dict[str, Any]] = Field(
        description="The openings of this page, in the order the engine read them."
    )
    count: int = Field(description="Number of openings in data.")
    total: int = Field(description="Openings matching the filter in the whole pool, on every page.")
    limit: int = Field(description="Most openings per page (as asked, default 100, at most 1000).")
    offset: int = Field(description="Openings skipped before this page.")


class VerifyPublic(BaseModel):
    """Result of recomputing the hash chain; ``first_broken_seq`` names the first bad link."""

    ok: bool = Field(description="true when every event and recommendation record checks out.")
    n_events: int = Field(description="Number of events checked.")
    first_broken_seq: int | None = Field(
        description="seq of the first event (or record seal) that does not check out; null when ok."
    )
    message: str = Field(description='What was found, in words (e.g. "chain intact: 1234 events").')
    head_seq: int | None = Field(default=None, description="seq of the newest event (null when empty).")
    head_hash: str | None = Field(
        default=None,
        description="hash of the newest event: note it down to detect a later rewrite or truncation.",
    )
    checkpoints: int = Field(default=0, description="Genuine signed checkpoints of the chain head found.")
    checkpoint_seq: int | None = Field(
        default=None,
        description="seq of the newest genuine checkpoint; a chain cut back past it is reported.",
    )
    events_after_checkpoint: int | None = Field(
        default=None,
        description="Events newer than the newest checkpoint: these could be removed unseen until the "
        "next checkpoint is written.",
    )


class NoteRedaction(Strict):
    """A lawful request to erase one free-text note from the audit trail."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "GDPR art. 17 erasure, request 2026-114"}]}
    )

    reason: str = Field(
        min_length=3,
        max_length=500,
        description="The lawful basis and request reference (kept in the chain; do not repeat the note).",
    )


class NoteRedacted(BaseModel):
    """The note's text is gone; the chain keeps its salted hash and the redaction event."""

    note_id: str = Field(description="The note redacted (the note_id of the event payload).")
    redacted_at: dt.datetime = Field(description="When it was redacted (UTC).")
    redacted_by: str = Field(description="Username of who redacted it.")
