"""Logging in with a username and password: the login limits, the check and its events.

One flow for the JSON token route (``api.routes.login``) and the login page
(``api.web.auth``): a refused attempt raises :class:`LoginRefused` with the status the
caller should answer and, for limits, the seconds to wait.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.events import log_event
from api.login_limits import LimitsUnavailable, LoginLimiter
from api.models import User
from api.security import authenticate

_log = logging.getLogger(__name__)


@dataclass
class LoginRefused(Exception):
    """Why a login attempt was refused: 400 wrong credentials, 429 limited, 503 limits down."""

    status: int
    detail: str
    retry_after: int | None = None


def log_in(session: Session, limiter: LoginLimiter, *, username: str, password: str, ip: str) -> User:
    """The user these credentials name (``login`` event), or :class:`LoginRefused`; commits."""
    try:
        retry_after = limiter.attempt(username=username, ip=ip)
    except LimitsUnavailable:
        # Fail closed: an attempt that cannot be counted is not checked.
        _log.error("login limits unavailable (PLACEMENT_REDIS_URL): refusing logins")
        raise LoginRefused(503, "Login temporarily unavailable; retry shortly", 2) from None
    if retry_after is not None:
        raise LoginRefused(429, "Too many login attempts; try again later", retry_after)
    nul = "\x00" in username or "\x00" in password  # never valid; PostgreSQL text refuses NUL
    user = None if nul else authenticate(session, username=username, password=password)
    if user is None:
        # Failed attempts are recorded too (the username tried, never the password).
        log_event(session, kind="login.failed", user=None, username=username.replace("\x00", "")[:200])
        session.commit()
        raise LoginRefused(400, "Incorrect username or password")
    limiter.succeeded(username=username)
    log_event(session, kind="login", user=user, role=user.role)
    session.commit()
    return user
