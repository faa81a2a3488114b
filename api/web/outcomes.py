"""Pages of the outcome reports (specialists: own caseload; admins, auditors: the program), the
fairness audit (auditors, admins) and the demographics form on a client's page (their specialist).

The pages call the same service functions as ``api.routes.outcomes``. Charts are SVG drawn on the
server (``api.outcome_plots``) and loaded as images from this app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api import demographics, fairness, outcome_plots, outcomes
from api.clients import own_client
from api.deps import SessionDep, SettingsDep
from api.models import Role, User
from api.routes.outcomes import csv_download
from api.schemas.reports import DemographicsUpdate
from api.store import outcomes as outcome_store
from api.web.audit import form_date
from api.web.render import render
from api.web.session import AuditorPage, SpecialistPage, page_role
from matcher.outcomes import ATTRIBUTES, CASELOAD_LIMIT, FOUR_FIFTHS, MIN_GROUP, km_curve

router = APIRouter()

ReportPage = Annotated[User, page_role(Role.SPECIALIST, Role.ADMIN, Role.AUDITOR)]
Text = Annotated[str, Query(max_length=20)]
OVER_TIME = {"month": "By month", "quarter": "By quarter"}
REASON_WORDS = {
    "quit_better_job": "Left for a better job",
    "quit_dissatisfied": "Left, unhappy with the job",
    "quit_health": "Left for health reasons",
    "fired": "Let go by the employer",
    "laid_off": "Laid off",
    "temporary_ended": "Temporary job ended",
    "moved": "Moved away",
    "transport": "Could not get there",
    "benefits": "To protect benefits",
    "other": "Other",
    "not recorded": "Not recorded",
}
SELECTION_WORDS = fairness.SELECTIONS


@dataclass(frozen=True, slots=True)
class Window:
    """The report's first and last day: as typed (shown back in the form) and read as dates."""

    since: str
    until: str
    first: dt.date | None
    last: dt.date | None
    errors: dict[str, str]


def window(since: Text = "", until: Text = "") -> Window:
    """The window of the page, its CSV and its chart; a problem is kept under the field's name."""
    errors: dict[str, str] = {}
    first, last = form_date(since, "since", errors), form_date(until, "until", errors)
    if first and last and last < first:
        errors["until"] = "The last day must be on or after the first day"
    return Window(since, until, first, last, errors)


WindowDep = Annotated[Window, Depends(window)]


def _query(**values: str) -> str:
    return urlencode({k: v for k, v in values.items() if v})


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ReportPage,
    when: WindowDep,
    over: Text = "month",
) -> Response:
    """The outcome report: a summary, per specialist, over time, endings, caseload sizes."""
    errors = dict(when.errors)
    if over not in OVER_TIME:
        errors["over"] = "Choose by month or by quarter"
        over = "month"
    as_of = settings.today()
    data = outcomes.load(session, user, as_of=settings.today())
    session.commit()
    span: dict[str, Any] = {"as_of": as_of, "since": None, "until": None}
    if not errors:
        span |= {"since": when.first, "until": when.last}
    summary = outcomes.report_rows(data, by="program", **span)[0]
    per_specialist = outcomes.report_rows(data, by="specialist", **span) if data.program_wide else []
    over_time = outcomes.report_rows(data, by=over, as_of=as_of, since=span["since"], until=None)
    query = _query(since=when.since, until=when.until) if not errors else ""
    return render(
        request,
        "outcomes.html",
        user=user,
        nav="outcomes",
        status_code=422 if errors else 200,
        errors=errors,
        values={"since": when.since, "until": when.until, "over": over},
        over_choices=list(OVER_TIME.items()),
        as_of=as_of,
        program_wide=data.program_wide,
        summary=summary,
        per_specialist=per_specialist,
        over_time=over_time,
        caseloads=outcomes.caseloads(data),
        limit=CASELOAD_LIMIT,
        reason_words=REASON_WORDS,
        query=query,
        over_query=_query(over=over, since=when.since if not errors else ""),
    )


