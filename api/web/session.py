"""The pages' login session and CSRF tokens.

A page session is the API's own bearer token kept in an HttpOnly, SameSite=Lax cookie, so
pages and JSON routes share users, roles, expiry and logout (``token_version``). Every
form carries a CSRF token: an HMAC of the session cookie (or, before login, of a random
pre-login cookie) under the service's signing key. A POST without the matching token is
refused (403) before the route runs; GET pages change nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from api import store
from api.deps import SessionDep, SettingsDep
from api.models import Role, User
from api.security import decode_access_token

SESSION_COOKIE = "pm_session"
PRELOGIN_COOKIE = "pm_prelogin"
CSRF_FIELD = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """No valid page session: the page answers with a redirect to the login page."""


def csrf_token(request: Request) -> str:
    """The token every form of this page must send back (bound to this browser's cookie)."""
    basis = request.cookies.get(SESSION_COOKIE) or prelogin_value(request)
    key = request.app.state.settings.secret_key().encode()
    return hmac.new(key, b"csrf:" + basis.encode(), hashlib.sha256).hexdigest()


def prelogin_value(request: Request) -> str:
    """This browser's pre-login cookie value, made on first use (set by the login page)."""
    value: str | None = request.cookies.get(PRELOGIN_COOKIE) or getattr(request.state, "prelogin", None)
    if value is None:
        value = request.state.prelogin = secrets.token_urlsafe(24)
    return value


async def check_csrf(request: Request) -> None:
    """Refuse (403) a form post whose CSRF token is missing or not this browser's."""
    if request.method in _SAFE_METHODS:
        return
    form = await request.form()  # parsed once; the route reads the same form again
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="This form has expired or did not come from this site; reload the page and try again.",
        )


def page_user(request: Request, session: SessionDep, settings: SettingsDep) -> User:
    """The logged-in user of this page, or :class:`LoginRequired`."""
    token = request.cookies.get(SESSION_COOKIE)
    claims = (
        decode_access_token(token, secret=settings.secret_key(), algorithm=settings.jwt_algorithm)
        if token
        else None
    )
    user = store.users.get_user(session, user_id=claims[0]) if claims is not None else None
    if user is None or not user.is_active or claims is None or claims[1] != user.token_version:
        raise LoginRequired
    return user


PageUser = Annotated[User, Depends(page_user)]


def page_role(*roles: Role) -> object:
    """A dependency letting only ``roles`` through; other users meet "not found" (404).

    Not 403: a page of another role's work does not exist for this user (a liaison sees
    no client page at all, not a locked door).
    """

    def check(user: PageUser) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Page not found")
        return user

    return Depends(check)


SpecialistPage = Annotated[User, page_role(Role.SPECIALIST)]
LiaisonPage = Annotated[User, page_role(Role.LIAISON)]
AuditorPage = Annotated[User, page_role(Role.AUDITOR, Role.ADMIN)]
AdminPage = Annotated[User, page_role(Role.ADMIN)]
OpeningReaderPage = Annotated[User, page_role(Role.LIAISON, Role.SPECIALIST)]
