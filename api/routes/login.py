"""Log in (OAuth2 password flow, with login limits), log out, and who am I."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.events import log_event
from api.login_limits import LimitsUnavailable, LoginLimiter
from api.schemas import Message, Token, UserPublic, errors
from api.security import authenticate, create_access_token, end_tokens

_log = logging.getLogger(__name__)

router = APIRouter(tags=["login"])

LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": Message,
        "description": "Too many login attempts for this username or from this address; nothing was "
        "checked, retry after the Retry-After seconds (even with the right password)",
        "headers": {
            "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
        },
    }
}


async def get_login_limiter(request: Request) -> LoginLimiter:
    """The app's login limiter, made on first use (async: no two threads make one)."""
    state = request.app.state
    limiter: LoginLimiter | None = getattr(state, "login_limiter", None)
    if limiter is None:
        limiter = state.login_limiter = LoginLimiter.from_settings(state.settings)
    return limiter


LimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]


@router.post("/login/access-token", responses=errors(400) | LIMITED)
def login_access_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    form_data: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange username and password for a bearer token (logged as a ``login`` event)."""
    username, password = form_data.username, form_data.password
    ip = request.client.host if request.client else "unknown"
    try:
        retry_after = limiter.attempt(username=username, ip=ip)
    except LimitsUnavailable:
        # Fail closed: an attempt that cannot be counted is not checked (the 503 every route declares).
        _log.error("login limits unavailable (PLACEMENT_REDIS_URL): refusing logins")
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="Login temporarily unavailable; retry shortly",
            headers={"Retry-After": "2"},
        ) from None
    if retry_after is not None:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Too many login attempts; try again later",
            headers={"Retry-After": str(retry_after)},
        )
    nul = "\x00" in username or "\x00" in password  # never valid; PostgreSQL text refuses NUL
    user = None if nul else authenticate(session, username=username, password=password)
    if user is None:
        # Failed attempts are recorded too (the username tried, never the password).
        log_event(session, kind="login.failed", user=None, username=username.replace("\x00", "")[:200])
        session.commit()
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    limiter.succeeded(username=username)
    log_event(session, kind="login", user=user, role=user.role)
    session.commit()
    token = create_access_token(
        user_id=user.id,
        role=user.role,
        secret=settings.secret_key(),
        algorithm=settings.jwt_algorithm,
        minutes=settings.access_token_minutes,
        version=user.token_version,
    )
    return Token(access_token=token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401))
def logout(session: SessionDep, user: CurrentUser) -> None:
    """End this user's tokens: this one and any other issued before (logged as ``logout``)."""
    end_tokens(session, user=user)
    log_event(session, kind="logout", user=user)
    session.commit()


@router.get("/users/me", responses=errors(401))
def read_user_me(user: CurrentUser) -> UserPublic:
    """The logged-in user."""
    return UserPublic.model_validate(user)
