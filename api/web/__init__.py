"""Server-rendered pages for specialists, liaisons, auditors and admins.

The pages are plain HTML forms (Jinja2 templates, no script needed) inside the same app
as the JSON API: the same users and roles, the same store and engine functions. Their
stylesheet is a file of this package, served by the app (nothing from a CDN).
:func:`add_pages` mounts them; ``api.main`` calls it.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web import admin, audit, auth, caseload, digest, explore, liaison, outcomes, shortlist
from api.web.render import STATIC_DIR, STATIC_URL, render
from api.web.session import LoginRequired, check_csrf

ROUTERS = (auth, caseload, shortlist, liaison, audit, admin, digest, explore, outcomes)
# Paths that answer JSON errors whatever the browser accepts.
_JSON_PREFIXES = ("/api/", "/docs", "/redoc", "/health")


def add_pages(app: FastAPI) -> None:
    """Mount the stylesheet and the pages; errors on pages render as pages."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    for module in ROUTERS:
        app.include_router(module.router, dependencies=[Depends(check_csrf)], include_in_schema=False)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(StarletteHTTPException, _http_error)


async def _to_login(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    """An error page for browsers on the pages; the JSON error everywhere else."""
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    wants_page = "text/html" in request.headers.get("accept", "") and not path.startswith(_JSON_PREFIXES)
    if not wants_page:
        return await http_exception_handler(request, exc)
    response = render(
        request,
        "error.html",
        user=None,
        status_code=exc.status_code,
        status=exc.status_code,
        detail=exc.detail,
    )
    response.headers.update(exc.headers or {})
    return response
