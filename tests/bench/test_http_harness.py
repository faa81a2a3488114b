"""The HTTP benchmark harness end to end at a tiny size, and its error counting.

Speed is never asserted; these tests check that the harness measures what it says:
every planned request is sent to a real uvicorn process, a service error is counted
as an error, and a budget stops a run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench import http
from bench.http_load import Call, run_calls, send, shared_plans, summarize

REQUESTS = 5  # per method and mode


def test_harness_measures_shortlists_edits_and_load_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "http.json"
    argv = ["--sizes", "200", "--databases", "sqlite", "--requests", str(REQUESTS)]
    argv += ["--concurrency", "1,2", "--clients", "4", "--edits", "1", "--load-clients", "3"]
    argv += ["--load-requests", "3", "--budget-seconds", "120", "--target-openings", "200"]
    assert http.main([*argv, "--verify-chain", "--out", str(out)]) == 0
    (run,) = json.loads(out.read_text())["runs"]
    assert run["database"] == "sqlite" and run["openings"] == 200
    assert run["prepared"]["n_openings"] == 200 and run["prepared"]["n_events"] > 0
    assert run["warmup"]["n_errors"] == 0
    assert [m["concurrency"] for m in run["shortlists"]] == [1, 2]
    for m in run["shortlists"]:
        assert m["all"]["n_planned"] == m["all"]["n_done"] == m["all"]["n_ok"] == 2 * REQUESTS
        assert m["all"]["errors"] == {} and m["all"]["stopped"] == "done"
        for method in ("post", "get"):
            assert m[method]["n_ok"] == REQUESTS and len(m[method]["ok_ms"]) == REQUESTS
            assert 0 < m[method]["p50_ms"] <= m[method]["p95_ms"] <= m[method]["max_ms"]
            assert m[method]["body_bytes_median"] > 0
        # Every shortlist is stored as a recommendation record, so the database grows.
        assert m["db_bytes_after"] > m["db_bytes_before"] and m["growth_bytes_per_shortlist"] > 0
    edits = run["edits"]
    assert edits["n_done"] == 1 and edits["n_errors"] == 0 and len(edits["first_ms"]) == 1
    load = run["load"]
    assert load["all"]["n_planned"] == load["all"]["n_ok"] == 9
    assert {"client read", "opening list"} <= set(load)
    # The bulk-loaded data and everything the service wrote since form one valid chain.
    assert run["chain_after"]["ok"], run["chain_after"]["message"]
    report = capsys.readouterr().out
    assert "| sqlite   | 200      | 2       | GET" in report
    assert "sqlite: shortlist errors, all modes" in report


class _Handler(BaseHTTPRequestHandler):
    """200 with a good body on /good, 200 with a broken body on /broken, 500 elsewhere."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        status, body = {
            "/good": (200, b'{"suggestions": []}'),
            "/broken": (200, b"<html>oops</html>"),
        }.get(self.path, (500, b'{"detail": "database is locked"}'))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_server_errors_and_bad_bodies_are_counted(stub_url: str) -> None:
    paths = ["/good", "/broken", "/fail", "/good", "/fail", "/fail"]

    def call(i: int) -> Call:
        return Call("shortlist GET", "GET", paths[i], expect="suggestions")

    run = run_calls(
        stub_url, {}, shared_plans(call, n=len(paths), concurrency=2), n_planned=6, budget_s=60, timeout_s=10
    )
    s = summarize(run.samples, n_planned=6, wall_s=run.wall_s, stopped=run.stopped)
    assert (s["n_done"], s["n_ok"], s["n_errors"]) == (6, 2, 4)
    assert s["errors"] == {"500": 3, "bad body": 1}
    assert len(s["ok_ms"]) == 2 and s["stopped"] == "done"


def test_a_spent_budget_stops_the_run(stub_url: str) -> None:
    plans = shared_plans(lambda i: Call("client read", "GET", "/good"), n=1000, concurrency=4)
    run = run_calls(stub_url, {}, plans, n_planned=1000, budget_s=0.0, timeout_s=10)
    assert run.samples == [] and run.stopped == "budget"


def test_a_closed_kept_alive_connection_is_resent_once_then_counted() -> None:
    attempts: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1 or request.url.path == "/down":
            raise httpx.ReadError("connection closed", request=request)
        return httpx.Response(200, json={"suggestions": []})

    with httpx.Client(base_url="http://127.0.0.1", transport=httpx.MockTransport(flaky)) as client:
        good = send(client, Call("shortlist GET", "GET", "/up", expect="suggestions"))
        down = send(client, Call("shortlist GET", "GET", "/down", expect="suggestions"))
    assert (good.status, good.error, good.retried) == (200, None, True)
    assert (down.status, down.error, down.retried) == (0, "transport: ReadError", True)
    assert len(attempts) == 4
