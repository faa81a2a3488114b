"""Digests to look at on the demo: two nightly runs with one opening filled between, then an extra run.

Used by the digest browser test and by ``make screenshots``. The nightly runs are the
command cron runs (``python -m api.rematch`` on the served database); the extra one is an
admin's ``POST /rematch/runs``, as the admin starts it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.api.loadgen import AS_OF
from tests.browser.conftest import REPO, api_call


@dataclass(frozen=True)
class DemoDigests:
    first: int
    second: int
    extra: int
    client: str  # label of the client whose first suggestion was filled
    filled: str  # the title of that opening


def nightly_run(database_url: str, var: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "PLACEMENT_VAR_DIR": str(var)}
    env["PLACEMENT_AS_OF"] = AS_OF.isoformat()
    subprocess.run(
        [sys.executable, "-m", "api.rematch"], cwd=REPO, env=env, check=True, capture_output=True, timeout=600
    )


def _latest(base: str) -> dict[str, object]:
    return api_call(base, "admin", "GET", "/rematch/runs/latest")  # type: ignore[no-any-return]


def prepare_digests(base: str, database_url: str, var: Path) -> DemoDigests:
    nightly_run(database_url, var)
    first = int(str(_latest(base)["id"]))
    digest = api_call(base, "specialist", "GET", f"/rematch/digests/{first}")
    client = next(c for c in digest["digest"]["clients"] if c["n_suggestions"] >= 5)
    top = next(s for s in client["changes"]["new"] if s["rank"] == 1)
    api_call(base, "liaison", "POST", f"/openings/{top['opening_id']}/fill")
    nightly_run(database_url, var)
    second = int(str(_latest(base)["id"]))
    extra = int(api_call(base, "admin", "POST", "/rematch/runs")["run_id"])
    deadline = time.monotonic() + 300
    while _latest(base)["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _latest(base)["status"] == "finished"
    title = digest["digest"]["openings"][top["opening_id"]]["title"]
    return DemoDigests(first, second, extra, str(client["label"]), str(title))
