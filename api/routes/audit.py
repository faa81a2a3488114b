"""The audit trail (auditor): events, recommendation records, CSV export, chain check."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from sqlalchemy.orm import Session

from api import audit, store
from api.audit import notes
from api.audit import store as audit_store
from api.audit.views import opening_view, shortlist_view
from api.deps import AuditorUser, MatcherDep, SessionDep, SettingsDep, require
from api.models import Role, User
from api.reconstruct import ReconstructError, reconstruct
from api.schemas import errors
from api.schemas.audit import (
    AuditEventPublic,
    AuditEventsPublic,
    NoteRedacted,
    NoteRedaction,
    PoolOpeningsPublic,
    RecommendationPublic,
    RecommendationsPublic,
    RecommendationSummary,
    ReconstructionPublic,
    VerifyPublic,
)

router = APIRouter(prefix="/audit", tags=["audit"], responses=errors(401, 403))

REDACTED = "redacted"
Text = Annotated[str | None, Query(max_length=200)]


def event_filters(
    client_id: Text = None,
    opening_id: Text = None,
    actor: Annotated[str | None, Query(max_length=200, description="username")] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[dt.datetime | None, Query(description="at or after (UTC)")] = None,
    until: Annotated[dt.datetime | None, Query(description="before (UTC)")] = None,
) -> dict[str, Any]:
    """Query filters shared by the list and export endpoints."""
    return {
        "client_id": client_id,
        "opening_id": opening_id,
        "actor": actor,
        "kind": kind,
        "since": since,
        "until": until,
    }


FiltersDep = Annotated[dict[str, Any], Depends(event_filters)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def newest_recommendations(
    session: Session, *, limit: int, offset: int, total: int, **filters: Any
) -> list[audit.RecommendationRecord]:
    """A page of records newest first: the mirrored slice of the oldest-first list, reversed."""
    end = max(total - offset, 0)
    start = max(end - limit, 0)
    rows = audit.list_recommendations(session, **filters, limit=end - start, offset=start) if end else []
    return rows[::-1]


def summary(record: audit.RecommendationRecord) -> dict[str, Any]:
    """A record's facts every auditor may see (ids, hashes, versions, the suggested ids)."""
    suggestions = record.shortlist.get("suggestions", [])
    return {
        "id": record.id,
        "at": record.at,
        "actor": record.actor,
        "kind": record.kind,
        "client_id": record.client_id,
        "inputs_hash": record.inputs_hash,
        "engine_version": record.engine_version,
        "config_hash": record.config_hash,
        "event_seq": record.event_seq,
        "suggested_opening_ids": [s.get("opening_id") for s in suggestions],
        "pool_hash": record.pool_hash,
    }


