"""Career exploration (specialists and admins): resolve a title, an occupation's profile, related
occupations, and a client's current openings in them (specialists, own caseload only).

All of it reads the O*NET occupation store; without one the answer is a 409 saying how an
operator builds it (a state of the service, like a paused client's shortlist, not a server fault).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.exceptions import RequestValidationError

from api import explore, occupations
from api.clients import own_client
from api.deps import MatcherDep, SessionDep, SettingsDep, SpecialistUser, require
from api.events import log_event
from api.models import Role, User
from api.schemas import Message, errors
from api.schemas.occupations import (
    CODE_EXAMPLE,
    ExploreOpeningsPublic,
    OccupationProfilePublic,
    RelatedOccupationPublic,
    RelatedOccupationsPublic,
    SocCode,
    TitleCandidatePublic,
    TitleResolutionPublic,
)
from matcher.occupations import OccupationStore

NO_STORE: dict[int | str, dict[str, Any]] = {
    409: {"model": Message, "description": "No occupation store imported; detail says how to build it"}
}

router = APIRouter(tags=["occupations"], responses={**errors(401, 403), **NO_STORE})

ExplorerUser = Annotated[User, Depends(require(Role.SPECIALIST, Role.ADMIN))]
CodePath = Annotated[SocCode, Path(description="O*NET-SOC code.", examples=[CODE_EXAMPLE])]


def occupation_store(settings: SettingsDep) -> OccupationStore:
    """The store, loaded once per process; 409 with how to build it when there is none."""
    loaded = occupations.cached_store(settings.occupations_path)
    if loaded is None:
        raise HTTPException(status_code=409, detail=occupations.missing_detail(settings.occupations_path))
    return loaded


StoreDep = Annotated[OccupationStore, Depends(occupation_store)]


def known_code(occupation_store: OccupationStore, code: str) -> str:
    """The store's spelling of ``code``; 404 when O*NET has no such occupation."""
    found = occupations.canonical_code(occupation_store, code)
    if found is None:
        raise HTTPException(status_code=404, detail="Occupation not found")
    return found


@router.get("/occupations/resolve")
def resolve_title(
    _user: ExplorerUser,
    occupation_store: StoreDep,
    title: Annotated[str, Query(min_length=1, max_length=200, description="A job title as people write it.")],
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> TitleResolutionPublic:
    """The O*NET occupations a job title may denote, best first; ``unknown`` below the threshold."""
    if not title.strip() or "\x00" in title:
        raise RequestValidationError(
            [{"loc": ["query", "title"], "msg": "must be a job title", "type": "value_error"}]
        )
    found = occupations.resolve(occupation_store, title, top=top)
    return TitleResolutionPublic(
        title=title,
        unknown=not found,
        threshold=occupations.threshold(),
        candidates=[
            TitleCandidatePublic(code=c.code, title=c.title, confidence=c.confidence, matched=c.matched)
            for c in found
        ],
    )


@router.get("/occupations/{code}", responses=errors(404))
def read_occupation(
    _user: ExplorerUser, occupation_store: StoreDep, code: CodePath
) -> OccupationProfilePublic:
    """An occupation in plain language: what people do, preparation needed, typical demands."""
    found = known_code(occupation_store, code)
    return OccupationProfilePublic.model_validate(occupations.profile(occupation_store, found))


@router.get("/occupations/{code}/related", responses=errors(404))
def related_occupations(
    _user: ExplorerUser,
    occupation_store: StoreDep,
    code: CodePath,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> RelatedOccupationsPublic:
    """Occupations a person from this one could most easily move to, with what carries over."""
    found = known_code(occupation_store, code)
    data = [
        RelatedOccupationPublic.model_validate(row)
        for row in occupations.related_rows(occupation_store, found, top=top)
    ]
    title = occupations.title_of(occupation_store, found)
    return RelatedOccupationsPublic(code=found, title=title, count=len(data), data=data)


@router.get("/clients/{client_id}/explore", responses=errors(404))
def explore_openings(
    session: SessionDep,
    user: SpecialistUser,
    cache: MatcherDep,
    settings: SettingsDep,
    occupation_store: StoreDep,
    client_id: str,
    code: Annotated[SocCode, Query(description="O*NET-SOC code to explore.", examples=[CODE_EXAMPLE])],
    related: Annotated[int, Query(ge=0, le=30, description="Related occupations to include.")] = 10,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ExploreOpeningsPublic:
    """The client's current open openings in this occupation and its related ones, open ones first."""
    client = own_client(session, user, client_id)
    found = known_code(occupation_store, code)
    body = explore.client_openings(
        session,
        cache=cache,
        occupation_store=occupation_store,
        client_row=client,
        code=found,
        as_of=settings.today(),
        related_top=related,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    log_event(session, kind="client.read", user=user, client_id=client.id, part="explore")
    session.commit()
    return ExploreOpeningsPublic.model_validate(body)
