"""All SQL of the nightly re-match: plan a run, commit a chunk, read versions, runs and digests.

Functions take a ``Session``; :func:`commit_chunk` owns its transaction
because the chunk's shortlist versions, their audit records and its done flag
must be committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit import record_recommendation
from api.models import Client as ClientRow
from api.models import utcnow
from api.rematch.models import (
    RematchChunk,
    RematchDigest,
    RematchOpeningLoad,
    RematchRun,
    RunStatus,
    ShortlistVersion,
)
from matcher.canonical import sha256_hex
from matcher.rematch.summary import Skipped
from matcher.rows import CONTRIB_COLUMNS

_log = logging.getLogger(__name__)

REMATCH_ACTOR = "rematch"


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of a record's canonical JSON (RFC 8785: key order does not matter)."""
    return sha256_hex(record)


def skipped_dict(item: Skipped) -> dict[str, str]:
    return {"kind": item.kind, "id": item.id, "field": item.field, "reason": item.reason}


def create_run(
    session: Session, *, run: RematchRun, plan: Sequence[Sequence[str]], skipped: Sequence[Skipped]
) -> RematchRun:
    """Store a new run with its planned chunks and the records skipped while loading."""
    run.errors = [skipped_dict(s) for s in skipped]
    run.progress_total = sum(len(ids) for ids in plan)
    session.add(run)
    session.flush()
    session.add_all(RematchChunk(run_id=run.id, number=n, client_ids=list(ids)) for n, ids in enumerate(plan))
    session.flush()
    return run


def get_run(session: Session, *, run_id: int, for_update: bool = False) -> RematchRun | None:
    """A run by id (``for_update``: locked for the rest of the transaction on PostgreSQL)."""
    return session.get(RematchRun, run_id, with_for_update=for_update)


def unfinished_run(session: Session) -> RematchRun | None:
    """The newest run still marked running (killed or still working), if any."""
    query = select(RematchRun).where(RematchRun.status == RunStatus.RUNNING.value)
    return session.scalar(query.order_by(RematchRun.id.desc()).limit(1))


def latest_run(session: Session) -> RematchRun | None:
    return session.scalar(select(RematchRun).order_by(RematchRun.id.desc()).limit(1))


def pending_chunks(session: Session, *, run_id: int) -> list[RematchChunk]:
    query = select(RematchChunk).where(RematchChunk.run_id == run_id, RematchChunk.done.is_(False))
    return list(session.scalars(query.order_by(RematchChunk.number)))


