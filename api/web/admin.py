"""The admin's pages: users (create, rename, role, (de)activate) and caseload and employer assignments.

Every change goes through the functions the JSON routes use (:mod:`api.routes.users`,
:mod:`api.routes.assignments`), and the forms are checked with the same pydantic
schemas; the program configuration pages are :mod:`api.web.admin_program`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api import benefits, store
from api.deps import SessionDep, SettingsDep
from api.models import Role, User
from api.routes.assignments import NotAssignable, move_client, set_employer_liaisons
from api.routes.users import UserRefused, add_user, change_role, change_user
from api.schemas import EmployerAssignmentUpdate, UserCreate, UserUpdate
from api.store import Conflict
from api.web import admin_benefits, admin_program, admin_retention
from api.web.paging import page_of
from api.web.render import render
from api.web.session import AdminPage

router = APIRouter()
router.include_router(admin_program.router)  # registered with these pages (one entry in api.web.ROUTERS)
router.include_router(admin_benefits.router)
router.include_router(admin_retention.router)

ROLE_WORDS = {
    Role.SPECIALIST.value: "Specialist: works with their own caseload of clients",
    Role.LIAISON.value: "Liaison: manages employers and their openings",
    Role.AUDITOR.value: "Auditor: reads the audit trail",
    Role.ADMIN.value: "Admin: users, assignments and program settings",
}
ROLE_OPTIONS = list(ROLE_WORDS.items())
#: A plain message for each form field the user schemas refuse (the rule itself is the schema's).
FIELD_MESSAGES = {
    "username": "Use 3 to 64 letters, digits, dots, dashes or underscores (no spaces)",
    "password": "Use 8 to 128 characters",
    "full_name": "Use at most 120 characters",
    "role": "Choose one of the roles",
    "is_active": "Choose active or not active",
}
NOTICES = {
    "created": "The user was created.",
    "saved": "The changes were saved.",
    "role": "The role was changed. The user's sessions ended: they log in again with the new role.",
    "deactivated": "The user was deactivated and their sessions ended.",
    "reactivated": "The user can log in again.",
    "moved": "The client was moved to the other caseload.",
    "assigned": "The employer's liaisons were saved.",
}
FormText = Annotated[str, Form(max_length=5000)]


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The schema's errors as {field: plain message}, every field at once."""
    out: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        out.setdefault(name, FIELD_MESSAGES.get(name, "This value is not accepted"))
    return out


def notice(done: str | None) -> str | None:
    """The fixed text of a notice key from a redirect (never text from the query itself)."""
    return NOTICES.get(done or "")


def _user_or_404(session: SessionDep, user_id: str) -> User:
    """The user of a page address (any text: an address that is no user id is "not found")."""
    number = int(user_id) if user_id.isdigit() and len(user_id) < 10 else 0
    user = store.users.get_user(session, user_id=number) if number else None
    if user is None:
        raise HTTPException(status_code=404, detail="There is no user with this id.")
    return user


@router.get("/admin", response_class=HTMLResponse)
def users_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminPage,
    role: str = "",
    done: str | None = None,
) -> Response:
    """Every user, optionally of one role, a page at a time."""
    picked = role if role in ROLE_WORDS else None
    users = store.users.list_users(session, role=picked)
    page = page_of(request, total=len(users))
    return render(
        request,
        "admin_users.html",
        user=user,
        nav="admin",
        notice=notice(done),
        users=users[page.offset : page.offset + page.size],
        page=page,
        role=picked or "",
        role_filter=[("", "Every role"), *((r, r.capitalize()) for r in ROLE_WORDS)],
        benefits_warning=benefits.status(session, settings.today()).warning,
    )


def _new_user_form(
    request: Request, user: User, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "admin_user_new.html",
        user=user,
        nav="admin",
        values=values,
        errors=errors,
        roles=ROLE_OPTIONS,
        status_code=status_code,
    )


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_page(request: Request, user: AdminPage) -> Response:
    values = {"username": "", "full_name": "", "role": Role.SPECIALIST.value}
    return _new_user_form(request, user, values, {})


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    username: FormText = "",
    full_name: FormText = "",
    role: FormText = "",
    password: FormText = "",
) -> Response:
    """Create a user (as ``POST /api/v1/users``); every problem at once, nothing saved on error."""
    values = {"username": username, "full_name": full_name, "role": role}
    try:
        user_in = UserCreate(username=username, full_name=full_name, role=role, password=password)  # type: ignore[arg-type]
    except ValidationError as exc:
        return _new_user_form(request, admin, values, field_errors(exc), 422)
    try:
        add_user(session, admin=admin, user_in=user_in)
    except Conflict:
        session.rollback()
        errors = {"username": "This username is taken (usernames are the same whatever the case)"}
        return _new_user_form(request, admin, values, errors, 422)
    session.commit()
    return RedirectResponse("/admin?done=created", status_code=303)


