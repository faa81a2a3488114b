"""The audit trail as auditors see it (a client's home location is never shown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: dt.datetime
    actor: str | None
    kind: str
    client_id: str | None
    opening_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class AuditEventsPublic(BaseModel):
    data: list[AuditEventPublic]
    count: int


class RecommendationSummary(BaseModel):
    """Who asked for which client's shortlist, when, with which engine and configuration."""

    id: str
    at: dt.datetime
    actor: str
    kind: str
    client_id: str
    inputs_hash: str
    engine_version: str
    config_hash: str
    event_seq: int
    suggested_opening_ids: list[str]


class RecommendationsPublic(BaseModel):
    data: list[RecommendationSummary]
    count: int


class RecommendationPublic(RecommendationSummary):
    """A full record: input snapshots (home redacted), the ranked list and exclusions."""

    client_snapshot: dict[str, Any]
    opening_snapshots: list[dict[str, Any]]
    shortlist: dict[str, Any]


class VerifyPublic(BaseModel):
    """Result of recomputing the hash chain; ``first_broken_seq`` names the first bad link."""

    ok: bool
    n_events: int
    first_broken_seq: int | None
    message: str
    head_seq: int | None = None
    head_hash: str | None = None
