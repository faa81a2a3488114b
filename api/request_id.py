"""The request id: one per HTTP request (or CLI run), on every log line and audit event it causes.

:class:`RequestIdMiddleware` takes a sane incoming ``X-Request-ID`` (a proxy's or the
caller's) or makes one, keeps it in a context variable for the request, returns it in the
response header and writes one access line per request (method, path without the query
string, status, duration). :func:`current` reads it anywhere (the log filter, the audit writer).
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid
from contextvars import ContextVar, Token

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
MAX_LENGTH = 64
# Letters, digits and a few separators only: the id goes into log lines and the audit chain,
# so a header carrying spaces, quotes or control characters is replaced, not logged.
# Health checks poll these every few seconds: their access lines are DEBUG, not INFO.
PROBES = frozenset({"/health", "/ready"})
_SANE = re.compile(rf"[A-Za-z0-9._:@-]{{1,{MAX_LENGTH}}}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)
_log = logging.getLogger(__name__)
_access = logging.getLogger("api.access")


def current() -> str | None:
    """The id of the request (or CLI run) being served, None outside one."""
    return _current.get()


def new_id(prefix: str = "") -> str:
    """A fresh random id (32 hex digits), optionally prefixed (``cli-…``)."""
    return prefix + uuid.uuid4().hex


def accepted(value: str | None) -> str | None:
    """``value`` when it is a sane id (at most :data:`MAX_LENGTH` of ``A-Z a-z 0-9 . _ : @ -``)."""
    return value if value is not None and _SANE.fullmatch(value) else None


def begin(request_id: str) -> Token[str | None]:
    """Make ``request_id`` current (for a CLI run); :func:`end` with the token restores the previous."""
    return _current.set(request_id)


def end(token: Token[str | None]) -> None:
    _current.reset(token)


class RequestIdMiddleware:
    """ASGI middleware: the request id in a context variable and the response header, plus access lines."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = accepted(incoming.decode("latin-1") if incoming is not None else None) or new_id()
        token = _current.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started_response:  # too late for a 500: the client has a status already
                raise
            _unhandled(exc, scope)
            await _internal_error(send_with_id)
        finally:
            # The path only: query strings can carry search terms, and a log line never does.
            _access.log(
                logging.DEBUG if scope["path"] in PROBES else logging.INFO,
                "%s %s %d %.1fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
            _current.reset(token)


def _unhandled(exc: Exception, scope: Scope) -> None:
    """Log an error the app did not handle: its class and where it was raised, not its message.

    An exception's message can quote the data that caused it (a client's profile in a
    validation error, say), and no log line may carry that.
    """
    where = "".join(traceback.format_tb(exc.__traceback__))
    method, path = scope["method"], scope["path"]
    _log.error("unhandled %s on %s %s; raised at\n%s", type(exc).__name__, method, path, where)


async def _internal_error(send: Send) -> None:
    body = b'{"detail":"Internal Server Error"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
