"""Shortlists for a client (specialist); each one is stored as a recommendation record."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.deps import MatcherDep, SessionDep, SettingsDep, SpecialistUser
from api.routes.clients import own_client
from api.schemas import ExclusionsPublic, ShortlistFilters, ShortlistPublic, ShortlistRequest, errors
from api.shortlists import explain_pair, list_exclusions, make_shortlist
from matcher.constraints import Failed

# Query parameter names of the ShortlistFilters fields.
QUERY_NAMES = {"industries": "industry", "employer_ids": "employer_id"}

router = APIRouter(prefix="/clients", tags=["shortlists"], responses=errors(401, 403, 404))


def _shortlist(
    session: SessionDep,
    user: SpecialistUser,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    request: ShortlistRequest,
    *,
    reuse: bool,
) -> ShortlistPublic:
    client = own_client(session, user, client_id)
    if client.status != "active":
        raise HTTPException(status_code=409, detail=f"Client is {client.status}")
    body = make_shortlist(
        session,
        cache=cache,
        client_row=client,
        user=user,
        k=request.k,
        filters=request.filters,
        as_of=settings.today(),
        reuse=reuse,
        options=request.options,
        add_options=True,  # asked for, or a short list: from what the shortlist read
    )  # committed: the record is stored
    return ShortlistPublic.model_validate(body)


@router.get("/{client_id}/shortlist", responses=errors(409))
def get_shortlist(
    session: SessionDep,
    user: SpecialistUser,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    industry: Annotated[list[str] | None, Query(max_length=20)] = None,
    employer_id: Annotated[list[str] | None, Query(max_length=50)] = None,
    remote_only: bool = False,
    min_hourly_wage: Annotated[float | None, Query(ge=0, le=1000)] = None,
    options: Annotated[bool, Query(description="Also say what would open more options.")] = False,
) -> ShortlistPublic:
    """Ranked suggestions with scores, contributions, reasons, hints and grouped exclusions."""
    try:
        filters = ShortlistFilters(
            industries=industry or [],
            employer_ids=employer_id or [],
            remote_only=remote_only,
            min_hourly_wage=min_hourly_wage,
        )
    except ValidationError as exc:
        raise RequestValidationError(
            [
                {
                    "loc": ["query", QUERY_NAMES.get(str(e["loc"][0]), str(e["loc"][0])), *e["loc"][1:]],
                    "msg": e["msg"],
                    "type": e["type"],
                }
                for e in exc.errors(include_url=False)
            ]
        ) from None
    request = ShortlistRequest(k=k, filters=filters, options=options)
    # A GET reads: a ranking of unchanged inputs is given again (and recorded again).
    return _shortlist(session, user, settings, cache, client_id, request, reuse=True)


@router.post("/{client_id}/shortlist", responses=errors(409))
def post_shortlist(
    session: SessionDep,
    user: SpecialistUser,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    request: ShortlistRequest,
    options: Annotated[
        bool, Query(description="Also say what would open more options (as `options` in the body).")
    ] = False,
) -> ShortlistPublic:
    """Same as GET, with ``k`` and filters in the body (``?options=true`` works as on GET)."""
    if options:
        request = request.model_copy(update={"options": True})
    return _shortlist(session, user, settings, cache, client_id, request, reuse=False)


@router.get("/{client_id}/openings/{opening_id}/explain")
def explain_opening(
    session: SessionDep,
    user: SpecialistUser,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    opening_id: str,
) -> dict[str, Any]:
    """Why (or why not) one opening for this client, whatever its status.

    ``feasible``: it meets every one of the client's limits (then its reasons and score);
    ``suggested``: and it ranks (``rank``, over every feasible opening) rather than being held
    back by the cap of openings per employer (then ``rank`` is 0 and a reason says so).

    A filled, closed or expired opening answers with every limit it fails (``NOT_OPEN`` with
    the day it was filled or closed when known, ``EXPIRED`` with its date, and the client's
    own limits); only an opening that does not exist is a 404.
    """
    client = own_client(session, user, client_id)
    result = explain_pair(
        session, cache=cache, client_row=client, opening_id=opening_id, as_of=settings.today()
    )
    if result is None:
        raise HTTPException(status_code=404, detail="Opening not found")
    return result


ReasonCode = Enum("ReasonCode", {name: name for name in Failed.__members__}, type=str)  # type: ignore[misc]


@router.get("/{client_id}/exclusions")
def get_exclusions(
    session: SessionDep,
    user: SpecialistUser,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    reason: Annotated[ReasonCode | None, Query(description="Only openings failing this rule.")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ExclusionsPublic:
    """Every opening ruled out for this client, a page at a time, each with all its reasons."""
    client = own_client(session, user, client_id)
    body = list_exclusions(
        session,
        cache=cache,
        client_row=client,
        as_of=settings.today(),
        code=None if reason is None else str(reason.value),
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    return ExclusionsPublic.model_validate({**body, "page": page, "per_page": per_page})
