"""Read side of the audit trail: filtered lists, one record, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, literal, or_, select
from sqlalchemy.orm import Session

from api.audit.chain import as_utc, canonical_json, utc_text
from api.audit.models import AuditEvent, RecommendationRecord

CSV_COLUMNS = (
    "seq",
    "at",
    "actor",
    "kind",
    "client_id",
    "opening_id",
    "payload",
    "prev_hash",
    "hash",
)
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _page(stmt: Select[Any], limit: int | None, offset: int) -> Select[Any]:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    return stmt.limit(limit).offset(offset) if limit is not None else stmt.offset(offset)


def _window(column: Any, since: dt.datetime | None, until: dt.datetime | None) -> list[Any]:
    """``since <= at < until``; naive datetimes are taken as UTC (the column type refuses them)."""
    conditions = []
    if since is not None:
        conditions.append(column >= as_utc(since))
    if until is not None:
        conditions.append(column < as_utc(until))
    return conditions


def _event_query(
    *,
    client_id: str | None,
    opening_id: str | None,
    actor: str | None,
    kind: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Select[Any]:
    stmt = select(AuditEvent)
    for column, value in (
        (AuditEvent.client_id, client_id),
        (AuditEvent.opening_id, opening_id),
        (AuditEvent.actor, actor),
        (AuditEvent.kind, kind),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt.where(*_window(AuditEvent.at, since, until)).order_by(AuditEvent.seq)


def list_events(
    session: Session,
    *,
    client_id: str | None = None,
    opening_id: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """Chain events matching every given filter, oldest first (``limit=None``: all)."""
    stmt = _event_query(
        client_id=client_id,
        opening_id=opening_id,
        actor=actor,
        kind=kind,
        since=since,
        until=until,
    )
    return list(session.scalars(_page(stmt, limit, offset)))


def _mentions_opening(session: Session, opening_id: str) -> ColumnElement[bool]:
    """The shortlist JSON holds ``opening_id`` as a string value (not as a key).

    The shortlist column is canonical JSON, where an unescaped double quote only
    ever opens or closes a string, so ``"<id>"`` followed by ``,``, ``]`` or ``}``
    is exactly that id as a value (in a suggestion, an exclusion, or a list of ids).
    """
    token = canonical_json(opening_id)
    find = func.strpos if session.get_bind().dialect.name == "postgresql" else func.instr
    column = RecommendationRecord.shortlist
    return or_(*(find(column, literal(token + end, String)) > 0 for end in (",", "]", "}")))


def list_recommendations(
    session: Session,
    *,
    client_id: str | None = None,
    opening_id: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> list[RecommendationRecord]:
    """Recommendation records, oldest first; ``opening_id`` matches suggestions and exclusions."""
    stmt = select(RecommendationRecord)
    for column, value in (
        (RecommendationRecord.client_id, client_id),
        (RecommendationRecord.actor, actor),
        (RecommendationRecord.kind, kind),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if opening_id is not None:
        stmt = stmt.where(_mentions_opening(session, opening_id))
    stmt = stmt.where(*_window(RecommendationRecord.at, since, until))
    stmt = stmt.order_by(RecommendationRecord.event_seq)
    return list(session.scalars(_page(stmt, limit, offset)))


def get_recommendation(session: Session, record_id: str) -> RecommendationRecord | None:
    """One recommendation record with its full explanation, or None."""
    return session.get(RecommendationRecord, record_id)


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_events_csv(
    session: Session,
    *,
    client_id: str | None = None,
    opening_id: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> str:
    """CSV of the matching events with their hashes (all of them unless ``limit`` is given).

    Text cells that a spreadsheet would run as a formula get a leading ``'``.
    """
    stmt = _event_query(
        client_id=client_id,
        opening_id=opening_id,
        actor=actor,
        kind=kind,
        since=since,
        until=until,
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in session.scalars(_page(stmt, limit, offset)):
        writer.writerow(
            [
                event.seq,
                utc_text(event.at),
                _cell(event.actor),
                _cell(event.kind),
                _cell(event.client_id),
                _cell(event.opening_id),
                json.dumps(event.payload, sort_keys=True, ensure_ascii=False),
                event.prev_hash,
                event.hash,
            ]
        )
    return out.getvalue()
