"""Employers: a liaison's (managed, and unassigned ones specialists recorded); specialists read any.

A specialist records employers they develop (job development); those stay unassigned until
an admin assigns a liaison. Others answer 404; editing another's is 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from api import openings, store
from api.deps import OpeningReader, SessionDep
from api.models import Role
from api.openings import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, managed_employer, next_page
from api.schemas import EmployerCreate, EmployerPublic, EmployersPublic, EmployerUpdate, errors

router = APIRouter(prefix="/employers", tags=["employers"], responses=errors(401, 403))


__all__ = ["managed_employer", "router"]


@router.get("")
def list_employers(
    request: Request,
    session: SessionDep,
    user: OpeningReader,
    q: Annotated[
        str,
        Query(
            max_length=200,
            pattern=r"^[^\x00]*$",
            description="Search: employers whose name or industry contains this text (any case).",
            examples=["shelter"],
        ),
    ] = "",
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description=f"How many to return at most (1-{MAX_LIMIT}).", examples=[100]),
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_OFFSET,
            description="How many matching employers to skip: 0 for the first page (or follow next).",
            examples=[0],
        ),
    ] = 0,
) -> EmployersPublic:
    """Employers by name: a liaison's (managed, and unassigned ones specialists recorded); for a
    specialist, all. Paged: ``total`` counts all, ``next`` links the next page."""
    liaison_id = user.id if user.role == Role.LIAISON else None
    rows, total = store.employers.search_employers(
        session, liaison_id=liaison_id, search=q.strip(), limit=limit, offset=offset, developed=True
    )
    return EmployersPublic(
        data=[EmployerPublic.model_validate(e) for e in rows],
        count=len(rows),
        total=total,
        limit=limit,
        offset=offset,
        next=next_page(
            request.url.path, request.query_params.multi_items(), total=total, limit=limit, offset=offset
        ),
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_employer(session: SessionDep, user: OpeningReader, body: EmployerCreate) -> EmployerPublic:
    """Add an employer: a liaison then manages it; a specialist's is marked as developed by them and
    seen by every liaison until an admin assigns one."""
    employer = openings.create_employer(session, user, body)
    session.commit()
    return EmployerPublic.model_validate(employer)


@router.get("/{employer_id}", responses=errors(404))
def read_employer(session: SessionDep, user: OpeningReader, employer_id: str) -> EmployerPublic:
    return EmployerPublic.model_validate(openings.readable_employer(session, user, employer_id))


@router.put("/{employer_id}", responses=errors(404, 409))
def update_employer(
    session: SessionDep, user: OpeningReader, employer_id: str, body: EmployerUpdate
) -> EmployerPublic:
    """Replace an employer's details (``version`` must be current): its liaisons, or the specialist who
    recorded it (403 for others who may read it)."""
    employer = openings.editable_employer(session, user, employer_id)
    openings.update_employer(session, user, employer, body)
    session.commit()
    return EmployerPublic.model_validate(employer)
