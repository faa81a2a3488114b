"""Pages of the liaison (employers, openings, CSV import) and the openings list specialists read.

Same rules and code paths as the JSON routes: ``api.openings`` (who sees what, storing a
posting, lists searched and paged by the database), ``api.importer`` (the CSV import and
its preview) and the request models of ``api.schemas``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError

from api import openings, store
from api.deps import SessionDep, SettingsDep
from api.models import Employer, Opening, Role, User
from api.openings import SOON_DAYS, ListRequest
from api.schemas import EmployerCreate, EmployerUpdate, OpeningDetails
from api.web import liaison_forms as forms
from api.web import liaison_import
from api.web.paging import PAGE_SIZE, page_of
from api.web.render import render
from api.web.session import OpeningReaderPage

router = APIRouter()
router.include_router(liaison_import.router)

STATUS_CHOICES = (("", "Any status"), ("open", "Open"), ("filled", "Filled"), ("closed", "Closed"))
SORT_CHOICES = (
    ("created", "Date stored"),
    ("title", "Title"),
    ("employer", "Employer"),
    ("posted", "Date posted"),
    ("expires", "Last day to apply"),
)
ORDER_CHOICES = (("asc", "A to Z, oldest first"), ("desc", "Z to A, newest first"))
#: Fixed notices after a form was saved (never text from the query).
NOTICES = {
    "created": "The opening was saved.",
    "saved": "Your changes were saved.",
    "closed": "The opening is closed: it is no longer suggested.",
    "filled": "The opening is marked filled: it is no longer suggested.",
    "reopened": "The opening is open again.",
    "employer-created": "The employer was added.",
    "employer-recorded": "The employer was recorded. The liaisons see it until one is assigned to it.",
    "employer-saved": "The employer's details were saved.",
}
CHANGED_MEANWHILE = (
    "Someone changed this meanwhile. Nothing was saved: open the page again to see the "
    "current version, then make your change there."
)
MAX_EMPLOYER_CHOICES = 1000
#: The employer form's text fields (EmployerCreate's), in the form's order.
EMPLOYER_TEXT_FIELDS = (
    "name",
    "industry",
    "notes",
    "contact_name",
    "contact_phone",
    "contact_email",
    "contact_address",
)


def _notice(request: Request) -> str | None:
    if request.query_params.get("done") == "imported":
        n = request.query_params.get("n", "")
        return f"{int(n)} openings were stored from the file." if n.isdigit() else None
    return NOTICES.get(request.query_params.get("done", ""))


def _param(request: Request, name: str, limit: int = 200) -> str:
    """A query parameter as bounded text without NUL (PostgreSQL text cannot hold it)."""
    return request.query_params.get(name, "")[:limit].replace("\x00", "")


def _choice(value: str | None, choices: tuple[tuple[str, str], ...], default: str) -> str:
    return value if value in {c for c, _ in choices} else default


# ---------------------------------------------------------------- the openings list


@router.get("/openings")
def openings_list(
    request: Request, session: SessionDep, settings: SettingsDep, user: OpeningReaderPage
) -> Response:
    params = request.query_params
    liaison = user.role == Role.LIAISON
    asked = ListRequest(
        search=_param(request, "q"),
        employer_id=_param(request, "employer_id", 32) or None,
        status=(_choice(params.get("status"), STATUS_CHOICES, "") or None) if liaison else None,
        industry=_param(request, "industry", 120),
        expiring_within=SOON_DAYS if params.get("soon") else None,
        sort=_choice(params.get("sort"), SORT_CHOICES, "created"),
        descending=_choice(params.get("order"), ORDER_CHOICES, "asc") == "desc",
    )
    today = settings.today()
    try:
        number = max(int(params.get("page", "1")), 1)
    except ValueError:
        number = 1
    offset = min(number - 1, 10_000_000) * PAGE_SIZE
    rows, total = openings.list_openings(session, user, asked, today=today, limit=PAGE_SIZE, offset=offset)
    page = page_of(request, total=total)
    if page.offset != offset:  # past the last page: show the last one
        rows, total = openings.list_openings(
            session, user, asked, today=today, limit=PAGE_SIZE, offset=page.offset
        )
    employer = (
        store.employers.get_employer(
            session, employer_id=asked.employer_id, liaison_id=user.id if liaison else None, developed=True
        )
        if asked.employer_id
        else None
    )
    names = openings.developer_names(session, rows)
    return render(
        request,
        "liaison_openings.html",
        user=user,
        nav="openings",
        notice=_notice(request),
        rows=[openings.public(o, today=today, developer_name=names.get(o.developed_by or 0)) for o in rows],
        page=page,
        asked=asked,
        order="desc" if asked.descending else "asc",
        employer=employer,
        industries=[("", "Any industry"), *((i, i) for i in openings.industries(session, user, today=today))],
        status_choices=STATUS_CHOICES,
        sort_choices=SORT_CHOICES,
        order_choices=ORDER_CHOICES,
        soon_days=SOON_DAYS,
        can_edit=liaison,
        can_record=user.role == Role.SPECIALIST,
    )


# ---------------------------------------------------------------- one opening


@router.get("/openings/new")
def new_opening_page(request: Request, session: SessionDep, user: OpeningReaderPage) -> Response:
    values = forms.opening_values(None)
    values["employer_id"] = _param(request, "employer_id", 32)
    return _opening_form(request, session, user, values=values, errors={})


@router.post("/openings/new")
async def create_opening(
    request: Request, session: SessionDep, settings: SettingsDep, user: OpeningReaderPage
) -> Response:
    """A liaison posts for an employer they manage; a specialist records an opening they developed."""
    values = forms.form_values(await request.form())
    details, errors = _details(values)
    employer_id = str(values.get("employer_id", ""))[:32].replace("\x00", "")
    liaison_id = user.id if user.role == Role.LIAISON else None  # a specialist may name any employer
    if (
        not employer_id
        or store.employers.get_employer(session, employer_id=employer_id, liaison_id=liaison_id) is None
    ):
        wanted = "one of the employers you manage" if liaison_id else "an employer (or record it first)"
        errors = {"employer_id": f"Choose {wanted}", **errors}
    duplicate = None
    if details is not None and not errors:
        try:
            opening = openings.create_opening(
                session, user, employer_id=employer_id, details=details, today=settings.today()
            )
            session.commit()
            return RedirectResponse(f"/openings/{opening.id}?done=created", status_code=303)
        except RequestValidationError as exc:
            errors = forms.errors_of(exc.errors(), prefix=2, engine=True)
        except store.Conflict as conflict:
            errors, duplicate = _conflict_errors(session, conflict)
        session.rollback()
    return _opening_form(
        request, session, user, values=values, errors=errors, duplicate=duplicate, status_code=422
    )


@router.get("/openings/{opening_id}")
def opening_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: OpeningReaderPage, opening_id: str
) -> Response:
    opening = openings.visible(session, user, opening_id)
    return _opening_detail(request, session, user, opening, today=settings.today(), notice=_notice(request))


@router.get("/openings/{opening_id}/edit")
def edit_opening_page(
    request: Request, session: SessionDep, user: OpeningReaderPage, opening_id: str
) -> Response:
    opening = openings.editable(session, user, opening_id)
    values = forms.opening_values(opening.record) | {"version": str(opening.version)}
    return _opening_form(request, session, user, values=values, errors={}, opening=opening)


@router.post("/openings/{opening_id}/edit")
async def edit_opening(
    request: Request, session: SessionDep, settings: SettingsDep, user: OpeningReaderPage, opening_id: str
) -> Response:
    opening = openings.editable(session, user, opening_id)
    values = forms.form_values(await request.form())
    details, errors = _details(values)
    version = str(values.get("version", ""))
    duplicate = None
    if not version.isdigit():
        errors = {"form": CHANGED_MEANWHILE, **errors}
    elif details is not None and not errors:
        try:
            openings.update_opening(
                session, user, opening, details=details, version=int(version), today=settings.today()
            )
            session.commit()
            return RedirectResponse(f"/openings/{opening.id}?done=saved", status_code=303)
        except RequestValidationError as exc:
            errors = forms.errors_of(exc.errors(), prefix=2, engine=True)
        except StaleDataError:
            errors = {"form": CHANGED_MEANWHILE}
        except store.Conflict as conflict:
            errors, duplicate = _conflict_errors(session, conflict)
        session.rollback()
        opening = openings.editable(session, user, opening_id)
    return _opening_form(
        request,
        session,
        user,
        values=values,
        errors=errors,
        opening=opening,
        duplicate=duplicate,
        status_code=422,
    )


def _status_route(new: str, done: str) -> Any:
    def change(
        request: Request, session: SessionDep, settings: SettingsDep, user: OpeningReaderPage, opening_id: str
    ) -> Response:
        opening = openings.editable(session, user, opening_id)
        try:
            openings.set_status(session, user, opening, new)
            session.commit()
        except store.Conflict as conflict:
            session.rollback()
            opening = openings.visible(session, user, opening_id)
            duplicate_id = openings.duplicate_of(conflict)
            problem = (
                "It cannot be opened again: an open opening like it already exists."
                if duplicate_id
                else f"Nothing was changed: the opening is already {opening.status}."
            )
            duplicate = store.openings.get_opening(session, opening_id=duplicate_id) if duplicate_id else None
            return _opening_detail(
                request,
                session,
                user,
                opening,
                today=settings.today(),
                problem=problem,
                duplicate=duplicate,
                status_code=409,
            )
        return RedirectResponse(f"/openings/{opening.id}?done={done}", status_code=303)

    return change


for _action, _new, _done in (
    ("close", "closed", "closed"),
    ("fill", "filled", "filled"),
    ("reopen", "open", "reopened"),
):
    router.add_api_route(f"/openings/{{opening_id}}/{_action}", _status_route(_new, _done), methods=["POST"])


def _details(values: dict[str, Any]) -> tuple[OpeningDetails | None, forms.Errors]:
    raw, read_errors = forms.details_from_values(values)
    details, errors = forms.model_errors(OpeningDetails, raw)
    return details, {**read_errors, **errors}


def _conflict_errors(session: SessionDep, conflict: store.Conflict) -> tuple[forms.Errors, Opening | None]:
    duplicate_id = openings.duplicate_of(conflict)
    if duplicate_id is None:
        return {"form": CHANGED_MEANWHILE}, None
    duplicate = store.openings.get_opening(session, opening_id=duplicate_id)
    title = duplicate.title if duplicate is not None else duplicate_id
    message = (
        f"An open opening of this employer at the same place has almost the same title: “{title}” "
        f"({duplicate_id}). Change the title or the place, or edit that opening instead."
    )
    return {"title": message}, duplicate


def _opening_form(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    values: dict[str, Any],
    errors: forms.Errors,
    opening: Opening | None = None,
    duplicate: Opening | None = None,
    status_code: int = 200,
) -> Response:
    employers: list[Employer] = []
    if opening is None:  # a liaison posts for a managed employer; a specialist for any
        liaison_id = user.id if user.role == Role.LIAISON else None
        employers, _ = store.employers.search_employers(
            session, liaison_id=liaison_id, limit=MAX_EMPLOYER_CHOICES, offset=0
        )
    return render(
        request,
        "liaison_opening_form.html",
        user=user,
        nav="openings",
        status_code=status_code,
        values=values,
        errors=errors,
        opening=opening,
        duplicate=duplicate,
        employer_choices=[("", "Choose an employer"), *((e.id, e.name) for e in employers)],
        days=forms.DAYS,
        day_names=forms.DAY_NAMES,
        dimensions=forms.dimensions(),
        level_choices=forms.level_choices(),
        accommodations=forms.accommodations(),
        offer_choices=forms.OFFER_CHOICES,
        not_stated=forms.NOT_STATED_CHOICE,
        where_choices=forms.WHERE_CHOICES,
    )


def _opening_detail(
    request: Request,
    session: SessionDep,
    user: User,
    opening: Opening,
    *,
    today: dt.date,
    notice: str | None = None,
    problem: str | None = None,
    duplicate: Opening | None = None,
    status_code: int = 200,
) -> Response:
    names = openings.developer_names(session, [opening])
    shown = openings.public(opening, today=today, developer_name=names.get(opening.developed_by or 0))
    d = shown.details
    return render(
        request,
        "liaison_opening.html",
        user=user,
        nav="openings",
        status_code=status_code,
        notice=notice,
        problem=problem,
        duplicate=duplicate,
        opening=shown,
        d=d,
        demands=[
            (dim.label, forms.level_name(d.get("demands", {}).get(dim.code)))
            for dim in forms.dimensions()
            if dim.code in (d.get("demands") or {})
        ],
        accommodations=forms.accommodations(),
        can_edit=openings.may_edit(session, user, opening),
    )


# ---------------------------------------------------------------- employers


@router.get("/employers")
def employers_list(request: Request, session: SessionDep, user: OpeningReaderPage) -> Response:
    """A liaison's employers (and unassigned ones specialists recorded); a specialist sees all."""
    search = _param(request, "q").strip()
    liaison_id = user.id if user.role == Role.LIAISON else None
    try:
        number = max(int(request.query_params.get("page", "1")), 1)
    except ValueError:
        number = 1
    offset = min(number - 1, 10_000_000) * PAGE_SIZE
    rows, total = store.employers.search_employers(
        session, liaison_id=liaison_id, search=search, limit=PAGE_SIZE, offset=offset, developed=True
    )
    page = page_of(request, total=total)
    if page.offset != offset:
        rows, total = store.employers.search_employers(
            session, liaison_id=liaison_id, search=search, limit=PAGE_SIZE, offset=page.offset, developed=True
        )
    developers = store.openings.developer_names(
        session, user_ids={e.developed_by for e in rows if e.developed_by is not None}
    )
    return render(
        request,
        "liaison_employers.html",
        user=user,
        nav="employers",
        notice=_notice(request),
        rows=rows,
        page=page,
        search=search,
        developers=developers,
        editable={e.id for e in rows if openings.may_edit_employer(session, user, e)},
        liaison=liaison_id is not None,
    )


