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
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api import rematch_digest, rematch_store, store
from api.audit import append_event
from api.models import Client as ClientRow
from api.models import Opening as OpeningRow
from api.models import utcnow
from api.rematch_models import RematchDigest, RematchOpeningLoad, RematchRun, RunStatus, ShortlistVersion
from matcher.pipeline import Matcher
from matcher.records import client_from_record
from matcher.rematch import congestion
from matcher.types import Exclusion

_log = logging.getLogger(__name__)


def finish_run(
    factory: sessionmaker[Session],
    *,
    run_id: int,
    matcher: Matcher,
    factor: float | None,
    timings: dict[str, float],
) -> bool:
    """Finish a run whose chunks are all committed; False when it is not (yet) finishable."""
    with factory() as session, session.begin():
        run = session.get(RematchRun, run_id, with_for_update=True)
        if run is None or run.status != RunStatus.RUNNING.value:
            return False
        if rematch_store.pending_chunks(session, run_id=run_id):
            _log.warning("run %d still has chunks to do; not finishing", run_id)
            return False
        versions = rematch_store.run_versions(session, run_id=run_id)
        t0 = time.perf_counter()
        load = _assign_primaries(session, run, versions, matcher, factor)
        t1 = time.perf_counter()
        n_digests = _write_digests(session, run, versions, matcher)
        t2 = time.perf_counter()
        run.timings = _timings(run.timings, timings, congestion=t1 - t0, diff=t2 - t1)
        run.counts = run.counts | {
            "versions": len(versions),
            "suggestions": sum(len(v.rows) for v in versions),
            "skipped_in_run": len(run.errors),
            "digests": n_digests,
            "max_shortlists_per_opening": int(load["shortlists"].max()) if len(load) else 0,
        }
        run.status, run.ended_at = RunStatus.FINISHED.value, utcnow()
        run.updated_at = run.ended_at
        append_event(session, kind="rematch.finished", actor=None, payload={"run_id": run.id, **run.counts})
    _log.info("run %d finished: %s", run_id, run.counts)
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
) -> pd.DataFrame:
    """Congestion-aware primary per version, and per opening how many lists it is on."""
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
        return frame.assign(shortlists=pd.Series(dtype="int64"))
    rows = congestion.assign_primaries(frame, matcher.index, factor=factor)
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
    return load


def _write_digests(
    session: Session, run: RematchRun, versions: list[ShortlistVersion], matcher: Matcher
) -> int:
    """One digest per specialist with clients in the run: what changed since each previous version."""
    previous = rematch_store.previous_versions(session, versions=versions)
    clients = {
        c.id: c
        for c in session.scalars(select(ClientRow).where(ClientRow.id.in_([v.client_id for v in versions])))
    }
    states = {
        o.id: rematch_digest.OpeningState(o.status, o.expires) for o in session.scalars(select(OpeningRow))
    }
    by_specialist: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for v in versions:
        client = clients[v.client_id]
        by_specialist[client.specialist_id].append(
            _client_entry(session, run, v, previous.get(v.client_id), client, states, matcher)
        )
    for specialist_id, entries in sorted(by_specialist.items()):
        body = rematch_digest.digest_body(
            run_id=run.id, as_of=run.as_of, specialist_id=specialist_id, clients=entries
        )
        session.add(
            RematchDigest(
                run_id=run.id,
                specialist_id=specialist_id,
                body=body,
                markdown=rematch_digest.to_markdown(body),
                csv=rematch_digest.to_csv(body),
            )
        )
    session.flush()
    return len(by_specialist)


def _client_entry(
    session: Session,
    run: RematchRun,
    version: ShortlistVersion,
    previous: ShortlistVersion | None,
    client: ClientRow,
    states: dict[str, rematch_digest.OpeningState],
    matcher: Matcher,
) -> dict[str, Any]:
    changed = previous is not None and previous.client_hash != version.client_hash
    why = lambda opening_id: rematch_digest.gone_why(  # noqa: E731
        opening_id,
        states=states,
        as_of=run.as_of,
        client_changed=changed,
        explain=lambda o: _explain(session, matcher, client.record, o),
    )
    diff = rematch_digest.diff_client(previous.rows if previous else [], version.rows, why=why)
    lead = next((r for r in version.rows if r["opening_id"] == version.primary_opening_id), None)
    return {
        "client_id": client.id,
        "label": client.label,
        "version": version.version,
        "first_version": previous is None,
        "n_suggestions": len(version.rows),
        "primary": None
        if lead is None
        else {k: lead[k] for k in ("opening_id", "title", "employer", "rank")},
        **diff,
    }


def _explain(
    session: Session, matcher: Matcher, record: dict[str, Any], opening_id: str
) -> tuple[str, ...] | None:
    """The engine's exclusion codes for the pair now, or None when it is still a suggestion."""
    try:
        client = client_from_record(record)
        blocked = {client.id: store.decisions.rejected_opening_ids(session, client_id=client.id)}
        result = matcher.explain(client, opening_id, blocked=blocked)
    except Exception:  # noqa: BLE001 - an opening the index no longer has: call it outranked
        return None
    return result.codes if isinstance(result, Exclusion) else None
