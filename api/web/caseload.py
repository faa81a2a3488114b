"""Pages: the specialist's caseload, a client's profile in words, and the client form.

Same service as the JSON routes (:mod:`api.clients`): the same store calls, the same
validation (the request models, then the engine's record rules; here every problem at
once) and the same audit events. Only the specialist's own clients exist here; anyone
else's client, and these pages for any other role, are "not found".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError

from api import clients as service
from api import store
from api.deps import SessionDep
from api.models import Client, ClientStatus, User
from api.schemas import ClientCreate, ClientUpdate
from api.web import caseload_form as form
from api.web.paging import page_of
from api.web.render import render
from api.web.session import SpecialistPage

router = APIRouter()

#: ?done=... after a post: fixed texts only (never text from the query).
NOTICES = {
    "created": "The client was added to your caseload.",
    "saved": "The changes were saved.",
    "paused": "The client is paused: no shortlists until you resume.",
    "resumed": "The client is active again.",
    "closed": "The case is closed.",
}
#: The caseload's status filter: value -> (words, statuses shown).
STATUS_FILTER = {
    "open": ("Active and paused", ("active", "paused")),
    "active": ("Active", ("active",)),
    "paused": ("Paused", ("paused",)),
    "closed": ("Closed", ("closed",)),
    "all": ("All", ("active", "paused", "closed")),
}
STATUS_WORDS = {"active": "Active", "paused": "Paused", "closed": "Closed"}
_DONE = {ClientStatus.PAUSED: "paused", ClientStatus.ACTIVE: "resumed", ClientStatus.CLOSED: "closed"}


async def posted(request: Request) -> form.Values:
    """The posted form's values (parsed once; the CSRF check has read the same form)."""
    return form.values_from_form(await request.form())


PostedForm = Annotated[form.Values, Depends(posted)]


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


@router.get("/caseload", response_class=HTMLResponse)
def caseload(
    request: Request, session: SessionDep, user: SpecialistPage, q: str = "", status: str = "open"
) -> Response:
    """The specialist's clients: search by label, filter by status, flags, a page at a time."""
    q = q.strip()[:80]
    status = status if status in STATUS_FILTER else "open"
    shown_statuses = STATUS_FILTER[status][1]
    everyone = store.clients.list_clients(session, specialist_id=user.id)
    matching = [
        c
        for c in everyone
        if c.status in shown_statuses and (not q or q.casefold() in f"{c.label} {c.id}".casefold())
    ]
    page = page_of(request, total=len(matching))
    rows = matching[page.offset : page.offset + page.size]
    flags = service.caseload_flags(session, user, rows)
    service.log_listed(session, user, rows)
    session.commit()
    return render(
        request,
        "caseload_list.html",
        user=user,
        nav="caseload",
        notice=_notice(request),
        rows=rows,
        flags=flags,
        page=page,
        q=q,
        status=status,
        status_filter=STATUS_FILTER,
        status_words=STATUS_WORDS,
        total_clients=len(everyone),
    )


def _form_page(
    request: Request,
    user: User,
    *,
    values: form.Values,
    errors: dict[str, str],
    client: Client | None,
    status_code: int = 200,
    stale: bool = False,
) -> Response:
    return render(
        request,
        "caseload_form.html",
        user=user,
        nav="new-client" if client is None else "caseload",
        status_code=status_code,
        v=values,
        errors=errors,
        client=client,
        stale=stale,
        f=form,
    )


@router.get("/clients/new", response_class=HTMLResponse)
def new_client_form(request: Request, user: SpecialistPage) -> Response:
    return _form_page(request, user, values=dict(form.DEFAULTS), errors={}, client=None)


@router.post("/clients/new", response_class=HTMLResponse)
def create_client(
    request: Request, session: SessionDep, user: SpecialistPage, values: PostedForm
) -> Response:
    """Add the client, or show every problem beside its field (nothing saved)."""
    body, line_fields = form.body_of(values)
    parsed, problems = service.check_client(body, update=False)
    if problems or not isinstance(parsed, ClientCreate):
        errors = form.field_errors(problems, body, line_fields, values)
        return _form_page(request, user, values=values, errors=errors, client=None, status_code=422)
    client = service.create_client(session, user, parsed)
    session.commit()
    return RedirectResponse(f"/clients/{client.id}?done=created", status_code=303)


@router.get("/clients/{client_id}", response_class=HTMLResponse)
def client_page(request: Request, session: SessionDep, user: SpecialistPage, client_id: str) -> Response:
    """The client's profile in words, with what can be done next."""
    client = service.read_client(session, user, client_id)
    session.commit()
    return _client_page(request, user, client, notice=_notice(request))