@router.get("/employers/new")
def new_employer_page(request: Request, user: OpeningReaderPage) -> Response:
    values: dict[str, Any] = dict.fromkeys(EMPLOYER_TEXT_FIELDS, "") | {"fair_chance": False}
    return _employer_form(request, user, values=values, errors={})


@router.post("/employers/new")
async def create_employer(request: Request, session: SessionDep, user: OpeningReaderPage) -> Response:
    """A liaison adds an employer they then manage; a specialist records one they developed."""
    values = _employer_values(await request.form())
    body, errors = forms.model_errors(EmployerCreate, _employer_body(values), forms.employer_field)
    if body is None:
        return _employer_form(request, user, values=values, errors=errors, status_code=422)
    employer = openings.create_employer(session, user, body)
    session.commit()
    done = "employer-recorded" if user.role == Role.SPECIALIST else "employer-created"
    return RedirectResponse(f"/employers?done={done}&q={_q(employer.name)}", status_code=303)


@router.get("/employers/{employer_id}/edit")
def edit_employer_page(
    request: Request, session: SessionDep, user: OpeningReaderPage, employer_id: str
) -> Response:
    employer = openings.editable_employer(session, user, employer_id)
    values: dict[str, Any] = {field: getattr(employer, field) for field in EMPLOYER_TEXT_FIELDS}
    values |= {"fair_chance": employer.fair_chance, "version": str(employer.version)}
    return _employer_form(request, user, values=values, errors={}, employer=employer)


