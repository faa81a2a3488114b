"""Decisions on suggestions, rejections and placements for a client (specialist)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from api import store
from api.audit.store import shown_opening_ids
from api.deps import SessionDep, SpecialistUser
from api.events import log_event
from api.models import Client, Opening, Placement, User
from api.routes.clients import own_client
from api.schemas import (
    Action,
    DecisionCreate,
    DecisionPublic,
    DecisionSource,
    DecisionsPublic,
    PlacementCreate,
    PlacementPublic,
    PlacementsPublic,
    PlacementUpdate,
    RejectionsPublic,
    errors,
)

router = APIRouter(prefix="/clients", tags=["decisions"], responses=errors(401, 403, 404))


def _open_client(session: SessionDep, user: User, client_id: str) -> Client:
    client = own_client(session, user, client_id)
    if client.status == "closed":
        raise HTTPException(status_code=409, detail="Client is closed")
    return client


def _check_opening(session: SessionDep, opening_id: str) -> Opening:
    opening = store.openings.get_opening(session, opening_id=opening_id)
    if opening is None:
        raise HTTPException(status_code=404, detail="Opening not found")
    return opening


def _invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])


def _check_shown(session: SessionDep, client: Client, body: DecisionCreate) -> None:
    """A suggestion's decision names a record of this client that showed this opening (422)."""
    if body.source != DecisionSource.SUGGESTION:
        return
    assert body.recommendation_id is not None  # the schema requires it with this source
    shown = shown_opening_ids(session, body.recommendation_id)
    # Another client's record is answered as "none of this client's": no existence oracle.
    if shown is None or shown[0] != client.id:
        raise _invalid("recommendation_id", "not a recommendation record of this client")
    if body.opening_id not in shown[1]:
        raise _invalid("opening_id", "not among the suggestions shown in recommendation_id")


@router.post("/{client_id}/decisions", status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_decision(
    session: SessionDep, user: SpecialistUser, client_id: str, body: DecisionCreate
) -> DecisionPublic:
    """Record approve / reject (with a reason code) / applied / interview / hired / not hired.

    The opening must have been shown to the client in ``recommendation_id`` (422 otherwise), or
    be recorded as ``specialist_found`` with a ``source_reason``; a closed or filled opening
    takes no new approval (409).
    """
    client = _open_client(session, user, client_id)
    opening = _check_opening(session, body.opening_id)
    _check_shown(session, client, body)
    if body.action == Action.APPROVE and opening.status != "open":
        raise HTTPException(status_code=409, detail=f"Opening is {opening.status}")
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
    session.commit()
    return DecisionPublic.model_validate(row)


@router.get("/{client_id}/decisions")
def list_decisions(session: SessionDep, user: SpecialistUser, client_id: str) -> DecisionsPublic:
    """Every decision recorded for the client, oldest first."""
    client = own_client(session, user, client_id)
    rows = store.decisions.list_decisions(session, client_id=client.id)
    return DecisionsPublic(data=[DecisionPublic.model_validate(r) for r in rows], count=len(rows))


@router.get("/{client_id}/rejections")
def list_rejections(session: SessionDep, user: SpecialistUser, client_id: str) -> RejectionsPublic:
    """Openings currently rejected for the client (never suggested until restored)."""
    client = own_client(session, user, client_id)
    return RejectionsPublic(opening_ids=store.decisions.rejected_opening_ids(session, client_id=client.id))


@router.post("/{client_id}/rejections/{opening_id}/restore", responses=errors(409))
def restore_opening(
    session: SessionDep, user: SpecialistUser, client_id: str, opening_id: str
) -> DecisionPublic:
    """Undo a rejection so the opening may be suggested again."""
    client = _open_client(session, user, client_id)
    try:
        row = store.decisions.restore(session, client_id=client.id, opening_id=opening_id, actor_id=user.id)
    except LookupError:
        raise HTTPException(status_code=404, detail="Rejection not found") from None
    log_event(
        session,
        kind="decision",
        user=user,
        client_id=client.id,
        opening_id=opening_id,
        decision_id=row.id,
        action=row.action,
    )
    session.commit()
    return DecisionPublic.model_validate(row)


@router.post("/{client_id}/placements", status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_placement(
    session: SessionDep, user: SpecialistUser, client_id: str, body: PlacementCreate
) -> PlacementPublic:
    """Record a started job (and, once known, its end date and separation reason)."""
    client = _open_client(session, user, client_id)
    _check_opening(session, body.opening_id)
    row = store.decisions.add_placement(
        session,
        client_id=client.id,
        opening_id=body.opening_id,
        start_date=body.start_date,
        end_date=body.end_date,
        separation_reason=body.separation_reason.value if body.separation_reason else None,
        note=body.note,
    )
    _log_outcome(session, user=user, placement=row)
    session.commit()
    return PlacementPublic.model_validate(row)


@router.get("/{client_id}/placements")
def list_placements(session: SessionDep, user: SpecialistUser, client_id: str) -> PlacementsPublic:
    client = own_client(session, user, client_id)
    rows = store.decisions.list_placements(session, client_id=client.id)
    return PlacementsPublic(data=[PlacementPublic.model_validate(r) for r in rows], count=len(rows))


@router.patch("/{client_id}/placements/{placement_id}", responses=errors(409))
def update_placement(
    session: SessionDep,
    user: SpecialistUser,
    client_id: str,
    placement_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    body: PlacementUpdate,
) -> PlacementPublic:
    """Record or correct how a placement ended (``version`` must be current)."""
    client = own_client(session, user, client_id)
    row = store.decisions.get_placement(session, client_id=client.id, placement_id=placement_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Placement not found")
    store.decisions.update_placement(
        session,
        placement=row,
        expected_version=body.version,
        end_date=body.end_date,
        separation_reason=body.separation_reason.value if body.separation_reason else None,
        note=body.note,
    )
    _log_outcome(session, user=user, placement=row)
    session.commit()
    return PlacementPublic.model_validate(row)


def _log_outcome(session: Session, *, user: User, placement: Placement) -> None:
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
    )