def rows_of(frame: pd.DataFrame, records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One client's top-k rows as stored: rank, opening, score, per-factor points, title, employer."""
    out = []
    for row in frame.sort_values("rank", kind="stable").itertuples(index=False):
        record = records.get(row.opening_id, {})
        contributions = {c.removeprefix("contrib_"): float(getattr(row, c)) for c in CONTRIB_COLUMNS}
        out.append(
            {
                "rank": int(row.rank),
                "opening_id": str(row.opening_id),
                "score": float(row.score),
                "contributions": contributions,
                "title": record.get("title", ""),
                "employer": record.get("employer", ""),
            }
        )
    return out


@dataclass(frozen=True)
class ChunkWrite:
    """What a committed chunk needs besides its scores."""

    run: RematchRun
    clients: dict[str, ClientRow]
    openings: dict[str, dict[str, Any]]
    engine_version: str
    config_hash: str  # the configuration's, or of it and the GTFS feeds (``api.travel.config_hash``)
    feeds: list[dict[str, str]] = field(default_factory=list)  # the GTFS feeds' names and hashes
    # Test hook: called inside the chunk's transaction, after its rows are flushed, before commit.
    before_commit: Callable[[int], None] | None = None


def commit_chunk(
    session: Session,
    write: ChunkWrite,
    *,
    number: int,
    client_ids: Sequence[str],
    rows: pd.DataFrame,
    skipped: Sequence[Skipped],
) -> bool:
    """Store one chunk's versions, their audit records and its done flag in ONE transaction.

    Returns False (and writes nothing) when the chunk was already committed,
    e.g. by another process working on the same run.
    """
    run_id = write.run.id
    with session.begin():
        chunk = session.scalar(
            select(RematchChunk)
            .where(RematchChunk.run_id == run_id, RematchChunk.number == number)
            .with_for_update()
        )
        if chunk is None or chunk.done:
            return False
        query = (
            select(ShortlistVersion.client_id, func.max(ShortlistVersion.version))
            .where(ShortlistVersion.client_id.in_(list(client_ids)))
            .group_by(ShortlistVersion.client_id)
        )
        previous: dict[str, int] = {c: int(v) for c, v in session.execute(query)}
        by_client = dict(tuple(rows.groupby("client_id"))) if len(rows) else {}
        for client_id in client_ids:
            frame = by_client.get(client_id, rows.iloc[0:0])
            _store_version(
                session, write, client_id, rows_of(frame, write.openings), previous.get(client_id, 0)
            )
        if write.before_commit is not None:
            write.before_commit(number)
        chunk.done, chunk.done_at = True, utcnow()
        run = session.get(RematchRun, run_id, with_for_update=True)
        assert run is not None
        run.progress_done += len(client_ids) + len(skipped)
        run.errors = [*run.errors, *(skipped_dict(s) for s in skipped)]
        run.updated_at = utcnow()
    return True


def _store_version(
    session: Session, write: ChunkWrite, client_id: str, rows: list[dict[str, Any]], previous: int
) -> None:
    run, client = write.run, write.clients[client_id]
    body = {
        "run_id": run.id,
        "as_of": run.as_of.isoformat(),
        "k": run.k,
        "version": previous + 1,
        "openings_hash": run.openings_hash,
        "n_openings": len(write.openings),
        "suggestions": rows,
        "travel": {"gtfs_feeds": write.feeds},
    }
    # Snapshot the openings on the list (a nightly run over every opening would otherwise copy
    # the whole pool per client); the pool as a whole is identified by ``openings_hash``.
    snapshots = [write.openings[r["opening_id"]] for r in rows]
    record = record_recommendation(
        session,
        actor=REMATCH_ACTOR,
        client_snapshot=client.record,
        opening_snapshots=snapshots,
        shortlist=body,
        engine_version=write.engine_version,
        config_hash=write.config_hash,
        kind="rematch",
    )
    session.add(
        ShortlistVersion(
            client_id=client_id,
            run_id=run.id,
            version=previous + 1,
            rows=rows,
            recommendation_id=record.id,
            client_hash=record_hash(client.record),
        )
    )
    session.flush()


def run_versions(session: Session, *, run_id: int) -> list[ShortlistVersion]:
    query = select(ShortlistVersion).where(ShortlistVersion.run_id == run_id)
    return list(session.scalars(query.order_by(ShortlistVersion.client_id)))


def previous_versions(
    session: Session, *, versions: Sequence[ShortlistVersion]
) -> dict[str, ShortlistVersion]:
    """Each client's version just before the given one (clients with no earlier version are absent)."""
    out: dict[str, ShortlistVersion] = {}
    wanted = {(v.client_id, v.version - 1) for v in versions if v.version > 1}
    ids = sorted({c for c, _ in wanted})
    for start in range(0, len(ids), 500):
        query = select(ShortlistVersion).where(ShortlistVersion.client_id.in_(ids[start : start + 500]))
        for row in session.scalars(query):
            if (row.client_id, row.version) in wanted:
                out[row.client_id] = row
    return out


def previous_run_date(session: Session, *, run_id: int) -> dt.date | None:
    """``as_of`` of the newest finished run before ``run_id`` (openings posted since are "new")."""
    query = select(RematchRun.as_of).where(
        RematchRun.id < run_id, RematchRun.status == RunStatus.FINISHED.value
    )
    return session.scalar(query.order_by(RematchRun.id.desc()).limit(1))


def latest_digest(session: Session, *, specialist_id: int) -> RematchDigest | None:
    """The specialist's digest from the newest finished run that has one."""
    query = (
        select(RematchDigest)
        .join(RematchRun, RematchRun.id == RematchDigest.run_id)
        .where(RematchDigest.specialist_id == specialist_id, RematchRun.status == RunStatus.FINISHED.value)
        .order_by(RematchDigest.run_id.desc())
        .limit(1)
    )
    return session.scalar(query)


def other_list_counts(session: Session, *, client_id: str, opening_ids: Sequence[str]) -> dict[str, int]:
    """Per opening, how many *other* clients have it on their latest nightly list (0 if no run yet)."""
    run_id = session.scalar(
        select(RematchRun.id)
        .where(RematchRun.status == RunStatus.FINISHED.value)
        .order_by(RematchRun.id.desc())
    )
    if run_id is None or not opening_ids:
        return {}
    query = select(RematchOpeningLoad.opening_id, RematchOpeningLoad.shortlists).where(
        RematchOpeningLoad.run_id == run_id, RematchOpeningLoad.opening_id.in_(list(opening_ids))
    )
    counts = {o: int(n) for o, n in session.execute(query)}
    mine = session.scalar(
        select(ShortlistVersion).where(
            ShortlistVersion.run_id == run_id, ShortlistVersion.client_id == client_id
        )
    )
    for row in mine.rows if mine is not None else []:
        if row["opening_id"] in counts:
            counts[row["opening_id"]] -= 1
    return counts


def is_stale(run: RematchRun, *, seconds: float) -> bool:
    """True when a running run has not committed anything for ``seconds`` (its process died)."""
    return (utcnow() - run.updated_at) > dt.timedelta(seconds=seconds)


def caseload_ids(session: Session, *, specialist_id: int) -> set[str]:
    """Ids of the clients the specialist carries now (a digest names no one else)."""
    return set(session.scalars(select(ClientRow.id).where(ClientRow.specialist_id == specialist_id)))


def caseload_labels(session: Session, *, specialist_id: int) -> dict[str, str]:
    """The clients the specialist carries now, id -> the label they know each by."""
    query = select(ClientRow.id, ClientRow.label).where(ClientRow.specialist_id == specialist_id)
    return {str(i): str(label) for i, label in session.execute(query)}


def _finished_digests(specialist_id: int) -> Any:
    return (
        select(RematchDigest, RematchRun)
        .join(RematchRun, RematchRun.id == RematchDigest.run_id)
        .where(RematchDigest.specialist_id == specialist_id, RematchRun.status == RunStatus.FINISHED.value)
    )


def specialist_digests(
    session: Session, *, specialist_id: int, limit: int, offset: int
) -> tuple[int, list[tuple[RematchDigest, RematchRun]]]:
    """One page of the specialist's digests with their runs, newest run first, and how many in all."""
    total = session.scalar(
        select(func.count())
        .select_from(RematchDigest)
        .join(RematchRun, RematchRun.id == RematchDigest.run_id)
        .where(RematchDigest.specialist_id == specialist_id, RematchRun.status == RunStatus.FINISHED.value)
    )
    query = _finished_digests(specialist_id).order_by(RematchDigest.run_id.desc()).limit(limit).offset(offset)
    return int(total or 0), [(d, r) for d, r in session.execute(query)]


def specialist_digest(
    session: Session, *, specialist_id: int, run_id: int | None = None
) -> tuple[RematchDigest, RematchRun] | None:
    """The specialist's digest of run ``run_id`` (None: the newest), with its run; None if it has none."""
    query = _finished_digests(specialist_id)
    if run_id is not None:
        query = query.where(RematchDigest.run_id == run_id)
    row = session.execute(query.order_by(RematchDigest.run_id.desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else None