@router.get("/outcomes.csv")
def outcomes_csv(
    session: SessionDep,
    settings: SettingsDep,
    user: ReportPage,
    when: WindowDep,
    by: Text = "program",
) -> Response:
    """The report's rows as CSV (program, specialist, month or quarter)."""
    if when.errors:
        detail = "; ".join(f"{k}: {v}" for k, v in when.errors.items())
        raise HTTPException(status_code=422, detail=detail)
    data = outcomes.load(session, user, as_of=settings.today())
    if by == "specialist" and not data.program_wide:
        by = "program"  # a specialist's own caseload is one row
    rows = outcomes.report_rows(data, by=by, as_of=settings.today(), since=when.first, until=when.last)
    return csv_download(outcomes.rows_csv(rows), f"outcomes-{by}.csv")


@router.get("/outcomes/over-time.svg")
def over_time_chart(
    session: SessionDep, settings: SettingsDep, user: ReportPage, over: Text = "month", since: Text = ""
) -> Response:
    """Jobs started and the employment share per month or quarter, as SVG."""
    when = window(since)
    if when.errors or over not in OVER_TIME:
        raise HTTPException(status_code=422, detail="over must be month or quarter; since a date")
    data = outcomes.load(session, user, as_of=settings.today())
    rows = outcomes.report_rows(data, by=over, as_of=settings.today(), since=when.first, until=None)
    svg = outcome_plots.over_time(rows, title=f"{OVER_TIME[over]}: jobs started and clients employed")
    return Response(content=svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/outcomes/tenure.svg")
def tenure_chart(session: SessionDep, settings: SettingsDep, user: ReportPage) -> Response:
    """The Kaplan-Meier curve of job tenure (every job in the report's scope), as SVG."""
    data = outcomes.load(session, user, as_of=settings.today())
    times, surviving = km_curve(data.program.durations, data.program.ended)
    svg = outcome_plots.tenure_curve(times, surviving, title="How long jobs last (Kaplan-Meier)")
    return Response(content=svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/audit/fairness", response_class=HTMLResponse)
def fairness_page(request: Request, session: SessionDep, user: AuditorPage) -> Response:
    """The fairness audit: impact ratios by group and intersection, scores by group, the method."""
    audit = fairness.run_audit(session)
    session.commit()
    return render(
        request,
        "audit_fairness.html",
        user=user,
        nav="fairness",
        audit=audit,
        selections=SELECTION_WORDS,
        min_group=MIN_GROUP,
        four_fifths=FOUR_FIFTHS,
        flags=[r for r in audit.ratios if r["flag"]],
    )


@router.get("/audit/fairness.csv")
def fairness_csv(session: SessionDep, _user: AuditorPage) -> Response:
    """The impact ratios as CSV."""
    return csv_download(fairness.audit_csv(fairness.run_audit(session)), "fairness-audit.csv")


def _form_page(
    request: Request,
    session: SessionDep,
    user: User,
    client_id: str,
    *,
    errors: dict[str, str],
    status_code: int,
) -> Response:
    client = own_client(session, user, client_id)
    recorded = outcome_store.demographics_recorded_at(session, client_id=client.id)
    return render(
        request,
        "client_demographics.html",
        user=user,
        nav="caseload",
        status_code=status_code,
        client=client,
        recorded_at=recorded,
        attributes=ATTRIBUTES,
        errors=errors,
    )


@router.get("/clients/{client_id}/demographics", response_class=HTMLResponse)
def demographics_form(
    request: Request, session: SessionDep, user: SpecialistPage, client_id: str
) -> Response:
    """The consent form: optional answers, never shown back (only whether and when recorded)."""
    response = _form_page(request, session, user, client_id, errors={}, status_code=200)
    session.commit()
    return response


@router.post("/clients/{client_id}/demographics", response_class=HTMLResponse)
async def save_demographics(
    request: Request, session: SessionDep, user: SpecialistPage, client_id: str
) -> Response:
    """Record the answers (consent ticked), or withdraw them (the withdraw button)."""
    form = await request.form()
    client = own_client(session, user, client_id)
    if form.get("withdraw"):
        demographics.withdraw(session, user=user, client=client)
        session.commit()
        return RedirectResponse(f"/clients/{client.id}/demographics?done=withdrawn", status_code=303)
    values: dict[str, Any] = {a: (str(form.get(a) or "") or None) for a in ATTRIBUTES}
    values["consent"] = form.get("consent") == "yes"
    try:
        body = DemographicsUpdate.model_validate(values)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()}
        return _form_page(request, session, user, client_id, errors=errors, status_code=422)
    demographics.record(session, user=user, client=client, answers=body.answers())
    session.commit()
    return RedirectResponse(f"/clients/{client.id}/demographics?done=recorded", status_code=303)
