"""Caseload and employer assignments (admin): ids only, never client data."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api import store
from api.deps import AdminUser, SessionDep
from api.events import log_event
from api.models import Role
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


def _check_role(session: SessionDep, user_ids: list[int], role: Role) -> None:
    for user_id in user_ids:
        user = store.users.get_user(session, user_id=user_id)
        if user is None or user.role != role or not user.is_active:
            raise HTTPException(status_code=400, detail=f"User {user_id} is not an active {role}")


@router.get("/caseloads")
def list_caseloads(session: SessionDep, _admin: AdminUser) -> CaseloadsPublic:
    """Which specialist carries each client."""
    rows = store.clients.list_clients(session, specialist_id=None)
    data = [CaseloadEntry(client_id=c.id, specialist_id=c.specialist_id, status=c.status) for c in rows]
    return CaseloadsPublic(data=data, count=len(data))


@router.put("/caseloads/{client_id}", responses=errors(400, 404))
def reassign_client(
    session: SessionDep, admin: AdminUser, client_id: str, body: CaseloadUpdate
) -> CaseloadEntry:
    """Move a client to another specialist's caseload."""
    client = store.clients.get_client(session, client_id=client_id, specialist_id=None)
    if client is None:
        raise HTTPException(status_code=404, detail="Client not found")
    _check_role(session, [body.specialist_id], Role.SPECIALIST)
    previous = client.specialist_id
    store.clients.reassign(session, client=client, specialist_id=body.specialist_id)
    log_event(
        session,
        kind="caseload.assigned",
        user=admin,
        client_id=client.id,
        from_specialist=previous,
        to_specialist=body.specialist_id,
    )
    session.commit()
    return CaseloadEntry(client_id=client.id, specialist_id=client.specialist_id, status=client.status)


@router.get("/employers")
def list_employer_assignments(session: SessionDep, _admin: AdminUser) -> EmployerAssignmentsPublic:
    """Which liaisons manage each employer."""
    data = [
        EmployerAssignment(
            employer_id=e.id,
            employer_name=e.name,
            liaison_ids=store.employers.liaison_ids(session, employer_id=e.id),
        )
        for e in store.employers.list_employers(session)
    ]
    return EmployerAssignmentsPublic(data=data, count=len(data))


@router.put("/employers/{employer_id}", responses=errors(400, 404))
def assign_employer(
    session: SessionDep, admin: AdminUser, employer_id: str, body: EmployerAssignmentUpdate
) -> EmployerAssignment:
    """Replace the liaisons who manage an employer."""
    employer = store.employers.get_employer(session, employer_id=employer_id)
    if employer is None:
        raise HTTPException(status_code=404, detail="Employer not found")
    _check_role(session, body.liaison_ids, Role.LIAISON)
    ids = store.employers.set_liaisons(session, employer_id=employer.id, user_ids=body.liaison_ids)
    log_event(session, kind="employer.assigned", user=admin, employer_id=employer.id, liaison_ids=ids)
    session.commit()
    return EmployerAssignment(employer_id=employer.id, employer_name=employer.name, liaison_ids=ids)
