"""Decisions on suggestions, rejections and placements for a client (specialist)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from fastapi.exceptions import RequestValidationError

from api import decisions, store
from api.decisions import Refused
from api.deps import SessionDep, SpecialistUser
from api.events import log_event
from api.models import Client, User
from api.routes.clients import own_client
from api.schemas import (
    DecisionCreate,
    DecisionPublic,
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


def _refused(exc: Refused) -> Exception:
    """The HTTP answer of a refusal: 404/409 with its message, 422 naming the body field."""
    if exc.field is not None:
        loc = ["body", exc.field]
        return RequestValidationError([{"loc": loc, "msg": exc.message, "type": "value_error"}])
    return HTTPException(status_code=exc.status, detail=exc.message)


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
    try:
        row = decisions.record_decision(session, user=user, client=client, body=body)
    except Refused as exc:
        raise _refused(exc) from None
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
    """Record a started job as IPS counts it (and, once known, its end date and separation reason).

    Job title, employer, hourly wage and weekly hours left out are taken from the opening. The
    opening leaves the client's shortlist; once placements take all its positions it is filled.
    """
    client = _open_client(session, user, client_id)
    try:
        row = decisions.record_placement(session, user=user, client=client, body=body)
    except Refused as exc:
        raise _refused(exc) from None
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
    """Record or correct how a placement ended, and its job fields (``version`` must be current)."""
    client = own_client(session, user, client_id)
    row = store.decisions.get_placement(session, client_id=client.id, placement_id=placement_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Placement not found")
    decisions.update_placement(session, user=user, placement=row, body=body)
    session.commit()
    return PlacementPublic.model_validate(row)
