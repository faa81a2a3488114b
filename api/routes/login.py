"""Log in (OAuth2 password flow, with login limits), log out, and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, LimiterDep, SessionDep, SettingsDep
from api.events import log_event
from api.logins import LoginRefused, log_in
from api.schemas import Message, Token, UserPublic, errors
from api.security import create_access_token, end_tokens

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


@router.post("/login/access-token", responses=errors(400) | LIMITED)
def login_access_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    form_data: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange username and password for a bearer token (logged as a ``login`` event)."""
    ip = request.client.host if request.client else "unknown"
    try:
        user = log_in(session, limiter, username=form_data.username, password=form_data.password, ip=ip)
    except LoginRefused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after is not None else None
        raise HTTPException(status_code=refused.status, detail=refused.detail, headers=headers) from None
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