def _user_page(
    request: Request,
    session: SessionDep,
    admin: User,
    target: User,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    clients = len(store.clients.list_clients(session, specialist_id=target.id))
    employers = len(store.employers.list_employers(session, liaison_id=target.id))
    return render(
        request,
        "admin_user.html",
        user=admin,
        nav="admin",
        notice=notice(done),
        target=target,
        errors=errors or {},
        values=values or {"full_name": target.full_name, "role": target.role},
        roles=ROLE_OPTIONS,
        n_clients=clients,
        n_employers=employers,
        status_code=status_code,
    )


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(
    request: Request, session: SessionDep, admin: AdminPage, user_id: str, done: str | None = None
) -> Response:
    return _user_page(request, session, admin, _user_or_404(session, user_id), done=done)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    user_id: str,
    full_name: FormText = "",
    password: FormText = "",
) -> Response:
    """Change the name, and the password when one is given (as ``PATCH /api/v1/users/{id}``)."""
    target = _user_or_404(session, user_id)
    values = {"full_name": full_name, "role": target.role}
    try:
        user_in = UserUpdate(full_name=full_name, password=password or None)
    except ValidationError as exc:
        return _user_page(
            request, session, admin, target, errors=field_errors(exc), values=values, status_code=422
        )
    change_user(session, admin=admin, user=target, user_in=user_in)
    session.commit()
    return RedirectResponse(f"/admin/users/{target.id}?done=saved", status_code=303)


@router.post("/admin/users/{user_id}/role", response_class=HTMLResponse)
def update_role(
    request: Request, session: SessionDep, admin: AdminPage, user_id: str, role: FormText = ""
) -> Response:
    """Give the user another role; their sessions end (as ``PUT /api/v1/users/{id}/role``)."""
    target = _user_or_404(session, user_id)
    values = {"full_name": target.full_name, "role": role}
    if role not in ROLE_WORDS:
        errors = {"role": FIELD_MESSAGES["role"]}
        return _user_page(request, session, admin, target, errors=errors, values=values, status_code=422)
    try:
        change_role(session, admin=admin, user=target, role=Role(role))
    except UserRefused as refused:
        session.rollback()
        errors = {"role": refused.message}
        return _user_page(request, session, admin, target, errors=errors, values=values, status_code=422)
    session.commit()
    return RedirectResponse(f"/admin/users/{target.id}?done=role", status_code=303)


@router.post("/admin/users/{user_id}/active", response_class=HTMLResponse)
def update_active(
    request: Request, session: SessionDep, admin: AdminPage, user_id: str, active: FormText = ""
) -> Response:
    """Deactivate (sessions end) or reactivate a user (as ``PATCH /api/v1/users/{id}``)."""
    target = _user_or_404(session, user_id)
    if active not in ("true", "false"):
        raise HTTPException(status_code=400, detail="Choose to deactivate or reactivate.")
    try:
        change_user(session, admin=admin, user=target, user_in=UserUpdate(is_active=active == "true"))
    except UserRefused as refused:
        session.rollback()
        errors = {"active": refused.message}
        return _user_page(request, session, admin, target, errors=errors, status_code=422)
    session.commit()
    done = "reactivated" if active == "true" else "deactivated"
    return RedirectResponse(f"/admin/users/{target.id}?done={done}", status_code=303)


def _people(session: SessionDep, role: Role) -> list[User]:
    return [u for u in store.users.list_users(session, role=role.value) if u.is_active]


