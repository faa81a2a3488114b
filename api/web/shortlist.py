"""Pages: a client's shortlist, with approve / reject / outcome forms, the print page and why-not.

``GET /clients/{id}/shortlist`` makes the shortlist through the JSON API's service
(:func:`api.shortlists.make_shortlist`: ranked and stored as a recommendation record),
so every view is in the audit trail and decisions name the record that showed the
opening. Decisions and placements go through :mod:`api.decisions`, as the JSON routes do.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import decisions, store
from api.config import Settings
from api.decisions import Refused
from api.deps import MatcherDep, SessionDep, SettingsDep
from api.matching import MatcherCache
from api.models import Client, User
from api.routes.clients import own_client
from api.schemas import DecisionCreate, PlacementCreate
from api.schemas.decisions import COMPETITIVE_INTEGRATED
from api.shortlists import make_shortlist
from api.web import shortlist_print, shortlist_whynot
from api.web.render import render
from api.web.session import SpecialistPage
from api.web.shortlist_view import K_CHOICES, FilterForm, filter_form, filters_from_query, shortlist_view
from api.web.shortlist_words import OUTCOME_WORDS, REJECT_WORDS, SEPARATION_WORDS

router = APIRouter()
router.include_router(shortlist_print.router)
router.include_router(shortlist_whynot.router)

#: Fixed notices after a form was saved (the query names one; its text is never echoed).
DONE = {
    "approved": "Approved: the suggestion is marked as worth pursuing.",
    "rejected": "Rejected: it will not be suggested again for this client unless restored.",
    "outcome": "The outcome was recorded.",
    "placement": "The job start was recorded.",
}

#: Plain messages for the fields of the decision and placement forms (the schema checks them).
FIELD_MESSAGES = {
    "reason_code": "Choose why the suggestion is rejected",
    "action": "Choose what happened",
    "note": "Keep the note to 4000 characters or fewer",
    "recommendation_id": "This shortlist has changed since; reload the page and try again",
    "opening_id": "This suggestion is no longer on the shortlist; reload the page and try again",
    "start_date": "Enter the first day of work as a date, e.g. 2026-03-16",
    "end_date": "Enter the last day of work as a date, not before the first day",
    "separation_reason": "Choose why the job ended (only with a last day of work)",
    "job_title": "Keep the job title to 200 characters or fewer",
    "employer_name": "Keep the employer's name to 200 characters or fewer",
    "hourly_wage": "Enter the pay per hour as a number of dollars, e.g. 16.50 (or leave it empty)",
    "weekly_hours": "Enter the hours a week as a number from 0.5 to 80 (or leave it empty)",
}


def _client_url(client_id: str, query: str = "", **extra: str) -> str:
    params = [*((k, v) for k, v in filters_from_query(query).items()), *extra.items()]
    return f"/clients/{client_id}/shortlist" + (f"?{urlencode(params)}" if params else "")


def _page(
    request: Request,
    *,
    session: Session,
    user: User,
    settings: Settings,
    cache: MatcherCache,
    client: Client,
    form: FilterForm,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The shortlist page: a new shortlist (stored) unless the filters or the client's status stop it."""
    view = None
    prefill: dict[str, dict[str, Any]] = {}
    if client.status == "active" and form.filters is not None:
        body = make_shortlist(
            session,
            cache=cache,
            client_row=client,
            user=user,
            k=form.k,
            filters=form.filters,
            as_of=settings.today(),
            options=form.options,
            add_options=True,  # a short list says what would open more, from what the shortlist read
        )
        view = shortlist_view(session, body)
        shown = [card.opening_id for card in view.cards]
        records = store.openings.engine_records(session, ids=shown)
        prefill = {r["id"]: decisions.job_from_opening(r) for r in records}  # the outcome form's job
    elif client.status != "active":
        status_code = 409
    done = request.query_params.get("done", "")
    return render(
        request,
        "shortlist_page.html",
        user=user,
        status_code=status_code if not form.errors else 422,
        nav="caseload",
        title=f"Shortlist for {client.label}",
        client=client,
        view=view,
        form=form,
        k_choices=K_CHOICES,
        errors={**form.errors, **(errors or {})},
        kept=kept or {},
        notice=DONE.get(done),
        reject_words=REJECT_WORDS,
        outcome_words=OUTCOME_WORDS,
        separation_words=SEPARATION_WORDS,
        prefill=prefill,
        competitive_integrated_hint=COMPETITIVE_INTEGRATED,
    )


@router.get("/clients/{client_id}/shortlist", response_class=HTMLResponse)
def shortlist_page(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
) -> HTMLResponse:
    client = own_client(session, user, client_id)
    form = filter_form(dict(request.query_params))
    return _page(
        request, session=session, user=user, settings=settings, cache=cache, client=client, form=form
    )


