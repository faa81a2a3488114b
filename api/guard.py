"""Hostile-input guard: token, size, encoding, depth and number checks before a body is parsed.

:class:`BodyGuard` is a pure ASGI middleware in front of every ``/api/v1`` request that
carries a body. In this order, without running a route:

1. a route that needs a login answers 401 when the bearer token is missing or invalid
   (signature and expiry; the route's own dependency still checks the user), so an
   anonymous caller cannot make the server read or parse a large body;
2. a body over the size limit answers 413 (from ``Content-Length`` or while reading);
3. a JSON body must be UTF-8, nest at most :data:`MAX_DEPTH` levels, hold only finite
   numbers within +-(2**53 - 1) for integers, and no string or key with a lone surrogate;
   otherwise 422 in the usual validation-error shape, naming the field. (NUL characters
   are refused per field by the request models, :class:`api.schemas.common.Strict`.)

The pages' form posts (every other path) get the same two first checks in their form: a
post without a valid session cookie (but the login form's) is sent to the login page before
its body is read, and a body over the upload limit answers 413.

The body read here is handed on to the app unchanged. Malformed JSON is left to FastAPI,
which answers its own 422. :func:`validation_error` renders every 422 (FastAPI's renderer
fails on inputs JSON cannot carry) and :func:`declare_statuses` puts the 413 in OpenAPI.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.security import decode_access_token
from api.web.session import SESSION_COOKIE

API_PREFIX = "/api/v1"
# Bodies that need no login (the token or the session is what they give out).
PUBLIC_PATHS = frozenset({f"{API_PREFIX}/login/access-token", "/login"})
MAX_JSON_BYTES = 1_048_576  # far above any request body of this API
MAX_DEPTH = 32  # the deepest request body of this API nests 4 levels
MAX_EXACT_INT = 2**53 - 1  # beyond it JSON numbers are not exact everywhere (RFC 8785, I-JSON)
# Multipart overhead allowed on top of the import size limit (boundaries, part headers).
UPLOAD_SLACK_BYTES = 65_536
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _problem(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": msg}


def safe_text(value: str) -> str:
    """``value`` made safe to put in a response (lone surrogates escaped)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _string_problem(value: str) -> tuple[str, str] | None:
    # NUL is refused by the request models (api.schemas.common.Strict), per field.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (a lone surrogate is not)", "string_unicode"
    return None


def _walk(value: Any, loc: list[str | int], depth: int) -> dict[str, Any] | None:
    """The first problem in a parsed JSON value, depth first, or None."""
    if depth > MAX_DEPTH:
        return _problem(loc[:2], f"nested deeper than {MAX_DEPTH} levels", "json_too_deep")
    if isinstance(value, float) and not math.isfinite(value):
        return _problem(loc, "must be a finite number (not NaN, Infinity or beyond 1.8e308)", "finite_number")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_EXACT_INT:
        return _problem(loc, f"must be an integer within +-{MAX_EXACT_INT}", "int_too_large")
    if isinstance(value, str):
        found = _string_problem(value)
        return _problem(loc, *found) if found else None
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found = _string_problem(key)
            if found:
                return _problem([*loc, safe_text(key)], f"key {found[0]}", found[1])
            items.append((key, item))
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        problem = _walk(item, [*loc, key], depth + 1)
        if problem is not None:
            return problem
    return None


