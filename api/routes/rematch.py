"""The nightly re-match: start a run (admin), its status (admin, specialist), digests (specialist).

Every run keeps one digest per specialist: the newest, any one by run id, and the list of
them newest first (an admin's extra run is listed beside the nightly one, never instead).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from api.deps import AdminUser, SessionDep, SettingsDep, SpecialistUser, require
from api.mail import mail_config
from api.models import Role, User
from api.rematch import store as rematch_store
from api.rematch.caseload import narrow_digest, run_kind
from api.rematch.finish import OVER_CAPACITY
from api.rematch.models import RematchDigest, RematchRun
from api.rematch.run import JobOptions, start_in_background
from api.routes.users import Limit, Offset
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


class DigestItem(BaseModel):
    """One digest of the caller's history: which run, of what kind, and its headline counts."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    run_id: int
    """The run the digest comes from (GET /rematch/digests/{run_id} for the digest)."""
    run_kind: str
    """nightly (the scheduled run) or extra (a run an admin started); both are kept."""
    as_of: dt.date
    """The date the run made the shortlists for."""
    started_at: dt.datetime
    """When the run started (UTC)."""
    created_at: dt.datetime
    """When the digest was written (UTC)."""
    title: str
    """The digest's title: whose, which day, and whether an extra run."""
    counts: dict[str, int]
    """Headline counts: clients, new, strong_new, gone, other_new, no_suggestions."""


class DigestsPublic(BaseModel):
    """A page of the caller's digests, newest run first."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    data: list[DigestItem]
    """The digests on this page."""
    count: int
    """Number of digests in data."""
    total: int
    """Number of the caller's digests in all, on every page."""
    limit: int
    """Most digests per page asked for."""
    offset: int
    """Digests skipped before this page."""


class DigestPublic(BaseModel):
    """A specialist's digest of one run: the JSON body, and the same as Markdown and CSV."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    run_id: int
    """The run the digest comes from."""
    run_kind: str
    """nightly (the scheduled run) or extra (a run an admin started)."""
    as_of: dt.date
    """The date the run made the shortlists for."""
    started_at: dt.datetime
    """When the run started (UTC)."""
    created_at: dt.datetime
    """When it was written (UTC)."""
    title: str
    """The digest's title, naming the specialist and the run's date."""
    digest: dict[str, Any]
    """What changed on the caller's caseload: totals, then per client what was added, dropped or moved."""
    markdown: str
    """The digest as Markdown, what matters first: new strong suggestions, suggestions gone and why,
    clients with no suggestions and what would open more, moves into or out of the top few."""
    csv: str
    """The same as CSV, one row per item (every text cell escaped against formula injection)."""


@router.post("/runs", status_code=status.HTTP_202_ACCEPTED, responses=errors(409))
def start_run(request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser) -> RunStarted:
    """Start a re-match run in the background (or resume a stale one); 409 while one is running."""
    options = JobOptions(
        actor=admin.username,
        occupations_path=settings.occupations_path,
        audit_key=settings.audit_signing_key(),
        mail=mail_config(settings),
        digest_top_n=settings.digest_top_n,
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
        # the ids of clients over capacity belong to other caseloads: their number is in the counts
        counts={k: v for k, v in run.counts.items() if k != OVER_CAPACITY},
        timings=run.timings,
        n_errors=len(run.errors),
    )


@router.get("/digest", responses=errors(404))
def my_digest(session: SessionDep, settings: SettingsDep, user: SpecialistUser) -> DigestPublic:
    """The caller's own digest from the newest finished run (never another specialist's).

    Clients reassigned since the run are left out: it names only the caller's current caseload.
    """
    return _digest(session, user, settings.digest_top_n, run_id=None)


@router.get("/digests")
def my_digests(
    session: SessionDep, settings: SettingsDep, user: SpecialistUser, limit: Limit = 100, offset: Offset = 0
) -> DigestsPublic:
    """The caller's digests, newest run first, a page at a time (nightly and extra runs alike)."""
    total, rows = rematch_store.specialist_digests(session, specialist_id=user.id, limit=limit, offset=offset)
    keep = rematch_store.caseload_labels(session, specialist_id=user.id)
    data = []
    for digest, run in rows:
        view = narrow_digest(digest.body, keep=keep, run=run, reader=user, top_n=settings.digest_top_n)
        data.append(
            DigestItem(
                run_id=digest.run_id,
                run_kind=run_kind(run),
                as_of=run.as_of,
                started_at=run.started_at,
                created_at=digest.created_at,
                title=view.summary.title,
                counts=view.summary.counts,
            )
        )
    return DigestsPublic(data=data, count=len(data), total=total, limit=limit, offset=offset)


@router.get("/digests/{run_id}", responses=errors(404))
def my_digest_of_run(
    run_id: int, session: SessionDep, settings: SettingsDep, user: SpecialistUser
) -> DigestPublic:
    """The caller's digest of one run; 404 when that run has none for the caller."""
    return _digest(session, user, settings.digest_top_n, run_id=run_id)


def _digest(session: Session, user: User, top_n: int, *, run_id: int | None) -> DigestPublic:
    found = rematch_store.specialist_digest(session, specialist_id=user.id, run_id=run_id)
    if found is None:
        raise HTTPException(status_code=404, detail="Digest not found")
    return _public(session, user, *found, top_n=top_n)


def _public(
    session: Session, user: User, digest: RematchDigest, run: RematchRun, *, top_n: int
) -> DigestPublic:
    keep = rematch_store.caseload_labels(session, specialist_id=user.id)
    view = narrow_digest(digest.body, keep=keep, run=run, reader=user, top_n=top_n)
    return DigestPublic(
        run_id=digest.run_id,
        run_kind=run_kind(run),
        as_of=run.as_of,
        started_at=run.started_at,
        created_at=digest.created_at,
        title=view.summary.title,
        digest=view.body,
        markdown=view.markdown,
        csv=view.csv,
    )
