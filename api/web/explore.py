"""Pages: career exploration. Search a job title, see the occupations it may denote, an
occupation's profile in plain language, related occupations with what carries over and, from a
client's page, that client's current openings in those occupations.

The same service as the JSON routes (:mod:`api.occupations`, :func:`api.explore.client_openings`):
the store loaded once per process, the same openings and limits a shortlist uses. Pages with a
client exist only for the specialist's own clients (anyone else's is "not found").
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api import clients as service
from api import explore, occupations
from api.config import Settings
from api.deps import MatcherDep, SessionDep, SettingsDep
from api.fit_bands import BAND_WORDS
from api.matching import MatcherCache
from api.models import Client, User
from api.web.paging import Page, page_of
from api.web.render import render
from api.web.session import SpecialistPage
from matcher.occupations import OccupationStore

router = APIRouter()

MAX_TITLE = 200
_CODE = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")
RELATED_SHOWN = 10
CANDIDATES_SHOWN = 8
TITLE_ERROR = f"Keep the job title to {MAX_TITLE} characters or fewer"


def _client(session: Session, user: User, client_id: str | None) -> Client | None:
    """The caller's client (its read logged), or None on the pages without one."""
    if client_id is None:
        return None
    client = service.read_client(session, user, client_id, part="explore")
    session.commit()
    return client


def _no_store(request: Request, user: User, client: Client | None, settings: Settings) -> HTMLResponse:
    # A page that says what is missing (200, as any page reached by its link), where the JSON
    # API answers 409.
    return render(
        request,
        "explore.html",
        user=user,
        nav="explore",
        title="Career exploration",
        client=client,
        missing=occupations.missing_detail(settings.occupations_path),
        q="",
        errors={},
    )


def _search(
    request: Request, session: Session, user: User, settings: Settings, client_id: str | None, title: str
) -> HTMLResponse:
    client = _client(session, user, client_id)
    found = occupations.cached_store(settings.occupations_path)
    if found is None:
        return _no_store(request, user, client, settings)
    q = title.strip()
    errors = {"title": TITLE_ERROR} if len(q) > MAX_TITLE else {}
    candidates = occupations.resolve(found, q, top=CANDIDATES_SHOWN) if q and not errors else None
    return render(
        request,
        "explore.html",
        user=user,
        status_code=422 if errors else 200,
        nav="explore" if client is None else "caseload",
        title="Career exploration" + (f" for {client.label}" if client else ""),
        client=client,
        q=q if not errors else q[:MAX_TITLE],
        errors=errors,
        candidates=candidates,
        threshold=occupations.threshold(),
        past_titles=list(client.record.get("past_titles") or []) if client else [],
        base=_base(client),
    )


def _base(client: Client | None) -> str:
    return f"/clients/{client.id}/explore" if client else "/explore"


def _openings(
    request: Request,
    session: Session,
    settings: Settings,
    cache: MatcherCache,
    store: OccupationStore,
    client: Client,
    code: str,
) -> tuple[dict[str, Any], Page]:
    """One page of the client's current openings in ``code`` and its related occupations."""
    openings = explore.client_openings(
        session,
        cache=cache,
        occupation_store=store,
        client_row=client,
        code=code,
        as_of=settings.today(),
        related_top=RELATED_SHOWN,
    )
    page = page_of(request, total=openings["total"])
    openings["data"] = openings["data"][page.offset : page.offset + page.size]
    return openings, page


def _occupation(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    cache: MatcherCache,
    client_id: str | None,
    code: str,
    q: str,
) -> HTMLResponse:
    client = _client(session, user, client_id)
    found = occupations.cached_store(settings.occupations_path)
    if found is None:
        return _no_store(request, user, client, settings)
    if not _CODE.match(code):
        raise HTTPException(status_code=422, detail="An occupation code looks like 35-9021.00")
    canonical = occupations.canonical_code(found, code)
    if canonical is None:
        raise HTTPException(status_code=404, detail="O*NET has no occupation with that code.")
    openings, page = None, None
    if client is not None:
        openings, page = _openings(request, session, settings, cache, found, client, canonical)
    profile = occupations.profile(found, canonical)
    q = q.strip()[:MAX_TITLE]
    # The searched title travels on to related occupations (for the way back); only an
    # occupation it resolves to is one O*NET counts it among.
    searched = bool(q) and any(
        c.code == canonical for c in occupations.resolve(found, q, top=CANDIDATES_SHOWN)
    )
    return render(
        request,
        "explore_occupation.html",
        user=user,
        nav="explore" if client is None else "caseload",
        title=profile["title"],
        client=client,
        profile=profile,
        related=occupations.related_rows(found, canonical, top=RELATED_SHOWN),
        openings=openings,
        page=page,
        band_words=BAND_WORDS,
        q=q,
        searched=searched,
        base=_base(client),
        attribution=occupations.ATTRIBUTION,
    )


@router.get("/explore", response_class=HTMLResponse)
def explore_page(
    request: Request, session: SessionDep, user: SpecialistPage, settings: SettingsDep, title: str = ""
) -> HTMLResponse:
    """Search a job title: the O*NET occupations it may denote."""
    return _search(request, session, user, settings, None, title)


@router.get("/explore/{code}", response_class=HTMLResponse)
def occupation_page(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    code: str,
    q: str = "",
) -> HTMLResponse:
    """An occupation's profile and related occupations."""
    return _occupation(request, session, user, settings, cache, None, code, q)


@router.get("/clients/{client_id}/explore", response_class=HTMLResponse)
def client_explore_page(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    client_id: str,
    title: str = "",
) -> HTMLResponse:
    """Career exploration for one client: search a title (the client's past jobs offered)."""
    return _search(request, session, user, settings, client_id, title)


@router.get("/clients/{client_id}/explore/{code}", response_class=HTMLResponse)
def client_occupation_page(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    code: str,
    q: str = "",
) -> HTMLResponse:
    """An occupation, its related ones and the client's current openings in them."""
    return _occupation(request, session, user, settings, cache, client_id, code, q)
