"""Rendering pages: the Jinja2 templates, what every page gets, and the pages' headers.

Templates autoescape everything (``.html``), so a client name or an opening title is
text, never markup. Pages run no inline script and load nothing from outside the app:
the Content-Security-Policy below says so to the browser as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.fit_bands import BAND_WORDS
from api.models import User
from api.web.client_words import for_the_client
from api.web.session import CSRF_FIELD, csrf_token

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STATIC_URL = "/static"

# Only this app: no inline script or style, no plugins, no framing, forms post here only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages carry client data: never kept by a shared computer's cache
}

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD
templates.env.filters["for_the_client"] = for_the_client  # the printed sheet speaks to the client
templates.env.globals["BAND_WORDS"] = BAND_WORDS  # a score's fit band in words, on every page
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(
    request: Request,
    template: str,
    *,
    user: User | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered for ``user`` with the page headers and this browser's CSRF token."""
    response = templates.TemplateResponse(
        request,
        template,
        {"user": user, "csrf_token": csrf_token(request), **context},
        status_code=status_code,
        headers=PAGE_HEADERS,
    )
    return response
