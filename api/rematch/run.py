"""Plan, resume and work a nightly re-match run on the service database.

A run is planned once (active clients and open openings validated, chunks of
client ids stored with the run), then worked chunk by chunk through
``matcher.rematch``: each chunk's shortlist versions, their ``rematch``
recommendation records and its done flag are committed in one transaction.
Killed at any point, the next start works only the chunks not done. When every
chunk is done, one last transaction assigns congestion-aware primaries, stores
per-opening loads, the digests per specialist, and finishes the run record.
The command line is :mod:`api.rematch.job`; the admin endpoint calls
:func:`start_in_background` here (routes never import the job module).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api import benefits, store, travel
from api.config import get_settings
from api.mail import MailConfig
from api.matching import load_occupations
from api.models import ClientStatus, utcnow
from api.rematch import store as rematch_store
from api.rematch import work as rematch_work
from api.rematch.finish import finish_run
from api.rematch.models import RematchRun, RunStatus
from matcher.pipeline import ENGINE_VERSION
from matcher.rematch.candidates import plan_chunks
from matcher.rematch.congestion import DEFAULT_OVERBOOKING
from matcher.rematch.digest import TOP_N
from matcher.rematch.rescore import RematchOptions, load_inputs
from matcher.rematch.summary import Skipped

_log = logging.getLogger(__name__)

# A running run with no commit for this long is taken to be dead (killed) and may be resumed.
STALE_SECONDS = 900.0


@dataclass(frozen=True)
class JobOptions:
    """How the job runs. ``kill_after_chunks`` is a test hook: SIGKILL itself after N commits."""

    k: int = 10
    chunk_size: int = 256
    n_jobs: int = 1
    scheduler: str | None = None
    congestion_factor: float | None = DEFAULT_OVERBOOKING
    actor: str = "system"
    kill_after_chunks: int | None = None
    # the O*NET store (Settings.occupations_path): used when one was imported there
    occupations_path: Path | None = None
    # the audit checkpoint key (Settings.audit_signing_key): a finished run signs the chain head
    audit_key: bytes | None = None
    # e-mail the digests when the run finishes (api.mail.mail_config: None when off)
    mail: MailConfig | None = None
    # digests report moves into or out of this many top places (Settings.digest_top_n)
    digest_top_n: int = TOP_N


def plan_run(factory: sessionmaker[Session], *, as_of: dt.date, options: JobOptions) -> int:
    """Validate active clients and open openings, store a new run with its chunks; its id."""
    t0 = time.perf_counter()
    with factory() as session, session.begin():
        config_row = store.config.current(session)
        config = benefits.config_for(session, config_row, as_of)
        clients = store.clients.list_clients(session, specialist_id=None, status=ClientStatus.ACTIVE.value)
        openings = sorted(store.openings.matchable(session, as_of=as_of), key=lambda o: o.id)
        inputs = load_inputs([c.record for c in clients], [o.record for o in openings])
        plan = plan_chunks(inputs.clients, config.commute, chunk_size=options.chunk_size)
        run = RematchRun(
            as_of=as_of,
            k=options.k,
            chunk_size=options.chunk_size,
            started_by=options.actor,
            engine_version=ENGINE_VERSION,
            config_hash=config.config_hash,
            config_version=config_row.version if config_row else 0,
            openings_hash=rematch_store.record_hash({"openings": [o.record for o in openings]}),
            counts=_load_counts(inputs.clients, inputs.openings, inputs.skipped),
            timings={"load": round(time.perf_counter() - t0, 4)},
        )
        rematch_store.create_run(session, run=run, plan=plan, skipped=inputs.skipped)
        _log.info(
            "run %d planned: %d clients in %d chunks, %d openings, %d records skipped",
            run.id,
            run.progress_total,
            len(plan),
            len(inputs.openings),
            len(inputs.skipped),
        )
        return run.id


def _load_counts(
    clients: Sequence[object], openings: Sequence[object], skipped: Sequence[Skipped]
) -> dict[str, int]:
    return {
        "clients": len(clients),
        "openings": len(openings),
        "skipped_clients": sum(s.kind == "client" for s in skipped),
        "skipped_openings": sum(s.kind == "opening" for s in skipped),
    }


def run_job(
    factory: sessionmaker[Session], *, as_of: dt.date, options: JobOptions, resume: int | None = None
) -> int:
    """Resume ``resume`` (or the unfinished run), else plan a new one; work it to the end. The run id."""
    with factory() as session:
        run = (
            rematch_store.get_run(session, run_id=resume)
            if resume is not None
            else rematch_store.unfinished_run(session)
        )
    if resume is not None and run is None:
        raise LookupError(f"no re-match run {resume}")
    run_id = run.id if run is not None else plan_run(factory, as_of=as_of, options=options)
    if run is not None:
        _log.info("resuming run %d (%s)", run.id, run.status)
        _reopen_failed(factory, run_id=run.id)
    work_run(factory, run_id=run_id, options=options)
    return run_id


def _reopen_failed(factory: sessionmaker[Session], *, run_id: int) -> None:
    with factory() as session, session.begin():
        run = rematch_store.get_run(session, run_id=run_id)
        if run is not None and run.status == RunStatus.FAILED.value:
            run.status, run.updated_at = RunStatus.RUNNING.value, utcnow()


def work_run(factory: sessionmaker[Session], *, run_id: int, options: JobOptions) -> None:
    """Score and commit the run's pending chunks, then finish it (a finished run is left alone)."""
    with factory() as session:
        run = rematch_store.get_run(session, run_id=run_id)
        if run is None or run.status != RunStatus.RUNNING.value:
            _log.info("run %d is %s: nothing to do", run_id, run.status if run else "missing")
            return
        chunks = rematch_store.pending_chunks(session, run_id=run_id)
    try:
        occupations = load_occupations(options.occupations_path)
        matcher, records, timings = rematch_work.fit(
            factory, run, occupations=occupations, travel_times=travel.for_settings(get_settings())
        )
        scoring = RematchOptions(
            k=run.k, chunk_size=run.chunk_size, n_jobs=options.n_jobs, scheduler=options.scheduler
        )
        found: dict[str, dict[str, Any]] = {}  # the chunks' options, for the digests
        written = rematch_work.work_chunks(
            factory,
            run,
            matcher,
            records,
            chunks,
            scoring,
            timings,
            kill_after=options.kill_after_chunks,
            occupations=occupations,
            options_out=found,
        )
        finish_run(
            factory,
            run_id=run_id,
            matcher=matcher,
            factor=options.congestion_factor,
            timings=timings,
            audit_key=options.audit_key,
            top_n=options.digest_top_n,
            mail=options.mail,
            options=found,
        )
        _log.info("run %d: %d chunks committed by this process", run_id, written)
    except Exception as exc:
        _log.exception("run %d failed: %s (resume it with --resume %d)", run_id, exc, run_id)
        _mark_failed(factory, run_id=run_id, reason=f"{type(exc).__name__}: {exc}")
        raise


