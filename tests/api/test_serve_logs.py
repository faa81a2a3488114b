"""``placement-api serve`` logs as configured in every uvicorn worker: JSON lines, request ids.

A real server (two workers, SQLite) with ``PLACEMENT_LOG_FORMAT=json``: every line it writes,
uvicorn's own included, is a JSON object with a UTC timestamp, level, logger and request id;
its access lines carry the request id and the path without the query string. Marked ``load``:
it starts real server processes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import SECRET
from tests.api.loadgen import free_port, wait_ready

pytestmark = pytest.mark.load

MARK = "Zq7ServeMark"


def test_every_line_of_the_server_is_json_with_a_timestamp_and_request_id(tmp_path: Path) -> None:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'placement.db'}",
        "PLACEMENT_VAR_DIR": str(tmp_path),
        "PLACEMENT_JWT_SECRET": SECRET,
        "PLACEMENT_LOG_FORMAT": "json",
        "PLACEMENT_WORKERS": "2",
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=180)
        ready = httpx.get(f"{url}/ready", timeout=30)
        assert ready.status_code == 200, ready.text
        probe = {"X-Request-ID": "serve-probe-1"}
        refused = httpx.get(f"{url}/api/v1/openings", params={"q": MARK}, headers=probe, timeout=30)
        assert refused.status_code == 401 and refused.headers["X-Request-ID"] == "serve-probe-1"
    finally:
        process.terminate()
        process.wait(timeout=60)
    output = (tmp_path / "server.log").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]  # each one JSON
    assert MARK not in output
    for line in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"]), line
        assert {"level", "logger", "request_id", "message"} <= set(line), line
    assert any(line["logger"].startswith("uvicorn") for line in lines), "uvicorn's lines, formatted alike"
    # Workers slow to start (re-importing the command) are not killed by uvicorn's health ping.
    assert not [line for line in lines if "died" in line["message"]]
    access = [line for line in lines if line["logger"] == "api.access"]
    assert {"request_id": "serve-probe-1", "message": "GET /api/v1/openings 401"} in [
        {"request_id": a["request_id"], "message": a["message"].rsplit(" ", 1)[0]} for a in access
    ]