def redact(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A client snapshot without the home location (only the client's specialist sees it)."""
    out = dict(snapshot)
    for key in ("home", "zip"):
        if key in out:
            out[key] = REDACTED
    return out


@router.get("/events")
def list_events(
    session: SessionDep,
    _auditor: AuditorUser,
    filters: FiltersDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AuditEventsPublic:
    """Chain events (logins, client reads, decisions, outcomes, ...), oldest first."""
    rows = audit.list_events(session, **filters, limit=limit, offset=offset)
    return AuditEventsPublic(
        data=[AuditEventPublic.model_validate(e) for e in rows],
        count=len(rows),
        total=audit.count_events(session, **filters),
        limit=limit,
        offset=offset,
    )


@router.get(
    "/events/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}},
)
def export_events(session: SessionDep, _auditor: AuditorUser, filters: FiltersDep) -> Response:
    """Every matching event as CSV, with its hashes."""
    body = audit.export_events_csv(session, **filters)
    return Response(
        content=body,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
    )


@router.get("/recommendations")
def list_recommendations(
    session: SessionDep,
    _auditor: AuditorUser,
    filters: FiltersDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> RecommendationsPublic:
    """Recommendation records (``opening_id`` matches shown openings and nearest misses)."""
    rows = audit.list_recommendations(session, **filters, limit=limit, offset=offset)
    data = [RecommendationSummary.model_validate(summary(r)) for r in rows]
    return RecommendationsPublic(
        data=data,
        count=len(data),
        total=audit.count_recommendations(session, **filters),
        limit=limit,
        offset=offset,
    )


@router.get("/recommendations/{record_id}", responses=errors(404))
def read_recommendation(session: SessionDep, _auditor: AuditorUser, record_id: str) -> RecommendationPublic:
    """One record: inputs, versions, the ranked list with reasons and codes, exclusions (minimum necessary).

    Commute is a band of the client's limit; no coordinates, commute points or total scores.
    """
    return RecommendationPublic.model_validate(record_view(_record(session, record_id)))


def record_view(record: audit.RecommendationRecord) -> dict[str, Any]:
    """One record as auditors see it: home redacted, commute as bands, no coordinates or scores."""
    return {
        **summary(record),
        "client_snapshot": redact(record.client_snapshot),
        "opening_snapshots": [opening_view(o) for o in record.opening_snapshots],
        "shortlist": shortlist_view(record.shortlist),
    }


def _record(session: SessionDep, record_id: str) -> audit.RecommendationRecord:
    record = audit.get_recommendation(session, record_id)
    if record is None:
        raise HTTPException(status_code=404, detail="Recommendation not found")
    return record


@router.get("/recommendations/{record_id}/reconstruct", responses=errors(404, 409))
def reconstruct_recommendation(
    session: SessionDep, _auditor: AuditorUser, cache: MatcherDep, record_id: str
) -> ReconstructionPublic:
    """Rebuild the shortlist from the record and its stored pool version; say whether it is identical."""
    record = _record(session, record_id)
    try:
        rebuilt = reconstruct(
            session,
            record,
            text_model=cache.text_model,
            text_model_id=cache.text_model_id,
            travel_times=cache.travel_times,
        )
    except ReconstructError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return ReconstructionPublic(
        record_id=rebuilt.record_id,
        pool_hash=rebuilt.pool_hash,
        n_openings=rebuilt.n_openings,
        identical=rebuilt.identical,
        differences=rebuilt.differences,
        shortlist=shortlist_view(rebuilt.shortlist),
    )


@router.get("/pools/{pool_hash}/openings", responses=errors(404))
def read_pool(
    session: SessionDep,
    _auditor: AuditorUser,
    pool_hash: str,
    opening_id: Text = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> PoolOpeningsPublic:
    """The openings of a stored pool version, as the engine read them (without coordinates)."""
    openings = audit.pool_openings(session, pool_hash)
    if openings is None:
        raise HTTPException(status_code=404, detail="Pool not found")
    picked = [o for o in openings if opening_id is None or o.get("id") == opening_id]
    page = [opening_view(o) for o in picked[offset : offset + limit]]
    return PoolOpeningsPublic(
        pool_hash=pool_hash,
        n_openings=len(openings),
        data=page,
        count=len(page),
        total=len(picked),
        limit=limit,
        offset=offset,
    )


@router.get("/verify")
def verify(session: SessionDep, settings: SettingsDep, _auditor: AuditorUser) -> VerifyPublic:
    """Recompute the hash chain, check the signed checkpoints and the tables behind recommendations.

    A chain cut back past a checkpoint (its newest events deleted) is reported; events
    written after the newest checkpoint are not covered (``events_after_checkpoint``).
    """
    result = audit.verify_chain(session, key=settings.audit_signing_key())
    return VerifyPublic.model_validate(dataclasses.asdict(result))


AdminOrAuditor = Annotated[User, Depends(require(Role.ADMIN, Role.AUDITOR))]


@router.post("/notes/{note_id}/redaction", responses=errors(404, 409))
def redact_note(
    session: SessionDep,
    user: AdminOrAuditor,
    note_id: Annotated[str, Path(max_length=36)],
    body: NoteRedaction,
) -> NoteRedacted:
    """Erase a free-text note on a lawful request; the redaction is itself an audit event.

    The chain keeps the note's salted hash, so verification still passes; the note's
    text (in the audit trail and on the decision) becomes a redaction marker.
    """
    note = notes.get_note(session, note_id)
    if note is None:
        raise HTTPException(status_code=404, detail="Note not found")
    if note.redacted_at is not None:
        raise HTTPException(status_code=409, detail="Note already redacted")
    event = audit_store.event_with_note(session, note_id)
    if event is not None and event.kind == "decision" and isinstance(event.payload.get("decision_id"), int):
        store.decisions.redact_decision_note(
            session, decision_id=event.payload["decision_id"], marker=notes.REDACTED
        )
    notes.redact_note(session, note=note, actor=user.username, reason=body.reason)
    session.commit()
    assert note.redacted_at is not None and note.redacted_by is not None
    return NoteRedacted(note_id=note.id, redacted_at=note.redacted_at, redacted_by=note.redacted_by)
