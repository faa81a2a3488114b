"""The nightly re-match: start a run (admin), its status (admin, specialist), a digest (specialist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict

from api.deps import AdminUser, SessionDep, SettingsDep, SpecialistUser, require
from api.models import Role, User
from api.rematch import store as rematch_store
from api.rematch.caseload import narrow_digest
from api.rematch.run import JobOptions, start_in_background
from api.schemas import errors

router = APIRouter(prefix="/rematch", tags=["rematch"], responses=errors(401, 403))

AdminOrSpecialist = Depends(require(Role.ADMIN, Role.SPECIALIST))


class RunStarted(BaseModel):
    """A run started (or a stale unfinished one resumed) in the background."""

    # Field descriptions are the attribute docstrings (shown on /docs).
    model_config = ConfigDict(use_attribute_docstrings=True)

    run_id: int
    """The run's id; follow it with GET /rematch/runs/latest."""
    resumed: bool
    """true when a stale unfinished run was picked up again instead of a new one started."""


class Progress(BaseModel):
    """How far a run is."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    done: int
    """Clients re-matched (or skipped) so far."""
    total: int
    """Clients the run plans to re-match."""


class RunPublic(BaseModel):
    """A run record: status, progress, counts, per-phase seconds, versions of engine and config."""

    model_config = ConfigDict(from_attributes=True, use_attribute_docstrings=True)

    id: int
    """The run's id."""
    status: str
    """running, finished or failed."""
    started_at: dt.datetime
    """When the run started (UTC)."""
    ended_at: dt.datetime | None
    """When it finished or failed (UTC); null while running."""
    updated_at: dt.datetime
    """When it last reported progress (UTC); a running run that stops updating is stale."""
    as_of: dt.date
    """The date the shortlists were made for."""
    k: int
    """Suggestions kept per client."""
    chunk_size: int
    """Clients re-matched per unit of work (each chunk commits on its own)."""
    engine_version: str
    """Version of the matching engine."""
    config_hash: str
    """Short hash of the program configuration used."""
    config_version: int
    """Version of the program configuration used (0: engine defaults)."""
    progress: Progress
    """Clients done out of the total."""
    counts: dict[str, Any]
    """What the run counted, e.g. openings, shortlist versions, suggestions, digests written."""
    timings: dict[str, float]
    """Seconds spent per phase (e.g. block, score, rank, commit, congestion, diff)."""
    n_errors: int
    """Clients skipped because of an error (their old lists stay)."""


class DigestPublic(BaseModel):
    """A specialist's digest of one run: the JSON body, and the same as Markdown and CSV."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    run_id: int
    """The run the digest comes from."""
    created_at: dt.datetime
    """When it was written (UTC)."""
    digest: dict[str, Any]
    """What changed on the caller's caseload: totals, then per client what was added, dropped or moved."""
    markdown: str
    """The same digest as Markdown, to read or mail."""
    csv: str
    """The same digest as CSV, one row per change."""


@router.post("/runs", status_code=status.HTTP_202_ACCEPTED, responses=errors(409))
def start_run(request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser) -> RunStarted:
    """Start a re-match run in the background (or resume a stale one); 409 while one is running."""
    options = JobOptions(
        actor=admin.username,
        occupations_path=settings.occupations_path,
        audit_key=settings.audit_signing_key(),
    )
    # End this request's transaction (on SQLite it holds the write lock the run needs);
    # nothing may touch the session's objects after this, or it begins again.
    session.rollback()
    factory = request.app.state.session_factory
    run_id, resumed = start_in_background(factory, as_of=settings.today(), options=options)
    return RunStarted(run_id=run_id, resumed=resumed)


@router.get("/runs/latest", responses=errors(404))
def latest_run(session: SessionDep, _user: User = AdminOrSpecialist) -> RunPublic:
    """The newest run: status, progress done/total, counts and per-phase timings."""
    run = rematch_store.latest_run(session)
    if run is None:
        raise HTTPException(status_code=404, detail="Run not found")
    return RunPublic(
        id=run.id,
        status=run.status,
        started_at=run.started_at,
        ended_at=run.ended_at,
        updated_at=run.updated_at,
        as_of=run.as_of,
        k=run.k,
        chunk_size=run.chunk_size,
        engine_version=run.engine_version,
        config_hash=run.config_hash,
        config_version=run.config_version,
        progress=Progress(done=run.progress_done, total=run.progress_total),
        counts=run.counts,
        timings=run.timings,
        n_errors=len(run.errors),
    )


@router.get("/digest", responses=errors(404))
def my_digest(session: SessionDep, user: SpecialistUser) -> DigestPublic:
    """The caller's own digest from the newest finished run (never another specialist's).

    Clients reassigned since the run are left out: it names only the caller's current caseload.
    """
    digest = rematch_store.latest_digest(session, specialist_id=user.id)
    if digest is None:
        raise HTTPException(status_code=404, detail="Digest not found")
    keep = rematch_store.caseload_ids(session, specialist_id=user.id)
    view = narrow_digest(digest.body, digest.markdown, digest.csv, keep=keep)
    return DigestPublic(
        run_id=digest.run_id,
        created_at=digest.created_at,
        digest=view.body,
        markdown=view.markdown,
        csv=view.csv,
    )