def _caseloads_page(
    request: Request,
    session: SessionDep,
    admin: User,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    clients = store.clients.list_clients(session, specialist_id=None)
    page = page_of(request, total=len(clients))
    everyone = {u.id: u for u in store.users.list_users(session)}
    return render(
        request,
        "admin_caseloads.html",
        user=admin,
        nav="assignments",
        notice=notice(done),
        errors=errors or {},
        clients=clients[page.offset : page.offset + page.size],
        page=page,
        everyone=everyone,
        specialists=_people(session, Role.SPECIALIST),
        status_code=status_code,
    )


@router.get("/admin/assignments", response_class=HTMLResponse)
def caseloads_page(
    request: Request, session: SessionDep, admin: AdminPage, done: str | None = None
) -> Response:
    """Which specialist carries each client (ids only: no client data), a page at a time."""
    return _caseloads_page(request, session, admin, done=done)


@router.post("/admin/assignments/clients/{client_id}", response_class=HTMLResponse)
def move_client_page(
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    client_id: str,
    specialist_id: FormText = "",
    page: FormText = "1",
) -> Response:
    """Move one client to another specialist (as ``PUT /api/v1/assignments/caseloads/{id}``)."""
    client = store.clients.get_client(session, client_id=client_id, specialist_id=None)
    if client is None:
        raise HTTPException(status_code=404, detail="There is no client with this id.")
    field = f"specialist.{client.id}"
    try:
        move_client(session, admin=admin, client=client, specialist_id=int(specialist_id))
    except (ValueError, NotAssignable):
        session.rollback()
        errors = {field: "Choose an active specialist"}
        return _caseloads_page(request, session, admin, errors=errors, status_code=422)
    session.commit()
    back = int(page) if page.isdigit() else 1
    return RedirectResponse(f"/admin/assignments?page={back}&done=moved", status_code=303)


@router.get("/admin/assignments/employers", response_class=HTMLResponse)
def employers_page(
    request: Request, session: SessionDep, admin: AdminPage, done: str | None = None
) -> Response:
    """Which liaisons manage each employer, a page at a time."""
    employers = store.employers.list_employers(session)
    page = page_of(request, total=len(employers))
    everyone = {u.id: u for u in store.users.list_users(session)}
    rows: list[dict[str, Any]] = [
        {
            "employer": e,
            "liaisons": [everyone[i] for i in store.employers.liaison_ids(session, employer_id=e.id)],
        }
        for e in employers[page.offset : page.offset + page.size]
    ]
    return render(
        request,
        "admin_employers.html",
        user=admin,
        nav="assignments",
        notice=notice(done),
        rows=rows,
        page=page,
    )


def _employer_or_404(session: SessionDep, employer_id: str) -> Any:
    employer = store.employers.get_employer(session, employer_id=employer_id)
    if employer is None:
        raise HTTPException(status_code=404, detail="There is no employer with this id.")
    return employer


def _employer_form(
    request: Request,
    session: SessionDep,
    admin: User,
    employer: Any,
    chosen: list[int],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin_employer.html",
        user=admin,
        nav="assignments",
        employer=employer,
        liaisons=_people(session, Role.LIAISON),
        chosen=chosen,
        errors=errors,
        status_code=status_code,
    )


@router.get("/admin/assignments/employers/{employer_id}", response_class=HTMLResponse)
def employer_page(request: Request, session: SessionDep, admin: AdminPage, employer_id: str) -> Response:
    employer = _employer_or_404(session, employer_id)
    chosen = store.employers.liaison_ids(session, employer_id=employer.id)
    return _employer_form(request, session, admin, employer, chosen, {})


@router.post("/admin/assignments/employers/{employer_id}", response_class=HTMLResponse)
def assign_employer_page(
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    employer_id: str,
    liaison_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Replace the employer's liaisons (as ``PUT /api/v1/assignments/employers/{id}``)."""
    employer = _employer_or_404(session, employer_id)
    raw = liaison_ids or []
    try:
        body = EmployerAssignmentUpdate(liaison_ids=[int(v) for v in raw])
        set_employer_liaisons(session, admin=admin, employer=employer, liaison_ids=body.liaison_ids)
    except (ValueError, NotAssignable):  # a ValidationError is a ValueError
        session.rollback()
        kept = [int(v) for v in raw if v.isdigit()]
        errors = {"liaison_ids": "Choose active liaisons only"}
        return _employer_form(request, session, admin, employer, kept, errors, 422)
    session.commit()
    return RedirectResponse("/admin/assignments/employers?done=assigned", status_code=303)
