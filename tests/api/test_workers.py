"""Several worker processes (``uvicorn --workers 2``, SQLite file): after an edit, every one answers with it.

Each worker keeps its own fitted matcher; each request reads the openings version
in the database and patches the matcher with the openings changed since. The
server runs with ``PLACEMENT_WORKER_HEADER`` so each answer names its process.
Marked ``load``: it starts real server processes (about half a minute).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.loadgen import demo_server, login_headers

pytestmark = pytest.mark.load

EDITED = "Edited Harbor Title"


def _shortlists(
    url: str, headers: dict[str, str], client_id: str, *, per_worker: int
) -> dict[str, list[Any]]:
    """Shortlists by answering process, a new connection each, until each of 2 workers answered enough."""
    by_pid: dict[str, list[Any]] = {}
    for _ in range(80):
        response = httpx.get(
            f"{url}/api/v1/clients/{client_id}/shortlist", headers=headers, params={"k": 20}, timeout=120
        )
        assert response.status_code == 200, response.text
        by_pid.setdefault(response.headers["X-Worker-Pid"], []).append(response.json())
        if len(by_pid) == 2 and all(len(v) >= per_worker for v in by_pid.values()):
            break
    return by_pid


def test_after_an_edit_every_worker_shortlists_the_edited_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLACEMENT_WORKER_HEADER", "true")
    database_url = f"sqlite:///{tmp_path / 'placement.db'}"
    with demo_server(tmp_path, database_url=database_url, workers=2) as url:
        specialist, liaison = login_headers(url, "specialist"), login_headers(url, "liaison")
        active = {"status": "active"}
        listed = httpx.get(f"{url}/api/v1/clients", headers=specialist, params=active, timeout=60)
        client_id = listed.json()["data"][0]["id"]
        before = _shortlists(url, specialist, client_id, per_worker=1)
        assert len(before) == 2, "both workers fitted the pool"
        target = next(iter(before.values()))[0]["suggestions"][0]["opening_id"]
        opening = httpx.get(f"{url}/api/v1/openings/{target}", headers=liaison, timeout=60).json()
        details = opening["details"] | {"title": f"{opening['details']['title']} {EDITED}"}
        body = {"version": opening["version"], "details": details}
        edit = httpx.put(f"{url}/api/v1/openings/{target}", headers=liaison, json=body, timeout=60)
        assert edit.status_code == 200, edit.text
        after = _shortlists(url, specialist, client_id, per_worker=3)
    assert len(after) == 2, "both workers answered after the edit"
    for pid, answers in after.items():
        for answer in answers:
            titles = {s["opening_id"]: s["title"] for s in answer["suggestions"]}
            assert titles.get(target, "").endswith(EDITED), f"worker {pid} answered with the old pool"
