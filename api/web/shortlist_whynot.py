"""Page: "why not?" — find any opening (by title or employer, whatever its status) and ask
why it is or is not suggested for one client of the specialist's own caseload.

The answer is the JSON API's (:func:`api.shortlists.explain_pair`): every limit the
opening fails for that client, including that it was filled, closed or has expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api import store
from api.deps import MatcherDep, SessionDep, SettingsDep
from api.fit_bands import BAND_WORDS, fit_band
from api.models import Employer, Opening
from api.routes.clients import own_client
from api.shortlists import explain_pair
from api.web.paging import page_of
from api.web.render import render
from api.web.session import SpecialistPage
from api.web.shortlist_words import plain

router = APIRouter()

MAX_QUERY = 100


@dataclass(frozen=True)
class Found:
    opening_id: str
    title: str
    employer: str
    status: str  # in words: "Open", "Filled", "Expired on 2026-02-22", ...


def _status_words(status: str, expires: Any, today: Any) -> str:
    if status != "open":
        return status.capitalize()
    if expires is not None and expires < today:
        return f"Expired on {expires.isoformat()}"
    return "Open"


def search_openings(
    session: Session, *, text: str, today: Any, offset: int, limit: int
) -> tuple[int, list[Found]]:
    """Openings whose title or employer contains ``text`` (any status), by title; and how many."""
    match = or_(
        Opening.title.icontains(text, autoescape=True), Employer.name.icontains(text, autoescape=True)
    )
    base = select(Opening.id).join(Employer, Employer.id == Opening.employer_id).where(match)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = session.execute(
        select(Opening.id, Opening.title, Employer.name, Opening.status, Opening.expires)
        .join(Employer, Employer.id == Opening.employer_id)
        .where(match)
        .order_by(Opening.title, Opening.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [Found(r[0], r[1], r[2], _status_words(r[3], r[4], today)) for r in rows]


@router.get("/why-not", response_class=HTMLResponse)
def why_not_page(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    q: str = "",
    client: str = "",
    opening: str = "",
) -> HTMLResponse:
    clients = [c for c in store.clients.list_clients(session, specialist_id=user.id) if c.status != "closed"]
    chosen = own_client(session, user, client) if client else None  # another caseload's: 404
    text = q.strip()[:MAX_QUERY]
    errors: dict[str, str] = {}
    if opening and chosen is None:
        errors["client"] = "Choose the client to ask about"
    found, page = None, None
    if text:
        total = search_openings(session, text=text, today=settings.today(), offset=0, limit=0)[0]
        page = page_of(request, total=total)
        found = search_openings(
            session, text=text, today=settings.today(), offset=page.offset, limit=page.size
        )[1]
    answer = None
    if opening and chosen is not None:
        result = explain_pair(
            session, cache=cache, client_row=chosen, opening_id=opening[:64], as_of=settings.today()
        )
        if result is None:
            raise HTTPException(status_code=404, detail="That opening does not exist.")
        answer = _answer(result)
    return render(
        request,
        "shortlist_whynot.html",
        user=user,
        status_code=422 if errors else 200,
        nav="why-not",
        title="Why not?",
        clients=clients,
        chosen=chosen,
        q=text,
        found=found,
        page=page,
        answer=answer,
        errors=errors,
    )


def _answer(result: dict[str, Any]) -> dict[str, Any]:
    """The explanation in words: suggested (where, how well) or every limit it fails."""
    answer: dict[str, Any] = {
        "opening_id": result["opening_id"],
        "title": result["title"],
        "employer": result["employer"],
        "suggested": result["suggested"],
        "feasible": result["feasible"],
    }
    if result["feasible"]:
        answer["rank"] = result["rank"]
        answer["band_words"] = BAND_WORDS[fit_band(float(result["score"]))]
        answer["positives"] = [plain(r) for r in result["positives"]]
        answer["concerns"] = [plain(r) for r in result["concerns"]]
    else:
        answer["reasons"] = [(plain(r), r.get("feasible_if")) for r in result["reasons"]]
    return answer