def json_problem(body: bytes) -> dict[str, Any] | None:
    """The first reason to refuse a JSON request body (a validation error entry), or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _problem(["body"], f"must be UTF-8 text (invalid byte at {exc.start})", "body_not_utf8")
    try:
        value = json.loads(text)
    except RecursionError:
        return _problem(["body"], f"nested deeper than {MAX_DEPTH} levels", "json_too_deep")
    except json.JSONDecodeError:
        return None  # FastAPI answers malformed JSON with its own 422
    except ValueError:  # an integer of more than 4300 digits
        return _problem(["body"], f"holds an integer beyond +-{MAX_EXACT_INT}", "int_too_large")
    return _walk(value, ["body"], 0)


def _is_json(headers: Headers) -> bool:
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class BodyGuard:
    """ASGI middleware applying the checks of this module to requests with a body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        is_api = scope["path"].startswith(API_PREFIX + "/")
        refusal = self._unauthenticated(scope, headers) if is_api else self._no_page_session(scope, headers)
        if refusal is None:
            body, refusal = await self._read(scope, headers, receive, is_api=is_api)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _valid_token(self, scope: Scope, token: str) -> bool:
        """Signature and expiry; the user and token version are checked by the route's dependency."""
        settings = scope["app"].state.settings
        return (
            decode_access_token(token.strip(), secret=settings.secret_key(), algorithm=settings.jwt_algorithm)
            is not None
        )

    def _no_page_session(self, scope: Scope, headers: Headers) -> Response | None:
        if scope["path"] in PUBLIC_PATHS:
            return None
        cookies = {}
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            cookies[name] = value
        if self._valid_token(scope, cookies.get(SESSION_COOKIE, "")):
            return None
        return RedirectResponse("/login", status_code=303)

    def _unauthenticated(self, scope: Scope, headers: Headers) -> JSONResponse | None:
        if scope["path"] in PUBLIC_PATHS:
            return None
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            detail = "Not authenticated"
        elif self._valid_token(scope, token):
            return None
        else:
            detail = "Could not validate credentials"
        return JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    async def _read(
        self, scope: Scope, headers: Headers, receive: Receive, *, is_api: bool
    ) -> tuple[bytes, Response | None]:
        as_json = is_api and _is_json(headers)
        limit = MAX_JSON_BYTES
        if not as_json:
            limit = max(limit, scope["app"].state.settings.max_import_bytes + UPLOAD_SLACK_BYTES)
        too_large: Response = JSONResponse({"detail": f"Request body over {limit} bytes"}, status_code=413)
        if not is_api:
            too_large = HTMLResponse(
                f"<!doctype html><title>Too large</title><p>What was sent is over {limit:,} bytes, the "
                "largest file this service takes. <a href='/'>Back to your start page</a>",
                status_code=413,
            )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return b"", too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app sees an empty body and the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"", too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = json_problem(body) if as_json and body else None
        if problem is not None:
            return body, JSONResponse({"detail": [problem]}, status_code=422)
        return body, None


def _jsonable(value: Any) -> tuple[bool, Any]:
    """(True, the JSON form of ``value``), or (False, None) when a response cannot carry it."""
    try:
        encoded = jsonable_encoder(value)
        json.dumps(encoded, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):  # NaN, Infinity, a lone surrogate, undecodable bytes
        return False, None
    return True, encoded


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 with FastAPI's error list; an ``input`` or ``ctx`` JSON cannot carry is left out.

    FastAPI's own renderer fails (a 500) on an input holding NaN, a lone surrogate or
    non-UTF-8 bytes.
    """
    assert isinstance(exc, RequestValidationError)
    detail = []
    for error in exc.errors():
        entry: dict[str, Any] = {
            "type": str(error.get("type", "value_error")),
            "loc": [p if isinstance(p, int) else safe_text(str(p)) for p in error.get("loc", ())],
            "msg": safe_text(str(error.get("msg", ""))),
        }
        for key in ("input", "ctx"):
            ok, value = _jsonable(error[key]) if key in error else (False, None)
            if ok:
                entry[key] = value
        detail.append(entry)
    return JSONResponse({"detail": detail}, status_code=422)


TOO_LARGE = {
    "description": "Request body too large (JSON over 1 MiB; uploads over the import limit)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
}


def declare_statuses(openapi: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wrap ``app.openapi`` so every operation with a body declares this guard's 413."""

    def declared() -> dict[str, Any]:
        schema = openapi()  # cached by FastAPI: adding once is enough
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "requestBody" in operation:
                    operation.setdefault("responses", {}).setdefault("413", TOO_LARGE)
        return schema

    return declared