def _client_page(
    request: Request,
    user: User,
    client: Client,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    warning: str | None = None,
    status_code: int = 200,
) -> Response:
    record = client.record
    home_zip = form.zip_of(record.get("home"))
    return render(
        request,
        "caseload_client.html",
        user=user,
        nav="caseload",
        status_code=status_code,
        notice=notice,
        warning=warning,
        errors=errors or {},
        client=client,
        r=record,
        home_zip=home_zip,
        home_place=form.place_of(home_zip) if home_zip else "",
        availability=_availability_words(record.get("availability", [])),
        status_words=STATUS_WORDS,
        f=form,
    )


def _availability_words(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Per day that has any, its time ranges in words ("09:00 to 15:00")."""
    by_day: dict[str, list[str]] = {}
    for line in lines:
        day, _, span = line.partition(" ")
        start, _, end = span.partition("-")
        later = " (the next day)" if end <= start else ""
        by_day.setdefault(day, []).append(f"{start} to {end}{later}")
    return [(form.DAY_WORDS[d], by_day[d]) for d in form.DAY_WORDS if d in by_day]


@router.get("/clients/{client_id}/edit", response_class=HTMLResponse)
def edit_client_form(request: Request, session: SessionDep, user: SpecialistPage, client_id: str) -> Response:
    client = service.read_client(session, user, client_id, part="edit_form")
    session.commit()
    if client.status == ClientStatus.CLOSED:
        return _closed(request, user, client)
    values = form.values_of(client.label, client.record, version=client.version)
    return _form_page(request, user, values=values, errors={}, client=client)


@router.post("/clients/{client_id}/edit", response_class=HTMLResponse)
def update_client(
    request: Request, session: SessionDep, user: SpecialistPage, client_id: str, values: PostedForm
) -> Response:
    """Save the edit, or show every problem beside its field; a stale form shows the current client."""
    client = service.own_client(session, user, client_id)
    if client.status == ClientStatus.CLOSED:
        return _closed(request, user, client)
    if str(values.get("version")) != str(client.version):
        return _changed_meanwhile(request, session, user, client)
    body, line_fields = form.body_of(values)
    parsed, problems = service.check_client(body, update=True)
    if problems or not isinstance(parsed, ClientUpdate):
        errors = form.field_errors(problems, body, line_fields, values)
        return _form_page(request, user, values=values, errors=errors, client=client, status_code=422)
    try:
        service.update_client(session, user, client, parsed)
        session.commit()
    except (store.Conflict, StaleDataError):  # changed between the check above and the write
        session.rollback()
        return _changed_meanwhile(request, session, user, service.own_client(session, user, client_id))
    return RedirectResponse(f"/clients/{client.id}?done=saved", status_code=303)


def _changed_meanwhile(request: Request, session: SessionDep, user: User, client: Client) -> Response:
    """The form again with the client as it is now (409): someone saved a change meanwhile."""
    service.read_client(session, user, client.id, part="edit_form")
    session.commit()
    values = form.values_of(client.label, client.record, version=client.version)
    return _form_page(request, user, values=values, errors={}, client=client, status_code=409, stale=True)


def _closed(request: Request, user: User, client: Client) -> Response:
    warning = "This case is closed: its profile can no longer be changed."
    return _client_page(request, user, client, warning=warning, status_code=409)


def _change_status(
    request: Request, session: SessionDep, user: User, client_id: str, values: form.Values, new: ClientStatus
) -> Response:
    client = service.own_client(session, user, client_id)
    if str(values.get("version")) != str(client.version):
        warning = "This client was changed meanwhile; here it is as it is now. Nothing was changed."
        return _client_page(request, user, client, warning=warning, status_code=409)
    if new == ClientStatus.CLOSED and values.get("confirm") != "yes":
        errors = {"confirm": "Tick the box to confirm: a closed case cannot be reopened."}
        return _client_page(request, user, client, errors=errors, status_code=422)
    try:
        service.set_status(session, user, client, new)
        session.commit()
    except store.Conflict:
        session.rollback()
        client = service.own_client(session, user, client_id)
        warning = f"This client is {STATUS_WORDS[client.status].lower()}: that cannot be done now."
        return _client_page(request, user, client, warning=warning, status_code=409)
    return RedirectResponse(f"/clients/{client.id}?done={_DONE[new]}", status_code=303)


@router.post("/clients/{client_id}/pause", response_class=HTMLResponse)
def pause_client(
    request: Request, session: SessionDep, user: SpecialistPage, client_id: str, values: PostedForm
) -> Response:
    return _change_status(request, session, user, client_id, values, ClientStatus.PAUSED)


@router.post("/clients/{client_id}/resume", response_class=HTMLResponse)
def resume_client(
    request: Request, session: SessionDep, user: SpecialistPage, client_id: str, values: PostedForm
) -> Response:
    return _change_status(request, session, user, client_id, values, ClientStatus.ACTIVE)


@router.post("/clients/{client_id}/close", response_class=HTMLResponse)
def close_client(
    request: Request, session: SessionDep, user: SpecialistPage, client_id: str, values: PostedForm
) -> Response:
    """Close the case (asks for a tick: it is final)."""
    return _change_status(request, session, user, client_id, values, ClientStatus.CLOSED)
