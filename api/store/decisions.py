"""Decisions on suggestions, rejections and placements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Decision, Placement, utcnow
from api.store.common import Conflict

RESTORE = "restore"
REJECT = "reject"


def add_decision(
    session: Session,
    *,
    client_id: str,
    opening_id: str,
    action: str,
    actor_id: int,
    reason_code: str | None = None,
    note: str = "",
    recommendation_id: str | None = None,
) -> Decision:
    row = Decision(
        client_id=client_id,
        opening_id=opening_id,
        action=action,
        reason_code=reason_code,
        note=note,
        recommendation_id=recommendation_id,
        actor_id=actor_id,
    )
    session.add(row)
    session.flush()
    return row


def list_decisions(session: Session, *, client_id: str) -> list[Decision]:
    query = select(Decision).where(Decision.client_id == client_id).order_by(Decision.id)
    return list(session.scalars(query))


def rejected_opening_ids(session: Session, *, client_id: str) -> list[str]:
    """Openings whose latest reject/restore decision for the client is a reject."""
    query = (
        select(Decision.opening_id, Decision.action)
        .where(Decision.client_id == client_id, Decision.action.in_((REJECT, RESTORE)))
        .order_by(Decision.id)
    )
    state: dict[str, bool] = {}
    for opening_id, action in session.execute(query):
        state[opening_id] = action == REJECT
    return sorted(opening_id for opening_id, rejected in state.items() if rejected)


def placed_opening_ids(session: Session, *, client_id: str) -> list[str]:
    """Openings the client has been placed in (hired): never suggested to them again."""
    query = select(Placement.opening_id).where(Placement.client_id == client_id).distinct()
    return sorted(i for i in session.scalars(query) if i is not None)


def blocked_opening_ids(session: Session, *, client_id: str) -> list[str]:
    """Openings not to suggest to the client: rejected (and not restored), or placed in."""
    rejected = rejected_opening_ids(session, client_id=client_id)
    return sorted({*rejected, *placed_opening_ids(session, client_id=client_id)})


def restore(session: Session, *, client_id: str, opening_id: str, actor_id: int) -> Decision:
    """Undo a rejection so the opening can be suggested again."""
    if opening_id not in rejected_opening_ids(session, client_id=client_id):
        raise LookupError(opening_id)
    row = Decision(client_id=client_id, opening_id=opening_id, action=RESTORE, actor_id=actor_id)
    session.add(row)
    session.flush()
    return row


def add_placement(
    session: Session,
    *,
    client_id: str,
    opening_id: str | None,
    start_date: dt.date,
    end_date: dt.date | None = None,
    separation_reason: str | None = None,
    note: str = "",
    **job: object,
) -> Placement:
    """Store a placement; ``job``: its job_title, employer_name, hourly_wage, weekly_hours and
    competitive_integrated."""
    row = Placement(
        **job,
        client_id=client_id,
        opening_id=opening_id,
        start_date=start_date,
        end_date=end_date,
        separation_reason=separation_reason,
        note=note,
    )
    session.add(row)
    session.flush()
    return row


def get_placement(session: Session, *, client_id: str, placement_id: int) -> Placement | None:
    row = session.get(Placement, placement_id)
    return row if row is not None and row.client_id == client_id else None


def list_placements(session: Session, *, client_id: str) -> list[Placement]:
    query = select(Placement).where(Placement.client_id == client_id).order_by(Placement.id)
    return list(session.scalars(query))


def update_placement(
    session: Session,
    *,
    placement: Placement,
    expected_version: int,
    end_date: dt.date | None,
    separation_reason: str | None,
    note: str,
    **job: object,
) -> Placement:
    """Record how a placement ended (end date must not precede the start); ``job``: the job fields
    to correct (as :func:`add_placement`)."""
    if placement.version != expected_version:
        raise Conflict(f"Version mismatch: current version is {placement.version}")
    if end_date is not None and end_date < placement.start_date:
        raise Conflict("end_date is before start_date")
    placement.end_date = end_date
    placement.separation_reason = separation_reason
    placement.note = note
    for field, value in job.items():
        setattr(placement, field, value)
    placement.updated_at = utcnow()
    session.flush()
    return placement


def redact_decision_note(session: Session, *, decision_id: int, marker: str) -> bool:
    """Replace a decision's free-text note by ``marker`` (a lawful redaction); False if no such row."""
    row = session.get(Decision, decision_id)
    if row is None:
        return False
    row.note = marker
    session.flush()
    return True
