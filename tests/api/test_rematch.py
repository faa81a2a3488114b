"""The DB-backed nightly re-match: kill -9 and resume, bad records, idempotence, digests, endpoints.

Runs on SQLite and, when reachable, PostgreSQL (the ``api`` fixture). The kill test
starts ``python -m api.rematch`` in a subprocess that SIGKILLs itself inside the
transaction of a randomly chosen chunk, then resumes the run in this process.
"""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.audit import AuditEvent, RecommendationRecord, verify_chain
from api.models import Client as ClientRow
from api.models import Opening as OpeningRow
from api.rematch.models import RematchChunk, RematchDigest, RematchOpeningLoad, RematchRun, ShortlistVersion
from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF, Api, World

REPO = Path(__file__).resolve().parents[2]
CHUNK = 2
BAD_CLIENT, BAD_OPENING = "C-BAD0000001", "O-BAD0000001"


@dataclass
class Caseload:
    active: dict[str, set[str]]  # specialist name -> active client ids
    paused: str

    @property
    def all_active(self) -> set[str]:
        return set().union(*self.active.values())


@pytest.fixture(scope="module")
def caseload(api: Api, world: World) -> Caseload:
    """12 openings of 3 employers; 7 + 4 active clients, 1 paused; one bad client and one bad opening."""
    h = world.headers
    for _ in range(3):
        employer = api.create_employer(h["liaison1"])["id"]
        for _ in range(4):
            api.create_opening(h["liaison1"], employer)
    active = {
        "spec1": {api.create_client(h["spec1"])["id"] for _ in range(7)},
        "spec2": {api.create_client(h["spec2"])["id"] for _ in range(4)},
    }
    paused = api.create_client(h["spec2"])["id"]
    assert api.post(f"/clients/{paused}/pause", h["spec2"]).status_code == 200
    with api.session() as session:
        good_client = session.get(ClientRow, next(iter(active["spec2"])))
        good_opening = session.scalars(select(OpeningRow).limit(1)).one()
        bad_client = good_client.record | {"id": BAD_CLIENT, "modes": ["rocket"]}
        bad_opening = good_opening.record | {"id": BAD_OPENING, "shifts": ["Someday"]}
        session.add(
            ClientRow(id=BAD_CLIENT, specialist_id=world.users["spec2"].id, label="bad", record=bad_client)
        )
        session.add(
            OpeningRow(id=BAD_OPENING, employer_id=good_opening.employer_id, title="Bad", record=bad_opening)
        )
        session.commit()
    return Caseload(active=active, paused=paused)


def _env(api: Api) -> dict[str, str]:
    settings = api.app.state.settings
    return {
        **os.environ,
        "DATABASE_URL": settings.sqlalchemy_url,
        "PLACEMENT_VAR_DIR": str(settings.var_dir),
        "PLACEMENT_AS_OF": AS_OF.isoformat(),
    }


def _latest(api: Api) -> RematchRun:
    with api.session() as session:
        run = session.scalars(select(RematchRun).order_by(RematchRun.id.desc()).limit(1)).one()
        return run


def _versions(api: Api, run_id: int) -> list[ShortlistVersion]:
    with api.session() as session:
        return list(session.scalars(select(ShortlistVersion).where(ShortlistVersion.run_id == run_id)))


def _state(api: Api) -> dict[str, Any]:
    """Everything a run writes, counted."""
    with api.session() as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        runs = [
            (r.id, r.status, r.ended_at, r.counts, r.progress_done)
            for r in session.scalars(select(RematchRun))
        ]
        return {
            "runs": runs,
            "versions": count(ShortlistVersion),
            "records": count(RecommendationRecord),
            "events": session.scalar(select(func.max(AuditEvent.seq))),
            "digests": count(RematchDigest),
            "loads": count(RematchOpeningLoad),
        }


