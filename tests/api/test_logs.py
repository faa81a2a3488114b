"""Log lines an operator can use, and never a client's profile, home or notes in one.

Markers are planted in a client's label, interests, strengths and home, in a decision's
note, in a request body that fails validation, in a query string and in the message of an
error the app does not handle; every log record of the whole exchange (at DEBUG, through
the service's own formatter and pytest's capture) is then searched for them.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from api import logs, request_id
from api.deps import get_matcher
from tests.api.conftest import Api, World, client_profile

MARK = "Zq7Mark"  # every planted value contains it
# A home no other fixture uses; its digits are searched for as well.
HOME = {"lat": 41.8712347, "lon": -87.6291263}
HOME_DIGITS = ("8712347", "6291263")
# The test's own HTTP client logs the URLs it requests; it is not the service.
CLIENT_LOGGERS = ("httpx", "httpcore")
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"  # ISO 8601, UTC, milliseconds
LINE = re.compile(rf"^{STAMP} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ \[(\S+)\] ")


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every record at DEBUG, formatted by the service's text formatter (and kept by caplog)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(lambda record: not record.name.startswith(CLIENT_LOGGERS))
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.formatter("text"))
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)


def _drive(api: Api, world: World) -> dict[str, str]:
    """Create, edit, shortlist, decide, fail validation, query and crash; the request ids by step."""
    spec, liaison = world.headers["spec1"], world.headers["liaison1"]
    ids: dict[str, str] = {}
    employer = api.create_employer(liaison)
    opening = api.create_opening(liaison, employer["id"], location={"lat": 41.8730, "lon": -87.6300})
    profile = client_profile(
        home=HOME, interests=[f"cooking {MARK} interest"], strengths=[f"{MARK} strength"]
    )
    created = api.post("/clients", spec, json={"label": f"{MARK} label", "profile": profile})
    assert created.status_code == 201, created.text
    client, ids["create"] = created.json(), created.headers["X-Request-ID"]
    edit = {"version": client["version"], "label": f"{MARK} edited", "profile": profile | {"max_hours": 25}}
    edited = api.put(f"/clients/{client['id']}", spec, json=edit)
    assert edited.status_code == 200, edited.text
    shortlist = api.get(f"/clients/{client['id']}/shortlist", spec, params={"k": 5})
    assert shortlist.status_code == 200, shortlist.text
    body = {
        "opening_id": opening["id"],
        "action": "approve",
        "note": f"{MARK} note: spoke with the client's sister",
        "recommendation_id": shortlist.json()["recommendation_id"],
    }
    decided = api.post(f"/clients/{client['id']}/decisions", spec, json=body)
    assert decided.status_code == 201, decided.text
    bad = {"label": f"{MARK} bad", "profile": profile | {"accommodations": {f"{MARK}_code": "required"}}}
    refused = api.post("/clients", spec, json=bad)
    assert refused.status_code == 422, refused.text
    searched = api.get("/openings", liaison, params={"q": f"{MARK} search"})
    assert searched.status_code == 200, searched.text

    def broken() -> Any:
        raise RuntimeError(f"engine failed on {MARK} home {HOME}")

    api.app.dependency_overrides[get_matcher] = broken
    try:
        crashed = api.get(f"/clients/{client['id']}/shortlist", spec)
    finally:
        del api.app.dependency_overrides[get_matcher]
    assert crashed.status_code == 500 and crashed.json() == {"detail": "Internal Server Error"}
    ids["crash"] = crashed.headers["X-Request-ID"]
    return ids


def test_no_profile_home_or_notes_in_any_log_line(
    api: Api, world: World, captured: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    ids = _drive(api, world)
    text = captured.getvalue()
    records = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    everything = text + "".join(repr(r.__dict__) + r.getMessage() for r in records)
    assert "unhandled RuntimeError" in text  # the crash was logged ...
    for marker in (MARK, *HOME_DIGITS):
        assert marker not in everything, f"{marker} leaked into the logs"  # ... but not its message
    access = [line for line in text.splitlines() if " api.access " in line]
    assert any("GET /api/v1/openings 200" in line for line in access)  # the path, not the query
    assert any(f"[{ids['crash']}] GET /api/v1/clients/" in line and " 500 " in line for line in access)


def test_every_line_has_a_utc_timestamp_level_logger_and_request_id(
    api: Api, world: World, captured: io.StringIO
) -> None:
    response = api.get("/clients", world.headers["spec1"] | {"X-Request-ID": "probe-42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "probe-42"
    starts = [line for line in captured.getvalue().splitlines() if not line.startswith(" ")]
    matches = [LINE.match(line) for line in starts]
    assert starts and all(matches), [s for s, m in zip(starts, matches, strict=True) if not m]
    assert "probe-42] GET /api/v1/clients 200 " in captured.getvalue()


def test_json_lines_carry_the_same_fields() -> None:
    record = logging.LogRecord("api.access", logging.INFO, __file__, 1, "GET %s %d", ("/x", 200), None)
    token = request_id.begin("req-7")
    try:
        logs.RequestIdFilter().filter(record)
    finally:
        request_id.end(token)
    line = json.loads(logs.formatter("json").format(record))
    assert line["level"] == "INFO" and line["logger"] == "api.access" and line["message"] == "GET /x 200"
    assert line["request_id"] == "req-7"
    assert re.fullmatch(STAMP, line["timestamp"])


def test_logging_config_routes_uvicorn_through_the_service_handler() -> None:
    config = logs.logging_config(level="WARNING", log_format="json")
    assert config["root"] == {"level": "WARNING", "handlers": ["stderr"]}
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert config["loggers"][name]["propagate"] is True and config["loggers"][name]["handlers"] == []
    # uvicorn's access lines carry the query string: only api.access writes access lines.
    assert config["loggers"]["uvicorn.access"]["level"] == "WARNING"
