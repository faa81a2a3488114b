"""The last step of a re-match run, in ONE transaction: primaries, loads, digests, run record.

Runs once every chunk is committed. Congestion-aware primaries need every
client's list at once, so they are assigned here (``matcher.rematch.congestion``)
and stored on the versions; the recommendation records hold the lists as
ranked by each client's own scores. Killed during this step, nothing of it is
kept and the next start redoes it.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api import store
from api.audit import append_event
from api.audit.checkpoints import write_checkpoint
from api.mail import MailConfig, send_digests
from api.models import User, utcnow
from api.rematch import store as rematch_store
from api.rematch.caseload import display_name, run_kind, summary_of
from api.rematch.models import RematchDigest, RematchOpeningLoad, RematchRun, RunStatus, ShortlistVersion
from matcher.canonical import Legacy, matches
from matcher.pipeline import Matcher
from matcher.rematch import congestion
from matcher.rematch import options as chunk_options
from matcher.rematch.context import ScoringContext
from matcher.rematch.digest import TOP_N, build_digests, digest_to_dict, summary_to_csv, summary_to_markdown
from matcher.rematch.options import MAX_CHANGES, NEAR_MISSES  # noqa: F401 - named here too (tests)
from matcher.rematch.rescore import load_inputs
from matcher.rematch.run_diff import diff_all
from matcher.rematch.shortlist_diff import Entry
from matcher.types import Client

_log = logging.getLogger(__name__)

#: The run record's list of [client id, opening id] primaries over capacity (congestion exceptions).
OVER_CAPACITY = "over_capacity"
#: Clients per block of their shortlists and changes (``matcher.rematch.options.CHUNK_SIZE``).
CHUNK_SIZE = chunk_options.CHUNK_SIZE


def finish_run(
    factory: sessionmaker[Session],
    *,
    run_id: int,
    matcher: Matcher,
    factor: float | None,
    timings: dict[str, float],
    audit_key: bytes | None = None,
    top_n: int = TOP_N,
    mail: MailConfig | None = None,
    options: Mapping[str, dict[str, Any]] | None = None,
) -> bool:
    """Finish a run whose chunks are all committed; False when it is not (yet) finishable.

    With ``audit_key`` the chain head (ending with ``rematch.finished``) is signed as a checkpoint.
    With ``mail`` the digests are e-mailed once the run is committed (a failure is only logged).
    ``options``: what would open more options, by client id, as the run's chunks gave it
    (``work_chunks(options_out=...)``); a client left with no suggestion and not in it (its
    chunk committed by an earlier process, or its record seen otherwise by the engine) is
    computed here.
    """
    with factory() as session, session.begin():
        run = rematch_store.get_run(session, run_id=run_id, for_update=True)
        if run is None or run.status != RunStatus.RUNNING.value:
            return False
        if rematch_store.pending_chunks(session, run_id=run_id):
            _log.warning("run %d still has chunks to do; not finishing", run_id)
            return False
        versions = rematch_store.run_versions(session, run_id=run_id)
        t0 = time.perf_counter()
        load, spread = _assign_primaries(session, run, versions, matcher, factor)
        t1 = time.perf_counter()
        over = {e.client_id for e in spread.exceptions}
        n_digests = _write_digests(session, run, versions, matcher, top_n, over, options or {})
        t2 = time.perf_counter()
        run.timings = _timings(run.timings, timings, congestion=t1 - t0, diff=t2 - t1)
        run.counts = run.counts | {
            "versions": len(versions),
            "suggestions": sum(len(v.rows) for v in versions),
            "skipped_in_run": len(run.errors),
            "digests": n_digests,
            "max_shortlists_per_opening": int(load["shortlists"].max()) if len(load) else 0,
            **spread.counts(),
        }
        payload = {"run_id": run.id, **run.counts}
        # every exception by name (client, opening): in the run record, not in the audit event
        run.counts = run.counts | {
            OVER_CAPACITY: sorted([e.client_id, e.opening_id] for e in spread.exceptions)
        }
        run.status, run.ended_at = RunStatus.FINISHED.value, utcnow()
        run.updated_at = run.ended_at
        append_event(session, kind="rematch.finished", actor=None, payload=payload)
        if audit_key is not None:
            write_checkpoint(session, key=audit_key, reason="rematch")
    counts = run.counts
    _log.info(
        "run %d finished: %d shortlists stored, %d suggestions, %d digests",
        run_id,
        counts.get("versions", 0),
        counts.get("suggestions", 0),
        counts.get("digests", 0),
    )
    if mail is not None:
        send_digests(factory, run_id=run_id, config=mail, top_n=top_n)
    return True


def _timings(stored: dict[str, Any], mine: dict[str, float], **extra: float) -> dict[str, float]:
    out = {k: float(v) for k, v in stored.items()}
    for k, v in {**mine, **extra}.items():
        out[k] = round(out.get(k, 0.0) + v, 4)
    return out


def _assign_primaries(
    session: Session,
    run: RematchRun,
    versions: list[ShortlistVersion],
    matcher: Matcher,
    factor: float | None,
) -> tuple[pd.DataFrame, congestion.CongestionReport]:
    """Congestion-aware primary per version, per opening how many lists it is on, and the report."""
    known = set(matcher.index.ids)
    frame = pd.DataFrame(
        [
            (v.client_id, r["rank"], r["opening_id"], r["score"])
            for v in versions
            for r in v.rows
            if r["opening_id"] in known
        ],
        columns=["client_id", "rank", "opening_id", "score"],
    )
    if frame.empty:
        return frame.assign(shortlists=pd.Series(dtype="int64")), congestion.CongestionReport(
            factor, congestion.DEFAULT_MAX_LOSS, 0, 0
        )
    rows, spread = congestion.spread_primaries(frame, matcher.index, factor=factor)
    primary = dict(rows.loc[rows["primary"], ["client_id", "opening_id"]].itertuples(index=False, name=None))
    for v in versions:
        v.primary_opening_id = primary.get(v.client_id)
    load = congestion.opening_load(rows, matcher.index)
    session.add_all(
        RematchOpeningLoad(
            run_id=run.id,
            opening_id=r.opening_id,
            positions=int(r.positions),
            shortlists=int(r.shortlists),
            first_choice=int(r.first_choice),
            primaries=int(r.primaries),
            primaries_per_position=float(r.primaries_per_position),
        )
        for r in load.itertuples(index=False)
    )
    session.flush()
    return load, spread


def _write_digests(
    session: Session,
    run: RematchRun,
    versions: list[ShortlistVersion],
    matcher: Matcher,
    top_n: int,
    over_capacity: set[str],
    given: Mapping[str, dict[str, Any]],
) -> int:
    """One digest per specialist with clients in the run (``matcher.rematch`` diff and digest)."""
    previous = rematch_store.previous_versions(session, versions=versions)
    rows = {c.id: c for c in store.clients.get_clients(session, ids=[v.client_id for v in versions])}
    clients = load_inputs([rows[v.client_id].record for v in versions], []).clients
    listed = {r["opening_id"] for v in [*versions, *previous.values()] for r in v.rows}
    openings = {o.id: o for o in load_inputs([], store.openings.engine_records(session, ids=listed)).openings}
    current = {v.client_id: _entries(v.rows, v.primary_opening_id) for v in versions}
    before = {c: _entries(p.rows, p.primary_opening_id) for c, p in previous.items()}
    hashes = {v.client_id: v.client_hash for v in versions}
    # A version stored before RFC 8785 holds the hash in the former form: compare in that form.
    changed = {
        c
        for c, p in previous.items()
        if p.client_hash != hashes[c] and not matches(p.client_hash, rows[c].record, legacy=Legacy.AUDIT)
    }
    blocked = {
        c.id: store.decisions.blocked_opening_ids(session, client_id=c.id)
        for c in clients
        if c.id in previous
    }
    diffs = diff_all(
        before,
        current,
        context=ScoringContext.from_matcher(matcher, k=run.k),
        clients=clients,
        openings_now=openings,
        as_of=run.as_of,
        changed=changed,
        blocked=blocked,
        since=rematch_store.previous_run_date(session, run_id=run.id),
    )
    caseloads: dict[str, list[str]] = defaultdict(list)
    for v in versions:
        caseloads[str(rows[v.client_id].specialist_id)].append(v.client_id)
    listed_now = {v.client_id: len(v.rows) for v in versions}
    short = [c for c in clients if listed_now.get(c.id, 0) < run.k]  # fewer than k: options too
    options = {c.id: given[c.id] for c in short if c.id in given}
    options |= _options(session, matcher, [c for c in short if c.id not in given], k=run.k)
    misses = {str(m["opening_id"]) for o in options.values() for m in o["near_misses"]} - set(openings)
    misses |= {str(b["opening_id"]) for o in options.values() for ch in o["changes"] for b in ch["best"]}
    misses -= set(openings)
    if misses:
        records = store.openings.engine_records(session, ids=misses)
        openings |= {o.id: o for o in load_inputs([], records).openings}
    digests = build_digests(
        caseloads,
        diffs,
        run_id=str(run.id),
        as_of=run.as_of.isoformat(),
        openings=openings,
        primaries={v.client_id: v.primary_opening_id for v in versions if v.primary_opening_id},
        sizes={v.client_id: len(v.rows) for v in versions},
        labels={c: row.label for c, row in rows.items()},
        names=_display_names(session, [int(s) for s in caseloads]),
        options=options,
        run_kind=run_kind(run),
        started_at=run.started_at.isoformat(),
        over_capacity=over_capacity,
    )
    for d in digests:
        body = digest_to_dict(d)
        summary = summary_of(body, top_n=top_n)
        session.add(
            RematchDigest(
                run_id=run.id,
                specialist_id=int(d.specialist_id),
                body=body,
                markdown=summary_to_markdown(summary),
                csv=summary_to_csv(summary),
            )
        )
    session.flush()
    return len(digests)


def _display_names(session: Session, ids: list[int]) -> dict[str, str]:
    """Specialist id -> the name a digest's title gives them."""
    users = list(session.scalars(select(User).where(User.id.in_(ids))))
    return {str(u.id): display_name(u) for u in users}


def _options(
    session: Session, matcher: Matcher, clients: list[Client], *, k: int
) -> dict[str, dict[str, Any]]:
    """For clients left with fewer than k suggestions: exclusion counts, nearest misses, what would
    open more."""
    if not clients:
        return {}
    blocked = {c.id: store.decisions.blocked_opening_ids(session, client_id=c.id) for c in clients}
    return options_of(matcher, clients, blocked=blocked, k=k)


def options_of(
    matcher: Matcher, clients: Sequence[Client], *, blocked: Mapping[str, Collection[str]], k: int
) -> dict[str, dict[str, Any]]:
    """The engine's part of :func:`_options` (``matcher.rematch.options.options_of``), by blocks
    of :data:`CHUNK_SIZE` clients: a run's chunks give the same for their clients left short."""
    return chunk_options.options_of(matcher, clients, blocked=blocked, k=k, chunk_size=CHUNK_SIZE)


def _entries(rows: list[dict[str, Any]], primary: str | None) -> tuple[Entry, ...]:
    return tuple(
        Entry(r["opening_id"], int(r["rank"]), float(r["score"]), r["opening_id"] == primary) for r in rows
    )