@router.post("/employers/{employer_id}/edit")
async def edit_employer(
    request: Request, session: SessionDep, user: OpeningReaderPage, employer_id: str
) -> Response:
    employer = openings.editable_employer(session, user, employer_id)
    values = _employer_values(await request.form())
    version = str(values.get("version", ""))
    body_values = _employer_body(values) | {"version": int(version) if version.isdigit() else 0}
    body, errors = forms.model_errors(EmployerUpdate, body_values, forms.employer_field)
    if "version" in errors:
        errors = {"form": CHANGED_MEANWHILE, **{k: v for k, v in errors.items() if k != "version"}}
    if body is not None:
        try:
            openings.update_employer(session, user, employer, body)
            session.commit()
            return RedirectResponse(f"/employers?done=employer-saved&q={_q(employer.name)}", status_code=303)
        except (store.Conflict, StaleDataError):
            session.rollback()
            employer = openings.editable_employer(session, user, employer_id)
            errors = {"form": CHANGED_MEANWHILE}
    return _employer_form(request, user, values=values, errors=errors, employer=employer, status_code=422)


def _q(text: str) -> str:
    return quote(text[:200], safe="")


def _employer_values(form: Any) -> dict[str, Any]:
    values = forms.form_values(form)
    values["fair_chance"] = "fair_chance" in form
    return values


def _employer_body(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **{field: str(values.get(field, "")) for field in EMPLOYER_TEXT_FIELDS},
        "industry": str(values.get("industry", "")).strip(),
        "fair_chance": bool(values.get("fair_chance")),
    }


def _employer_form(
    request: Request,
    user: User,
    *,
    values: dict[str, Any],
    errors: forms.Errors,
    employer: Employer | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "liaison_employer_form.html",
        user=user,
        nav="employers",
        status_code=status_code,
        values=values,
        errors=errors,
        employer=employer,
    )