def _mark_failed(factory: sessionmaker[Session], *, run_id: int, reason: str) -> None:
    with factory() as session, session.begin():
        run = rematch_store.get_run(session, run_id=run_id)
        if run is not None and run.status == RunStatus.RUNNING.value:
            run.status, run.updated_at = RunStatus.FAILED.value, utcnow()
            run.errors = [
                *run.errors,
                {"kind": "run", "id": str(run_id), "field": "", "reason": reason[:500]},
            ]


def start_in_background(
    factory: sessionmaker[Session], *, as_of: dt.date, options: JobOptions, stale_after: float = STALE_SECONDS
) -> tuple[int, bool]:
    """Plan a run (or take over a stale or failed unfinished one) and work it in a thread.

    Returns the run id and whether an earlier run was resumed. Raises
    :class:`~api.store.Conflict` while another run is alive (committed within ``stale_after`` s).
    """
    with factory() as session, session.begin():
        run = rematch_store.unfinished_run(session)
        if run is not None and not rematch_store.is_stale(run, seconds=stale_after):
            raise store.Conflict(f"Re-match run {run.id} is already running")
        if run is not None:
            run.updated_at = utcnow()  # claim it: a second request now gets the conflict
    run_id = run.id if run is not None else plan_run(factory, as_of=as_of, options=options)
    thread = threading.Thread(
        target=_work_quietly, args=(factory, run_id, options), daemon=True, name=f"rematch-{run_id}"
    )
    thread.start()
    return run_id, run is not None


def _work_quietly(factory: sessionmaker[Session], run_id: int, options: JobOptions) -> None:
    try:
        work_run(factory, run_id=run_id, options=options)
    except Exception:  # noqa: BLE001 - logged and marked failed by work_run
        return
