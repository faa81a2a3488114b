"""The API reference: ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from installed files.

FastAPI's own pages load their scripts, stylesheet, favicon and fonts from a CDN, and
clinic networks often block outside sites (the page stays blank). Here every asset is a
file of the ``fastapi-offline`` package (Swagger UI 5 and ReDoc 2 bundles, a favicon),
mounted by the app at :data:`ASSETS_URL`; the pages reference nothing outside the app,
and their Content-Security-Policy lets the browser load nothing else either (ReDoc's
sidebar would fetch its vendor's logo from the web otherwise).

The request and response models describe their own fields (``api.schemas``); the few
schemas FastAPI makes itself (validation errors, form bodies) get theirs here.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"

# Property descriptions of the component schemas FastAPI generates: by name, or by the start of
# a form body's name (``Body_<route function>_<path>``).
FRAMEWORK_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "HTTPValidationError": {
        "detail": "Every problem found in the request (422), one entry per field, all at once.",
    },
    "ValidationError": {
        "loc": 'Where the problem is: "body", "query", "path" or "header", then the field path, '
        'e.g. ["body", "profile", "modes", 0].',
        "msg": 'What is wrong, in words (e.g. "unknown travel mode code (known: bike, car, ...)").',
        "type": "A stable machine-readable error type, e.g. value_error, missing, string_too_long.",
        "input": "The value that was refused, as it was sent.",
        "ctx": "Extra facts about the rule that failed (e.g. the limit a value exceeded).",
    },
    "Body_login_access_token": {
        "grant_type": 'OAuth2 grant type; "password" or left out.',
        "username": "The user's login name.",
        "password": "The user's password (sent only to log in; never stored or logged in clear).",
        "scope": "OAuth2 scopes; not used by this service (leave empty).",
        "client_id": "OAuth2 client id of the calling application; not used (leave empty).",
        "client_secret": "OAuth2 client secret; not used (leave empty).",
    },
    "Body_import_openings": {
        "file": "A CSV file of openings (UTF-8, UTF-16, cp1252 or Latin-1; comma, semicolon or tab), "
        "one row per opening, with a header row naming the "
        "opening fields (see the liaisons' guide for the columns).",
    },
}

# validatorUrl None: Swagger UI would otherwise send the spec to an online validator.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None, "defaultModelsExpandDepth": 1}


# Only this origin; inline styles (both UIs set style attributes), ReDoc's search runs in a
# blob: worker. Inline scripts are allowed by their hashes alone (see _with_csp).
CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'; script-src 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def add_docs(app: FastAPI) -> None:
    """Mount the assets and add the two pages (create the app with ``docs_url=redoc_url=None``)."""
    missing = [name for name in ASSET_FILES if not (ASSETS_DIR / name).is_file()]
    if missing:  # a changed package layout must fail at start-up, not as a blank page
        raise RuntimeError(f"API docs assets missing from {ASSETS_DIR}: {', '.join(missing)}")
    app.openapi = _with_framework_descriptions(app.openapi)  # type: ignore[method-assign]
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - API reference",
            oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        return _with_csp(page)

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _with_csp(get_swagger_ui_oauth2_redirect_html())

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - API reference",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        return _with_csp(page)


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """``page`` with :data:`CSP`, its own inline scripts allowed by their SHA-256 hashes."""
    html = bytes(page.body).decode("utf-8")
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
        for code in _INLINE_SCRIPT.findall(html)
    )
    page.headers["Content-Security-Policy"] = CSP + hashes
    return page


def _with_framework_descriptions(openapi: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wrap ``app.openapi`` so FastAPI's own schemas describe their properties too."""

    def described() -> dict[str, Any]:
        schema = openapi()  # FastAPI caches it: filling it in once is enough
        for name, component in schema.get("components", {}).get("schemas", {}).items():
            texts = next(
                (t for k, t in FRAMEWORK_DESCRIPTIONS.items() if name == k or name.startswith(f"{k}_")),
                {},
            )
            for prop, text in texts.items():
                if prop in component.get("properties", {}):
                    component["properties"][prop].setdefault("description", text)
        return schema

    return described
