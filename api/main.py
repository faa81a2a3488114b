"""The FastAPI app: ``create_app(settings)``; ``app`` is the one uvicorn serves.

The lifespan opens the database (migrating it unless told not to) and keeps
the matcher cache; routes get both through dependencies (``api.deps``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError

from api import balance, guard, migrate, readiness, security, travel
from api.config import Settings, get_settings
from api.db import engine_from_settings, is_contention, make_session_factory
from api.deps import reject_nul
from api.matching import MatcherCache
from api.openapi_docs import add_docs
from api.request_id import RequestIdMiddleware
from api.routes import (
    assignments,
    audit,
    benefits,
    clients,
    decisions,
    employers,
    login,
    occupations,
    openings,
    outcomes,
    program,
    rematch,
    retention,
    shortlists,
    users,
)
from api.schemas import Message
from api.store import Conflict
from api.web import add_pages
from matcher.version import __version__

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Seconds a client should wait before retrying a request refused because the database was busy.
RETRY_AFTER_S = 2
BUSY: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Message,
        "description": "Database busy (a lock or connection wait ran out); nothing was stored, "
        "retry after the Retry-After seconds",
        "headers": {
            "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
        },
    }
}
ROUTERS = (
    login,
    users,
    assignments,
    program,
    clients,
    shortlists,
    decisions,
    employers,
    openings,
    audit,
    rematch,
    benefits,
    occupations,
    retention,
    outcomes,
)

DESCRIPTION = """\
Explainable job suggestions for supported employment (IPS).

Log in with **Authorize** (OAuth2 password flow). Roles: *specialist* (own caseload:
clients, shortlists, decisions, outcomes), *liaison* (employers and openings),
*auditor* (audit trail), *admin* (users, assignments, program configuration).
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    balance.tune(threads=settings.threads, switch_interval_ms=settings.switch_interval_ms)
    engine = engine_from_settings(settings)
    if settings.auto_migrate:
        migrate.upgrade(engine)
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    if not settings.demo_mode:
        with app.state.session_factory() as session:
            security.refuse_demo_users(session)
    app.state.matcher_cache = MatcherCache.with_artifacts(
        occupations_path=settings.occupations_path, travel_times=travel.for_settings(settings)
    )
    settings.secret_key()  # create the signing key now, not during the first login
    _log.info("serving with database %s", engine.url.render_as_string())
    try:
        yield
    finally:
        engine.dispose()


async def _conflict(_request: Request, exc: Exception) -> JSONResponse:
    detail = exc.detail if isinstance(exc, Conflict) else "Changed concurrently; reload and retry"
    return JSONResponse(status_code=409, content={"detail": detail})


async def _busy(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After for lock or pool waits that ran out; other database errors stay 500."""
    if not is_contention(exc):
        raise exc
    # The class only: the message quotes the statement (parameters are hidden, see api.db).
    _log.warning("database busy on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return JSONResponse(
        status_code=503,
        content={"detail": "Database busy; retry shortly"},
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _worker_pid(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` default to the environment's."""
    app = FastAPI(
        title="placement-matcher",
        description=DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from installed assets by add_docs, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings = settings or get_settings()
    security.configure_from(settings)
    app.add_exception_handler(RequestValidationError, guard.validation_error)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(StaleDataError, _conflict)
    app.add_exception_handler(sa_exc.OperationalError, _busy)
    app.add_exception_handler(sa_exc.TimeoutError, _busy)
    for module in ROUTERS:
        app.include_router(
            module.router, prefix=API_PREFIX, dependencies=[Depends(reject_nul)], responses=BUSY
        )
    add_docs(app)
    add_pages(app)
    if settings.worker_header:  # tests of several workers tell them apart by it
        app.middleware("http")(_worker_pid)
    app.openapi = guard.declare_statuses(app.openapi)  # type: ignore[method-assign]
    # Outermost: token, size and JSON checks run before any body is parsed.
    app.add_middleware(guard.BodyGuard)
    # Outside even that: every answer, a refusal too, carries the request id and gets an access line.
    app.add_middleware(RequestIdMiddleware)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness check (no login)."""
        return {"status": "ok"}

    @app.get(
        "/ready",
        tags=["health"],
        responses={503: {"model": Message, "description": "Not ready; detail says why"}},
    )
    def ready(request: Request) -> JSONResponse:
        """Readiness (no login): the database answers at this release's migration head and the
        trained text model is loaded; otherwise 503 with the reasons in ``detail``."""
        state = request.app.state
        problems = readiness.problems(state.engine, state.matcher_cache)
        if problems:
            return JSONResponse(status_code=503, content={"detail": "; ".join(problems)})
        return JSONResponse(content={"status": "ready"})

    return app


def create_demo_app() -> FastAPI:
    """The app in demo mode (``placement-api serve --demo``: uvicorn's factory, in every worker)."""
    return create_app(get_settings().model_copy(update={"demo_mode": True}))


app = create_app()
