"""FastAPI dependencies: settings, DB session, current user and role, matcher cache."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api import store
from api.config import Settings
from api.login_limits import LoginLimiter
from api.matching import MatcherCache
from api.models import Role, User
from api.security import decode_access_token

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")


# Dependencies that do no I/O are ``async``: FastAPI then runs them on the event loop
# instead of queueing each for a worker thread (40 per process), which under load
# would cost a wait per dependency.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; what the route does not commit is rolled back.

    Reads take no lock and writes hold one only from the first write to the commit
    (``api.db``), so a route reads first and writes last.
    """
    with request.app.state.session_factory() as session:
        yield session


async def get_matcher(request: Request) -> MatcherCache:
    return request.app.state.matcher_cache  # type: ignore[no-any-return]


async def get_login_limiter(request: Request) -> LoginLimiter:
    """The app's login limiter, made on first use (async: no two threads make one)."""
    state = request.app.state
    limiter: LoginLimiter | None = getattr(state, "login_limiter", None)
    if limiter is None:
        limiter = state.login_limiter = LoginLimiter.from_settings(state.settings)
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
TokenDep = Annotated[str, Depends(oauth2_scheme)]
MatcherDep = Annotated[MatcherCache, Depends(get_matcher)]
LimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]


def get_current_user(session: SessionDep, token: TokenDep, settings: SettingsDep) -> User:
    """The active user named by a valid bearer token (401 otherwise)."""
    claims = decode_access_token(token, secret=settings.secret_key(), algorithm=settings.jwt_algorithm)
    user = store.users.get_user(session, user_id=claims[0]) if claims is not None else None
    # A token of an older version was ended (password, role or active change, or logout).
    if user is None or not user.is_active or claims is None or claims[1] != user.token_version:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Could not validate credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # Nothing is written yet: ending the read gives the connection back to the pool while
    # the request waits for a thread to run the route in (the user stays loaded). Without
    # it, requests holding connections could wait for threads held by requests waiting for
    # connections, until the pool timeout.
    session.commit()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only ``roles`` through (403 otherwise)."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not enough permissions")
        return user

    return check


SpecialistUser = Annotated[User, Depends(require(Role.SPECIALIST))]
LiaisonUser = Annotated[User, Depends(require(Role.LIAISON))]
AuditorUser = Annotated[User, Depends(require(Role.AUDITOR))]
AdminUser = Annotated[User, Depends(require(Role.ADMIN))]
AdminOrAuditor = Annotated[User, Depends(require(Role.ADMIN, Role.AUDITOR))]
OpeningReader = Annotated[User, Depends(require(Role.LIAISON, Role.SPECIALIST))]


async def reject_nul(request: Request) -> None:
    """422 for a NUL character in a declared path or query parameter (PostgreSQL refuses NUL)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    declared = _query_names(dependant) if dependant is not None else set()
    sources = [("path", name, value) for name, value in request.path_params.items()]
    sources += [
        ("query", name, value) for name, value in request.query_params.multi_items() if name in declared
    ]
    for where, name, value in sources:
        if "\x00" in str(value):
            raise RequestValidationError(
                [{"loc": [where, name], "msg": "must not contain NUL characters", "type": "value_error"}]
            )


def _query_names(dependant: Any) -> set[str]:
    """Names of the query parameters a route (and its sub-dependencies) declares."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names