def test_killed_run_resumes_with_exactly_one_version_per_client(api: Api, caseload: Caseload) -> None:
    n_chunks = -(-len(caseload.all_active) // CHUNK)
    seed = random.randrange(1_000_000)
    kill_after = random.Random(seed).randrange(n_chunks)  # die inside chunk number kill_after + 1
    args = ["--chunk-size", str(CHUNK), "--test-kill-after", str(kill_after)]
    done = subprocess.run(
        [sys.executable, "-m", "api.rematch", *args],
        cwd=REPO,
        env=_env(api),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, (seed, done.returncode, done.stderr[-2000:])
    killed = _latest(api)
    assert killed.status == "running"
    with api.session() as session:
        chunks = list(session.scalars(select(RematchChunk).where(RematchChunk.run_id == killed.id)))
    committed = {i for c in chunks if c.done for i in c.client_ids}
    assert sum(c.done for c in chunks) == kill_after, seed
    assert {v.client_id for v in _versions(api, killed.id)} == committed, (
        seed
    )  # the killed chunk left nothing
    assert killed.progress_done == len(committed)

    run_id = run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions(chunk_size=CHUNK))

    assert run_id == killed.id  # re-running found the unfinished run
    versions = _versions(api, run_id)
    per_client = collections.Counter(v.client_id for v in versions)
    assert set(per_client) == caseload.all_active, seed  # none lost, no paused or bad client
    assert set(per_client.values()) == {1}, seed  # none duplicated
    with api.session() as session:
        records = list(
            session.scalars(select(RecommendationRecord).where(RecommendationRecord.kind == "rematch"))
        )
        assert sorted(r.id for r in records) == sorted(v.recommendation_id for v in versions)
        assert verify_chain(session).ok
    run = _latest(api)
    assert (run.status, run.progress_done, run.progress_total) == (
        "finished",
        len(caseload.all_active),
        len(caseload.all_active),
    )


def test_bad_records_are_skipped_logged_and_counted(api: Api, caseload: Caseload) -> None:
    run = _latest(api)
    assert run.status == "finished"
    assert (run.counts["skipped_clients"], run.counts["skipped_openings"]) == (1, 1)
    assert run.counts["clients"] == len(caseload.all_active)
    skipped = {(e["kind"], e["id"]): e for e in run.errors}
    assert skipped[("client", BAD_CLIENT)]["field"] == "modes"
    assert skipped[("opening", BAD_OPENING)]["field"] == "shifts"
    assert BAD_CLIENT not in {v.client_id for v in _versions(api, run.id)}


@pytest.mark.usefixtures("caseload")
def test_rerunning_a_finished_run_changes_nothing(api: Api) -> None:
    run = _latest(api)
    before = _state(api)
    assert run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions(), resume=run.id) == run.id
    done = subprocess.run(
        [sys.executable, "-m", "api.rematch", "--resume", str(run.id)],
        cwd=REPO,
        env=_env(api),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _state(api) == before


@pytest.mark.usefixtures("caseload")
def test_primaries_and_opening_loads(api: Api) -> None:
    run = _latest(api)
    versions = _versions(api, run.id)
    with api.session() as session:
        loads = {
            r.opening_id: r
            for r in session.scalars(select(RematchOpeningLoad).where(RematchOpeningLoad.run_id == run.id))
        }
    on_lists = collections.Counter(r["opening_id"] for v in versions for r in v.rows)
    assert {o: load.shortlists for o, load in loads.items()} == dict(on_lists)
    primaries = collections.Counter(v.primary_opening_id for v in versions if v.rows)
    assert {o: load.primaries for o, load in loads.items() if load.primaries} == dict(primaries)
    for v in versions:  # a primary is always one of the client's own suggestions
        assert (v.primary_opening_id is None) == (not v.rows)
        assert v.primary_opening_id is None or v.primary_opening_id in {r["opening_id"] for r in v.rows}


def test_second_run_digest_says_what_changed(api: Api, world: World, caseload: Caseload) -> None:
    first = _latest(api)
    versions = {v.client_id: v for v in _versions(api, first.id)}
    client_id = next(c for c in sorted(caseload.active["spec1"]) if versions[c].rows)
    filled = versions[client_id].rows[0]["opening_id"]
    assert api.post(f"/openings/{filled}/fill", world.headers["liaison1"]).status_code == 200

    second = run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions(chunk_size=CHUNK))

    assert second != first.id
    assert {v.version for v in _versions(api, second)} == {2}
    with api.session() as session:
        digest = session.get(RematchDigest, (second, world.users["spec1"].id))
    assert digest is not None
    entry = next(c for c in digest.body["clients"] if c["client_id"] == client_id)
    gone = {g["opening_id"]: g for g in entry["changes"]["gone"]}
    assert (gone[filled]["reason"], gone[filled]["previous_rank"]) == ("filled", 1)
    assert {c["client_id"] for c in digest.body["clients"]} == caseload.active["spec1"]
    assert (
        f"gone,{client_id},test client,{filled}," in digest.csv
        and "the opening was filled" in digest.markdown
    )


