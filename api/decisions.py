"""Decisions on suggestions and placements: the rules the JSON routes and the pages share.

The caller has found the client (its own, not closed); these check the opening and, for a
suggestion's decision, that the named recommendation record showed it to this client, then
store the row and its chain event (not committed). A refusal is :class:`Refused`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api import openings, store
from api.audit.store import shown_opening_ids
from api.events import log_event
from api.models import Client, Decision, Opening, Placement, User
from api.schemas import Action, DecisionCreate, DecisionSource, PlacementCreate, PlacementUpdate


class Refused(Exception):
    """Not recorded: ``status`` 404 (no such opening), 409 (its state) or 422 (``field`` is wrong)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _opening(session: Session, opening_id: str) -> Opening:
    opening = store.openings.get_opening(session, opening_id=opening_id)
    if opening is None:
        raise Refused(404, "Opening not found")
    return opening


def _check_shown(session: Session, client: Client, body: DecisionCreate) -> None:
    """A suggestion's decision names a record of this client that showed this opening."""
    if body.source != DecisionSource.SUGGESTION:
        return
    assert body.recommendation_id is not None  # the schema requires it with this source
    shown = shown_opening_ids(session, body.recommendation_id)
    # Another client's record is answered as "none of this client's": no existence oracle.
    if shown is None or shown[0] != client.id:
        raise Refused(422, "not a recommendation record of this client", "recommendation_id")
    if body.opening_id not in shown[1]:
        raise Refused(422, "not among the suggestions shown in recommendation_id", "opening_id")


def record_decision(session: Session, *, user: User, client: Client, body: DecisionCreate) -> Decision:
    """Store a decision and its event; a closed or filled opening takes no new approval."""
    opening = _opening(session, body.opening_id)
    _check_shown(session, client, body)
    if body.action == Action.APPROVE and opening.status != "open":
        raise Refused(409, f"Opening is {opening.status}")
    row = store.decisions.add_decision(
        session,
        client_id=client.id,
        opening_id=body.opening_id,
        action=body.action.value,
        reason_code=body.reason_code.value if body.reason_code else None,
        note=body.note,
        recommendation_id=body.recommendation_id,
        actor_id=user.id,
    )
    log_event(
        session,
        kind="decision",
        user=user,
        client_id=client.id,
        opening_id=body.opening_id,
        decision_id=row.id,
        action=row.action,
        reason_code=row.reason_code,
        note=row.note,
        recommendation_id=row.recommendation_id,
        source=body.source.value,
        source_reason=body.source_reason,
    )
    return row


def job_from_opening(record: dict[str, Any]) -> dict[str, Any]:
    """A placement's job fields as the opening states them (what the outcome form is prefilled with)."""
    return {
        "job_title": record.get("title") or "",
        "employer_name": record.get("employer") or "",
        "hourly_wage": record.get("hourly_wage"),
        "weekly_hours": record.get("hours_per_week"),
    }


def record_placement(session: Session, *, user: User, client: Client, body: PlacementCreate) -> Placement:
    """Store a started job (and, once known, how it ended) with its outcome event.

    The job fields left out are the opening's (without an opening, the job title and employer
    are required: a job found elsewhere). The client was hired: the opening leaves their
    shortlist (``store.decisions.blocked_opening_ids``), and once placements take all of its
    ``positions`` an open opening is marked filled, so it is suggested to no one else.
    """
    opening = _opening(session, body.opening_id) if body.opening_id is not None else None
    given = body.model_dump(include={"job_title", "employer_name", "hourly_wage", "weekly_hours"})
    if opening is None:  # a job found outside the openings says what it is
        for field in ("job_title", "employer_name"):
            if not given[field]:
                raise Refused(422, "required when no opening_id is given", field)
    found = job_from_opening(opening.record) if opening is not None else {}
    job = found | {k: v for k, v in given.items() if v not in (None, "")}
    row = store.decisions.add_placement(
        session,
        client_id=client.id,
        opening_id=body.opening_id,
        start_date=body.start_date,
        end_date=body.end_date,
        separation_reason=body.separation_reason.value if body.separation_reason else None,
        note=body.note,
        competitive_integrated=body.competitive_integrated,
        **job,
    )
    log_outcome(session, user=user, placement=row)
    if opening is not None and opening.status == "open":
        positions = int(opening.record.get("positions") or 1)
        if store.openings.placement_count(session, opening_id=opening.id) >= positions:
            openings.set_status(session, user, opening, "filled")
    return row


def update_placement(
    session: Session, *, user: User, placement: Placement, body: PlacementUpdate
) -> Placement:
    """Record or correct how a placement ended, and the job fields given; a ``Conflict`` when stale."""
    job = body.model_dump(
        include={"job_title", "employer_name", "hourly_wage", "weekly_hours", "competitive_integrated"},
        exclude_none=True,
    )
    store.decisions.update_placement(
        session,
        placement=placement,
        expected_version=body.version,
        end_date=body.end_date,
        separation_reason=body.separation_reason.value if body.separation_reason else None,
        note=body.note,
        **job,
    )
    log_outcome(session, user=user, placement=placement)
    return placement


def log_outcome(session: Session, *, user: User, placement: Placement) -> None:
    """The ``outcome`` event of a placement as it now stands (verification compares the two)."""
    log_event(
        session,
        kind="outcome",
        user=user,
        client_id=placement.client_id,
        opening_id=placement.opening_id,
        placement_id=placement.id,
        start_date=str(placement.start_date),
        end_date=str(placement.end_date) if placement.end_date else None,
        separation_reason=placement.separation_reason,
        job_title=placement.job_title,
        employer_name=placement.employer_name,
        hourly_wage=placement.hourly_wage,
        weekly_hours=placement.weekly_hours,
        competitive_integrated=placement.competitive_integrated,
    )
