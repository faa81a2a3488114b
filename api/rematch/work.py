"""Working a re-match run's pending chunks: fit once, score through ``matcher.rematch``, commit each.

Each scored chunk is committed by :func:`api.rematch.store.commit_chunk` in
its own transaction (versions, audit records, done flag, progress).
``kill_after`` is a test hook: the process SIGKILLs itself inside the
transaction of the chunk after that many commits (rows flushed, not
committed), which is the worst moment to die.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api import benefits, store, travel
from api.inferred import engine_client
from api.models import Client as ClientRow
from api.models import ClientStatus
from api.rematch import store as rematch_store
from api.rematch.models import RematchChunk, RematchRun
from matcher.assembly import trained_text_model
from matcher.canonical import Legacy, matches
from matcher.commute import TravelTimes
from matcher.occupations import OccupationStore
from matcher.pipeline import ENGINE_VERSION, Matcher
from matcher.rematch.chunks import ChunkResult
from matcher.rematch.context import ScoringContext
from matcher.rematch.executors import ChunkTask
from matcher.rematch.progress import Progress
from matcher.rematch.rescore import RematchOptions, fit_matcher, load_inputs, score_chunks
from matcher.rematch.summary import Skipped
from matcher.rows import empty_rows

_log = logging.getLogger(__name__)


def fit(
    factory: sessionmaker[Session],
    run: RematchRun,
    *,
    occupations: OccupationStore | None = None,
    travel_times: TravelTimes | None = None,
) -> tuple[Matcher, dict[str, dict[str, Any]], dict[str, float]]:
    t0 = time.perf_counter()
    with factory() as session:
        config = benefits.config_for(session, store.config.current(session), run.as_of)
        rows = sorted(store.openings.matchable(session, as_of=run.as_of), key=lambda o: o.id)
    if not matches(run.config_hash, config.to_dict(), legacy=Legacy.CONFIG):  # a run planned before RFC 8785
        _log.warning("run %d: program configuration changed since the run started", run.id)
    inputs = load_inputs([], [o.record for o in rows])
    valid = {o.id for o in inputs.openings}
    records = {o.id: o.record for o in rows if o.id in valid}
    text_model, _ = trained_text_model()
    # enriched from the store like interactive shortlists: the same inferred demands and skills
    matcher = fit_matcher(
        inputs.openings,
        as_of=run.as_of,
        config=config,
        text_model=text_model,
        occupations=occupations,
        travel_times=travel_times,
    )
    return matcher, records, {"index": time.perf_counter() - t0}


def _tasks(
    factory: sessionmaker[Session], chunks: list[RematchChunk], occupations: OccupationStore | None
) -> tuple[list[ChunkTask], dict[str, ClientRow], dict[int, list[Skipped]], set[str]]:
    """Current records of each chunk's clients; a client no longer valid or active is skipped.

    The last item: the clients the engine sees as their stored record (no strengths inferred
    or removed), whose chunk options are the digest's (it reads the stored records).
    """
    tasks, rows, skipped, plain = [], {}, {}, set()
    with factory() as session:
        for chunk in chunks:
            found = store.clients.get_clients(session, ids=chunk.client_ids)
            active = {c.id: c for c in found if c.status == ClientStatus.ACTIVE.value}
            inputs = load_inputs([active[i].record for i in chunk.client_ids if i in active], [])
            # strengths inferred from past jobs, minus those the specialist removed, as interactively
            clients = [
                engine_client(session, occupations=occupations, client_row=active[c.id])
                for c in inputs.clients
            ]
            gone = [
                Skipped("client", i, "status", "no longer active")
                for i in chunk.client_ids
                if i not in active
            ]
            plain |= {e.id for c, e in zip(inputs.clients, clients, strict=True) if c == e}
            skipped[chunk.number] = [*gone, *inputs.skipped]
            blocked = {c.id: store.decisions.blocked_opening_ids(session, client_id=c.id) for c in clients}
            rows.update(active)
            tasks.append(ChunkTask(chunk.number, tuple(clients), {k: v for k, v in blocked.items() if v}))
    return tasks, rows, skipped, plain


def work_chunks(
    factory: sessionmaker[Session],
    run: RematchRun,
    matcher: Matcher,
    records: dict[str, dict[str, Any]],
    chunks: list[RematchChunk],
    options: RematchOptions,
    timings: dict[str, float],
    kill_after: int | None = None,
    occupations: OccupationStore | None = None,
    options_out: dict[str, dict[str, Any]] | None = None,
) -> int:
    """Score and commit ``chunks``; the number this process committed.

    With ``options_out`` each chunk also gives what would open more options for its clients
    left with no suggestion (in the worker that scored it), gathered there by client id for
    :func:`api.rematch.finish.finish_run`; only those of clients the engine sees as their
    stored record (the digest's input), the others are left to the finish step.
    """
    tasks, client_rows, skipped, plain = _tasks(factory, chunks, occupations)
    committed = [0]

    def hook(number: int) -> None:
        if kill_after is not None and committed[0] >= kill_after:
            _log.warning("test hook: killing this process inside chunk %d's transaction", number)
            os.kill(os.getpid(), signal.SIGKILL)

    # which timetables gave the transit minutes, as an interactive shortlist's record says
    feeds = travel.feed_versions(getattr(matcher, "travel_times", None))
    write = rematch_store.ChunkWrite(
        run,
        client_rows,
        records,
        ENGINE_VERSION,
        travel.config_hash(matcher.config.config_hash, feeds),
        feeds=feeds,
        before_commit=hook,
    )
    context = ScoringContext.from_matcher(matcher, k=run.k, options=options_out is not None)
    with Progress(sum(len(c.client_ids) for c in chunks), desc=f"rematch run {run.id}") as progress:
        for result in _results(context, tasks, options):
            for phase, seconds in result.timings.items():
                timings[phase] = timings.get(phase, 0.0) + seconds
            t0 = time.perf_counter()
            with factory() as session:
                done = rematch_store.commit_chunk(
                    session,
                    write,
                    number=result.number,
                    client_ids=result.client_ids,
                    rows=result.rows,
                    skipped=[*skipped[result.number], *result.skipped],
                )
            timings["commit"] = timings.get("commit", 0.0) + time.perf_counter() - t0
            if options_out is not None:
                options_out.update((i, o) for i, o in result.options.items() if i in plain)
            committed[0] += done
            progress.update(len(result.client_ids) + len(skipped[result.number]) + len(result.skipped))
    return committed[0]


def _results(
    context: ScoringContext, tasks: list[ChunkTask], options: RematchOptions
) -> Iterator[ChunkResult]:
    """Scored chunks; a chunk left with no valid client is committed empty."""
    for task in tasks:
        if not task.clients:
            yield ChunkResult(task.number, (), empty_rows())
    scored = [t for t in tasks if t.clients]
    if scored:
        yield from score_chunks(context, scored, options=options)
