"""Caseload and employer assignments (admin): ids only, never client data.

:func:`move_client` and :func:`set_employer_liaisons` hold the rules; the JSON routes
and the admin pages (:mod:`api.web.admin`) both call them.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.orm import Session

from api import store
from api.deps import AdminUser, SessionDep
from api.events import log_event
from api.models import Client, Employer, Role, User
from api.routes.users import Limit, Offset
from api.schemas import (
    CaseloadEntry,
    CaseloadsPublic,
    CaseloadUpdate,
    EmployerAssignment,
    EmployerAssignmentsPublic,
    EmployerAssignmentUpdate,
    errors,
)

router = APIRouter(prefix="/assignments", tags=["assignments"], responses=errors(401, 403))


class NotAssignable(Exception):
    """A user who cannot take this work (not an active user of the role needed)."""

    def __init__(self, user_id: int, role: Role) -> None:
        super().__init__(f"User {user_id} is not an active {role}")
        self.user_id = user_id
        self.message = str(self)


def _check_role(session: Session, user_ids: list[int], role: Role) -> None:
    for user_id in user_ids:
        user = store.users.get_user(session, user_id=user_id)
        if user is None or user.role != role or not user.is_active:
            raise NotAssignable(user_id, role)


def move_client(session: Session, *, admin: User, client: Client, specialist_id: int) -> None:
    """Move a client to another active specialist's caseload (``NotAssignable``). The caller commits."""
    _check_role(session, [specialist_id], Role.SPECIALIST)
    previous = client.specialist_id
    store.clients.reassign(session, client=client, specialist_id=specialist_id)
    log_event(
        session,
        kind="caseload.assigned",
        user=admin,
        client_id=client.id,
        from_specialist=previous,
        to_specialist=specialist_id,
    )


def set_employer_liaisons(
    session: Session, *, admin: User, employer: Employer, liaison_ids: list[int]
) -> list[int]:
    """Replace the active liaisons who manage an employer (``NotAssignable``). The caller commits."""
    _check_role(session, liaison_ids, Role.LIAISON)
    ids = store.employers.set_liaisons(session, employer_id=employer.id, user_ids=liaison_ids)
    log_event(session, kind="employer.assigned", user=admin, employer_id=employer.id, liaison_ids=ids)
    return ids


@router.get("/caseloads")
def list_caseloads(
    session: SessionDep, _admin: AdminUser, limit: Limit = 100, offset: Offset = 0
) -> CaseloadsPublic:
    """Which specialist carries each client, a page at a time."""
    rows = store.clients.list_clients(session, specialist_id=None)
    page = rows[offset : offset + limit]
    data = [CaseloadEntry(client_id=c.id, specialist_id=c.specialist_id, status=c.status) for c in page]
    return CaseloadsPublic(data=data, count=len(data), total=len(rows), limit=limit, offset=offset)


@router.put("/caseloads/{client_id}", responses=errors(400, 404))
def reassign_client(
    session: SessionDep, admin: AdminUser, client_id: str, body: CaseloadUpdate
) -> CaseloadEntry:
    """Move a client to another specialist's caseload."""
    client = store.clients.get_client(session, client_id=client_id, specialist_id=None)
    if client is None:
        raise HTTPException(status_code=404, detail="Client not found")
    try:
        move_client(session, admin=admin, client=client, specialist_id=body.specialist_id)
    except NotAssignable as refused:
        raise HTTPException(status_code=400, detail=refused.message) from None
    session.commit()
    return CaseloadEntry(client_id=client.id, specialist_id=client.specialist_id, status=client.status)


@router.get("/employers")
def list_employer_assignments(
    session: SessionDep, _admin: AdminUser, limit: Limit = 100, offset: Offset = 0
) -> EmployerAssignmentsPublic:
    """Which liaisons manage each employer, a page at a time."""
    employers = store.employers.list_employers(session)
    data = [
        EmployerAssignment(
            employer_id=e.id,
            employer_name=e.name,
            liaison_ids=store.employers.liaison_ids(session, employer_id=e.id),
        )
        for e in employers[offset : offset + limit]
    ]
    return EmployerAssignmentsPublic(
        data=data, count=len(data), total=len(employers), limit=limit, offset=offset
    )


@router.put("/employers/{employer_id}", responses=errors(400, 404))
def assign_employer(
    session: SessionDep, admin: AdminUser, employer_id: str, body: EmployerAssignmentUpdate
) -> EmployerAssignment:
    """Replace the liaisons who manage an employer."""
    employer = store.employers.get_employer(session, employer_id=employer_id)
    if employer is None:
        raise HTTPException(status_code=404, detail="Employer not found")
    try:
        ids = set_employer_liaisons(session, admin=admin, employer=employer, liaison_ids=body.liaison_ids)
    except NotAssignable as refused:
        raise HTTPException(status_code=400, detail=refused.message) from None
    session.commit()
    return EmployerAssignment(employer_id=employer.id, employer_name=employer.name, liaison_ids=ids)
