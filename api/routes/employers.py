"""Employers (liaison): those the caller manages; others answer 404."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api import store
from api.deps import LiaisonUser, SessionDep
from api.events import log_event
from api.models import Employer, User
from api.schemas import EmployerCreate, EmployerPublic, EmployersPublic, EmployerUpdate, errors

router = APIRouter(prefix="/employers", tags=["employers"], responses=errors(401, 403))


def managed_employer(session: SessionDep, user: User, employer_id: str) -> Employer:
    employer = store.employers.get_employer(session, employer_id=employer_id, liaison_id=user.id)
    if employer is None:
        raise HTTPException(status_code=404, detail="Employer not found")
    return employer


@router.get("")
def list_employers(session: SessionDep, user: LiaisonUser) -> EmployersPublic:
    """Employers the caller manages."""
    rows = store.employers.list_employers(session, liaison_id=user.id)
    return EmployersPublic(data=[EmployerPublic.model_validate(e) for e in rows], count=len(rows))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_employer(session: SessionDep, user: LiaisonUser, body: EmployerCreate) -> EmployerPublic:
    """Add an employer; the caller manages it."""
    employer = store.employers.create_employer(session, **body.model_dump(), liaison_id=user.id)
    log_event(session, kind="employer.created", user=user, employer_id=employer.id)
    session.commit()
    return EmployerPublic.model_validate(employer)


@router.get("/{employer_id}", responses=errors(404))
def read_employer(session: SessionDep, user: LiaisonUser, employer_id: str) -> EmployerPublic:
    return EmployerPublic.model_validate(managed_employer(session, user, employer_id))


@router.put("/{employer_id}", responses=errors(404, 409))
def update_employer(
    session: SessionDep, user: LiaisonUser, employer_id: str, body: EmployerUpdate
) -> EmployerPublic:
    """Replace an employer's details (``version`` must be current)."""
    employer = managed_employer(session, user, employer_id)
    store.employers.update_employer(
        session, employer=employer, expected_version=body.version, **body.model_dump(exclude={"version"})
    )
    log_event(session, kind="employer.updated", user=user, employer_id=employer.id)
    session.commit()
    return EmployerPublic.model_validate(employer)
