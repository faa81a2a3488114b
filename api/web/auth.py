"""Log in and out of the pages, and each role's start page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import LimiterDep, SessionDep, SettingsDep
from api.events import log_event
from api.logins import LoginRefused, log_in
from api.models import Role
from api.security import create_access_token, end_tokens
from api.web.render import render
from api.web.session import PRELOGIN_COOKIE, SESSION_COOKIE, PageUser, prelogin_value

router = APIRouter()

#: Each role's start page.
HOME = {
    Role.SPECIALIST: "/caseload",
    Role.LIAISON: "/openings",
    Role.AUDITOR: "/audit",
    Role.ADMIN: "/admin",
}


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path of this site (never another host: no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    response = render(request, "login.html", user=None, next=safe_next(next), error=None, username="")
    _set_prelogin(request, response)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    ip = request.client.host if request.client else "unknown"
    try:
        user = log_in(session, limiter, username=username, password=password, ip=ip)
    except LoginRefused as refused:
        page = render(
            request,
            "login.html",
            user=None,
            next=safe_next(next),
            error=refused.detail,
            username=username,
            status_code=refused.status,
        )
        if refused.retry_after is not None:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    token = create_access_token(
        user_id=user.id,
        role=user.role,
        secret=settings.secret_key(),
        algorithm=settings.jwt_algorithm,
        minutes=settings.access_token_minutes,
        version=user.token_version,
    )
    response = RedirectResponse(safe_next(next) or HOME[Role(user.role)], status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(session: SessionDep, user: PageUser) -> Response:
    """End this user's sessions and tokens (the same as the API's logout)."""
    end_tokens(session, user=user)
    log_event(session, kind="logout", user=user)
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(user: PageUser) -> Response:
    return RedirectResponse(HOME[Role(user.role)], status_code=303)


def _set_prelogin(request: Request, response: Response) -> None:
    if PRELOGIN_COOKIE not in request.cookies:
        response.set_cookie(
            PRELOGIN_COOKIE,
            prelogin_value(request),
            httponly=True,
            samesite="strict",
            secure=request.app.state.settings.secure_cookies,
            path="/",
        )
