"""Employers (liaison): those the caller manages; others answer 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from api import openings, store
from api.deps import LiaisonUser, SessionDep
from api.openings import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, managed_employer, next_page
from api.schemas import EmployerCreate, EmployerPublic, EmployersPublic, EmployerUpdate, errors

router = APIRouter(prefix="/employers", tags=["employers"], responses=errors(401, 403))


__all__ = ["managed_employer", "router"]


@router.get("")
def list_employers(
    request: Request,
    session: SessionDep,
    user: LiaisonUser,
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
    """Employers the caller manages, by name. Paged: ``total`` counts all, ``next`` links the next page."""
    rows, total = store.employers.search_employers(
        session, liaison_id=user.id, search=q.strip(), limit=limit, offset=offset
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
def create_employer(session: SessionDep, user: LiaisonUser, body: EmployerCreate) -> EmployerPublic:
    """Add an employer; the caller manages it."""
    employer = openings.create_employer(session, user, body)
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
    openings.update_employer(session, user, employer, body)
    session.commit()
    return EmployerPublic.model_validate(employer)
