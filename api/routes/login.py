"""Log in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.events import log_event
from api.schemas import Token, UserPublic, errors
from api.security import authenticate, create_access_token

router = APIRouter(tags=["login"])


@router.post("/login/access-token", responses=errors(400))
def login_access_token(
    session: SessionDep,
    settings: SettingsDep,
    form_data: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange username and password for a bearer token (logged as a ``login`` event)."""
    username, password = form_data.username, form_data.password
    nul = "\x00" in username or "\x00" in password  # never valid; PostgreSQL text refuses NUL
    user = None if nul else authenticate(session, username=username, password=password)
    if user is None:
        # Failed attempts are recorded too (the username tried, never the password).
        log_event(session, kind="login.failed", user=None, username=username.replace("\x00", "")[:200])
        session.commit()
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    log_event(session, kind="login", user=user, role=user.role)
    session.commit()
    token = create_access_token(
        user_id=user.id,
        role=user.role,
        secret=settings.secret_key(),
        algorithm=settings.jwt_algorithm,
        minutes=settings.access_token_minutes,
    )
    return Token(access_token=token)


@router.get("/users/me", responses=errors(401))
def read_user_me(user: CurrentUser) -> UserPublic:
    """The logged-in user."""
    return UserPublic.model_validate(user)
