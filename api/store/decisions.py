"""Decisions on suggestions, rejections and placements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Decision, Placement, utcnow
from api.schemas import DecisionCreate, PlacementCreate, PlacementUpdate
from api.store.common import Conflict

RESTORE = "restore"
REJECT = "reject"


def add_decision(session: Session, *, client_id: str, decision: DecisionCreate, actor_id: int) -> Decision:
    row = Decision(
        client_id=client_id,
        opening_id=decision.opening_id,
        action=decision.action.value,
        reason_code=decision.reason_code.value if decision.reason_code else None,
        note=decision.note,
        recommendation_id=decision.recommendation_id,
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


def restore(session: Session, *, client_id: str, opening_id: str, actor_id: int) -> Decision:
    """Undo a rejection so the opening can be suggested again."""
    if opening_id not in rejected_opening_ids(session, client_id=client_id):
        raise LookupError(opening_id)
    row = Decision(client_id=client_id, opening_id=opening_id, action=RESTORE, actor_id=actor_id)
    session.add(row)
    session.flush()
    return row


def add_placement(session: Session, *, client_id: str, placement: PlacementCreate) -> Placement:
    row = Placement(client_id=client_id, **placement.model_dump())
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
    session: Session, *, placement: Placement, placement_update: PlacementUpdate
) -> Placement:
    """Record how a placement ended (end date must not precede the start)."""
    if placement.version != placement_update.version:
        raise Conflict(f"Version mismatch: current version is {placement.version}")
    end = placement_update.end_date
    if end is not None and end < placement.start_date:
        raise Conflict("end_date is before start_date")
    placement.end_date = end
    placement.separation_reason = (
        placement_update.separation_reason.value if placement_update.separation_reason else None
    )
    placement.note = placement_update.note
    placement.updated_at = utcnow()
    session.flush()
    return placement