def _errors(exc: ValidationError, prefix: str) -> dict[str, str]:
    """The schema's errors as {form field key: plain message}, one per field."""
    out: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else "action"
        out.setdefault(f"{prefix}.{name}", FIELD_MESSAGES.get(name, str(error["msg"])))
    return out


def _decision_client(session: Session, user: User, client_id: str) -> Client:
    client = own_client(session, user, client_id)
    if client.status == "closed":
        raise HTTPException(status_code=409, detail="This client's file is closed: nothing can be recorded.")
    return client


Field = Annotated[str, Form(max_length=5000)]


@router.post("/clients/{client_id}/shortlist/decisions", response_model=None)
def post_decision(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    form: Field = "",
    opening_id: Field = "",
    recommendation_id: Field = "",
    action: Field = "",
    reason_code: Field = "",
    note: Field = "",
    filters: Field = "",
) -> Response:
    """Approve, reject (with a reason) or record an outcome of one suggestion."""
    client = _decision_client(session, user, client_id)
    which = form if form in ("approve", "reject", "outcome") else "outcome"
    prefix = f"{which}.{opening_id}"
    data: dict[str, Any] = {
        "opening_id": opening_id,
        "action": action or None,
        "note": note,
        "recommendation_id": recommendation_id or None,
    }
    if reason_code:
        data["reason_code"] = reason_code
    status_code = 422
    try:
        body = DecisionCreate.model_validate(data)
        decisions.record_decision(session, user=user, client=client, body=body)
    except ValidationError as exc:
        errors = _errors(exc, prefix)
    except Refused as exc:
        if exc.status == 404:
            raise HTTPException(status_code=404, detail="That opening does not exist.") from None
        name = exc.field or "action"
        errors = {f"{prefix}.{name}": FIELD_MESSAGES.get(name, exc.message) if exc.field else exc.message}
        status_code = exc.status
    else:
        session.commit()
        done = {"approve": "approved", "reject": "rejected"}.get(body.action.value, "outcome")
        return RedirectResponse(_client_url(client.id, filters, done=done), status_code=303)
    session.rollback()
    kept = {"form": which, "opening_id": opening_id, "action": action, "reason_code": reason_code}
    kept["note"] = note
    return _page(
        request,
        session=session,
        user=user,
        settings=settings,
        cache=cache,
        client=client,
        form=filter_form(filters_from_query(filters)),
        errors=errors,
        kept=kept,
        status_code=status_code,
    )


def _number(text: str) -> float | str | None:
    """A form's number: None when empty, the float it says, or the text itself (the schema refuses it)."""
    text = text.strip().removeprefix("$").replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


@router.post("/clients/{client_id}/shortlist/placements", response_model=None)
def post_placement(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    opening_id: Field = "",
    start_date: Field = "",
    end_date: Field = "",
    separation_reason: Field = "",
    note: Field = "",
    filters: Field = "",
    job_title: Field = "",
    employer_name: Field = "",
    hourly_wage: Field = "",
    weekly_hours: Field = "",
    competitive_integrated: Field = "",
) -> Response:
    """Record that the client started one of the suggested jobs (the placements API's rules).

    The job fields come prefilled from the opening; left empty, the opening's are kept.
    """
    client = _decision_client(session, user, client_id)
    data: dict[str, Any] = {
        "opening_id": opening_id,
        "start_date": start_date or None,
        "end_date": end_date or None,
        "separation_reason": separation_reason or None,
        "note": note,
        "job_title": job_title.strip() or None,
        "employer_name": employer_name.strip() or None,
        "hourly_wage": _number(hourly_wage),
        "weekly_hours": _number(weekly_hours),
        "competitive_integrated": competitive_integrated == "1",
    }
    try:
        body = PlacementCreate.model_validate(data)
        decisions.record_placement(session, user=user, client=client, body=body)
    except ValidationError as exc:
        errors = _errors(exc, f"placement.{opening_id}")
    except Refused:
        raise HTTPException(status_code=404, detail="That opening does not exist.") from None
    else:
        session.commit()
        return RedirectResponse(_client_url(client.id, filters, done="placement"), status_code=303)
    session.rollback()
    kept = {"form": "placement", "opening_id": opening_id, "note": note}
    kept |= {"start_date": start_date, "end_date": end_date, "separation_reason": separation_reason}
    kept |= {"job_title": job_title, "employer_name": employer_name}
    kept |= {"hourly_wage": hourly_wage, "weekly_hours": weekly_hours}
    kept |= {"competitive_integrated": "1" if competitive_integrated == "1" else "0"}
    return _page(
        request,
        session=session,
        user=user,
        settings=settings,
        cache=cache,
        client=client,
        form=filter_form(filters_from_query(filters)),
        errors=errors,
        kept=kept,
        status_code=422,
    )