def _wait_idle(api: Api, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = api.get("/rematch/runs/latest", headers).json()
        if body["status"] != "running":
            return body  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("the background run did not finish")


def test_endpoints_start_report_and_digest(api: Api, world: World, caseload: Caseload) -> None:
    h = world.headers
    for who in ("spec1", "liaison1", "auditor"):
        assert api.post("/rematch/runs", h[who]).status_code == 403
    started = api.post("/rematch/runs", h["admin"])
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]
    status = _wait_idle(api, h["admin"])
    assert (status["id"], status["status"]) == (run_id, "finished")
    assert status["progress"] == {"done": len(caseload.all_active), "total": len(caseload.all_active)}
    assert status["counts"]["skipped_clients"] == 1 and "index" in status["timings"]
    assert api.get("/rematch/runs/latest", h["spec2"]).json()["id"] == run_id
    for who in ("liaison1", "auditor"):
        assert api.get("/rematch/runs/latest", h[who]).status_code == 403
    for who in ("spec1", "spec2"):
        digest = api.get("/rematch/digest", h[who])
        assert digest.status_code == 200
        body = digest.json()
        assert body["run_id"] == run_id and body["digest"]["specialist_id"] == str(world.users[who].id)
        assert {c["client_id"] for c in body["digest"]["clients"]} == caseload.active[who]  # never another's
    assert api.get("/rematch/digest", h["admin"]).status_code == 403
    newcomer = api.headers(api.add_user("specialist"))
    assert api.get("/rematch/digest", newcomer).json() == {"detail": "Digest not found"}


def test_interactive_shortlist_counts_other_clients_lists(api: Api, world: World, caseload: Caseload) -> None:
    run = _latest(api)
    assert run.status == "finished"
    versions = _versions(api, run.id)
    with api.session() as session:  # the interactive path refuses malformed openings outright
        bad = session.get(OpeningRow, BAD_OPENING)
        assert bad is not None
        bad.status = "closed"
        session.commit()
    client_id = sorted(caseload.active["spec1"])[0]
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"])
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert suggestions
    for item in suggestions:
        others = {v.client_id for v in versions for r in v.rows if r["opening_id"] == item["opening_id"]}
        assert item["on_other_lists"] == len(others - {client_id}), item["opening_id"]
    assert any(item["on_other_lists"] > 0 for item in suggestions)  # the caseload shares openings


@pytest.mark.usefixtures("caseload")
def test_start_is_refused_while_a_run_is_alive(api: Api, world: World) -> None:
    with api.session() as session:
        live = RematchRun(as_of=AS_OF, started_by="elsewhere")
        session.add(live)
        session.commit()
    response = api.post("/rematch/runs", world.headers["admin"])
    assert response.status_code == 409
    assert response.json() == {"detail": f"Re-match run {live.id} is already running"}
