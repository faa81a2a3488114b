"""The pure nightly re-match: records in, every client's top-k and a run record out.

The steps, in run order (a database runner calls them one by one and
commits each chunk with its progress):

1. :func:`load_inputs` - validate raw records; bad or duplicate ones are skipped with reasons.
2. :func:`fit_matcher` - index the openings once (``assembly.build_matcher``, memoised
   vocabulary look-ups).
3. ``ScoringContext.from_matcher`` and ``candidates.plan_chunks`` - what workers need, and
   a deterministic plan of spatially coherent chunks of client ids.
4. :func:`make_tasks` and :func:`score_chunks` - score chunks in process, in local
   processes (forked or spawned, as many as pay off: :func:`forked_jobs`,
   :func:`effective_jobs`) or on Dask, yielding each :class:`ChunkResult` as it finishes.
5. ``congestion.assign_primaries`` - spread primary suggestions by positions.

:func:`run_rematch` chains them for one process (the ``matcher rematch`` command).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.assembly import OpeningEnricher, build_matcher
from matcher.commute import TravelTimes
from matcher.config import MatcherConfig
from matcher.occupations import OccupationStore
from matcher.pipeline import ENGINE_VERSION, Matcher
from matcher.records import load_clients, load_openings
from matcher.rematch import congestion, executors
from matcher.rematch.cache import caching_vocabulary, distinct_text_model
from matcher.rematch.candidates import plan_chunks
from matcher.rematch.chunks import ChunkResult
from matcher.rematch.context import DEFAULT_MAX_PAIRS, ScoringContext
from matcher.rematch.executors import ChunkTask
from matcher.rematch.options import options_of
from matcher.rematch.progress import Progress, ProgressCallback
from matcher.rematch.summary import RunSummary, Skipped
from matcher.rows import empty_rows
from matcher.types import Client, Opening
from matcher.vocab import Vocabulary, load_vocabulary

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inputs:
    """Validated clients and openings, and the records skipped on the way."""

    clients: list[Client]
    openings: list[Opening]
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0  # spent validating


# Below this many client x opening pairs a run is faster in one process than with spawned
# workers (see effective_jobs) ...
PARALLEL_MIN_PAIRS = 1_000_000_000
# ... and below this many, not worth forking workers for (see forked_jobs).
FORK_MIN_PAIRS = 10_000_000


@dataclass(frozen=True)
class RematchOptions:
    """How a run is executed (none of these change any score).

    ``n_jobs`` local processes (1: in this process), or a Dask ``scheduler``
    address; ``chunk_size`` clients per chunk (the unit a database runner
    commits); ``max_pairs`` bounds pairs scored at once per worker (memory);
    ``congestion_factor`` (overbooking): an opening may be the primary suggestion of at
    most ``ceil(positions * factor)`` clients, besides the counted exceptions (see
    ``congestion``; ``None``: no spreading);
    ``congestion_max_loss``: a primary is never more than this many points
    below the client's best suggestion;
    ``options``: each chunk also gives what would open more options for its clients left with
    fewer than k suggestions (``matcher.rematch.options``: the nightly digest's part, in the workers).
    """

    k: int = 10
    chunk_size: int = 256
    n_jobs: int = 1
    scheduler: str | None = None
    max_pairs: int = DEFAULT_MAX_PAIRS
    prefilter: bool = True
    congestion_factor: float | None = congestion.DEFAULT_OVERBOOKING
    congestion_max_loss: float | None = congestion.DEFAULT_MAX_LOSS
    timeout: float | None = None
    options: bool = False


@dataclass(frozen=True)
class RematchResult:
    """Every client's top-k rows, per-opening load and the run record.

    ``rows``: client_id, rank (by the client's own scores), opening_id,
    score, contrib_* and ``primary`` (the suggestion to lead with after
    congestion spreading). ``client_ids``: every client scored, each owed one
    new shortlist (possibly empty). ``load``: per opening, positions,
    shortlists it appears in and primaries. ``options``: with ``RematchOptions(options=True)``,
    per client left with fewer than k suggestions, what would open more options (else empty).
    """

    rows: pd.DataFrame
    client_ids: tuple[str, ...]
    load: pd.DataFrame
    summary: RunSummary
    context: ScoringContext = field(repr=False)  # the fitted engine, for re-checks after the run
    options: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_inputs(
    raw_clients: Iterable[Mapping[str, Any]],
    raw_openings: Iterable[Mapping[str, Any]],
    *,
    vocab: Vocabulary | None = None,
) -> Inputs:
    """Validate raw records; invalid and duplicate-id records are skipped with their reason.

    Parameters
    ----------
    raw_clients, raw_openings : iterables of dict
        Records as ``matcher.records`` reads them.
    vocab : Vocabulary, optional

    Returns
    -------
    Inputs
    """
    t0 = time.perf_counter()
    vocab = vocab or load_vocabulary()
    clients, client_errors = load_clients(raw_clients, vocab)
    openings, opening_errors = load_openings(raw_openings, vocab)
    skipped = [Skipped.from_error("client", e) for e in client_errors]
    skipped += [Skipped.from_error("opening", e) for e in opening_errors]
    clients, dup_c = _first_of_each(clients, "client")
    openings, dup_o = _first_of_each(openings, "opening")
    for s in (*skipped, *dup_c, *dup_o):
        _log.warning("skipped %s %s: field %s: %s", s.kind, s.id, s.field, s.reason)
    return Inputs(clients, openings, [*skipped, *dup_c, *dup_o], time.perf_counter() - t0)


def _first_of_each(records: list[Any], kind: str) -> tuple[list[Any], list[Skipped]]:
    seen: set[str] = set()
    kept, dups = [], []
    for r in records:
        if r.id in seen:
            dups.append(Skipped(kind, r.id, "id", "duplicate id (the first record with it is used)"))
        else:
            seen.add(r.id)
            kept.append(r)
    return kept, dups


def fit_matcher(
    openings: Sequence[Opening],
    *,
    as_of: dt.date,
    config: MatcherConfig | None = None,
    text_model: TfidfVectorizer | None = None,
    vocab: Vocabulary | None = None,
    occupations: OccupationStore | OpeningEnricher | None = None,
    travel_times: TravelTimes | None = None,
) -> Matcher:
    """``assembly.build_matcher`` with memoised phrase look-ups and texts (same index, built faster)."""
    cached = caching_vocabulary(vocab or load_vocabulary())
    return build_matcher(
        openings,
        as_of=as_of,
        config=config,
        vocabulary=cached,
        text_model=None if text_model is None else distinct_text_model(text_model),
        occupations=occupations,
        travel_times=travel_times,
    )


def make_tasks(
    clients: Sequence[Client],
    plan: Sequence[Sequence[str]],
    *,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
) -> list[ChunkTask]:
    """One task per planned chunk, carrying only that chunk's rejections and router rows."""
    by_id = {c.id: c for c in clients}
    tasks = []
    for number, ids in enumerate(plan):
        chunk_blocked = {i: blocked[i] for i in ids if i in blocked} if blocked else None
        chunk_times = None
        if travel_times is not None:
            frame = travel_times.frame
            part = frame[frame["client_id"].isin(set(ids))]
            chunk_times = travel_times.with_frame(part) if len(part) or travel_times.router else None
        tasks.append(ChunkTask(number, tuple(by_id[i] for i in ids), chunk_blocked or None, chunk_times))
    return tasks


def score_chunks(
    context: ScoringContext,
    tasks: Sequence[ChunkTask],
    *,
    options: RematchOptions,
    client: Any = None,
    since: executors.CpuSample | None = None,
) -> Iterator[ChunkResult]:
    """Run tasks on the configured backend, yielding results as chunks finish (any order).

    ``since``: a CPU sample taken earlier in the run, to tell how busy the
    machine is (see :func:`forked_jobs`); without it the machine is sampled for 0.1 s.
    """
    if options.scheduler is not None or client is not None:
        return executors.run_dask(
            context, tasks, scheduler=options.scheduler, client=client, timeout=options.timeout
        )
    n_openings = len(context.index.ids)
    n_jobs = effective_jobs(options.n_jobs, tasks, n_openings)
    if n_jobs > 1:
        _log.info("scoring %d chunks in %d spawned workers (%d asked)", len(tasks), n_jobs, options.n_jobs)
        return executors.run_local(context, tasks, n_jobs=n_jobs)
    n_jobs = forked_jobs(options.n_jobs, tasks, n_openings, since=since)
    if n_jobs > 1:
        _log.info("scoring %d chunks in %d forked workers (%d asked)", len(tasks), n_jobs, options.n_jobs)
        return executors.run_forked(context, tasks, n_jobs=n_jobs)
    _log.info("scoring %d chunks in this process (%d asked)", len(tasks), options.n_jobs)
    # In one process the options cost less for all the run's short lists at once, after the
    # chunks (fewer, fuller blocks: see :func:`options_after`) than chunk by chunk.
    return executors.run_serial(dataclasses.replace(context, matcher=None), tasks)


def effective_jobs(requested: int, tasks: Sequence[ChunkTask], n_openings: int) -> int:
    """Spawned worker processes a run uses: ``requested`` (< 1: every CPU) is an upper bound.

    A spawned worker imports the engine and loads the context (a second or
    two each, whatever the size), so a run of fewer than
    :data:`PARALLEL_MIN_PAIRS` client x opening pairs does not spawn any (it
    forks them instead, or stays in this process: :func:`forked_jobs`).
    Never more workers than chunks or CPUs.
    """
    return _jobs(requested, tasks, n_openings, PARALLEL_MIN_PAIRS)


def forked_jobs(
    requested: int,
    tasks: Sequence[ChunkTask],
    n_openings: int,
    *,
    since: executors.CpuSample | None = None,
) -> int:
    """Forked worker processes a run below :data:`PARALLEL_MIN_PAIRS` uses (1: none).

    Forking costs milliseconds, so two workers beat one on free CPUs (10k x
    10k: 1.9 s against 2.7 s; bench/README.md, "Nightly re-match"). A run a
    few seconds long gains nothing from a worker that has to share its CPU
    with other work, so there are no more workers than CPUs left free by other
    processes (``executors.others_busy`` since ``since``), rounded. Below
    :data:`FORK_MIN_PAIRS` pairs (a run well under a second: a choice, not a
    measurement), or where forking is unsafe (``executors.can_fork``), the run
    stays in this process.
    """
    n_jobs = _jobs(requested, tasks, n_openings, FORK_MIN_PAIRS)
    if n_jobs == 1 or not executors.can_fork():
        return 1
    free = (os.cpu_count() or 1) - executors.others_busy(since)
    return max(1, min(n_jobs, round(free)))


def _jobs(requested: int, tasks: Sequence[ChunkTask], n_openings: int, min_pairs: int) -> int:
    n_clients = sum(len(t.clients) for t in tasks)
    if requested == 1 or len(tasks) <= 1 or n_clients * n_openings < min_pairs:
        return 1
    cpus = executors.default_jobs()
    return max(1, min(cpus if requested < 1 else requested, len(tasks), cpus))


def run_rematch(
    inputs: Inputs,
    *,
    as_of: dt.date,
    config: MatcherConfig | None = None,
    text_model: TfidfVectorizer | None = None,
    options: RematchOptions | None = None,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    on_progress: ProgressCallback | None = None,
    dask_client: Any = None,
) -> RematchResult:
    """Re-score every client against every open opening, in chunks, with a run record.

    Parameters
    ----------
    inputs : Inputs
        From :func:`load_inputs` (its skipped records go into the summary).
    as_of : date
        Openings that expired before it are excluded.
    config : MatcherConfig, optional
    text_model : TfidfVectorizer, optional
        The trained text model (``models/text_model.joblib``); fitted on the openings if absent.
    options : RematchOptions, optional
    blocked : mapping, optional
        Client id -> opening ids their specialist rejected.
    travel_times : TravelTimes, optional
    on_chunk : callable, optional
        Called with each :class:`ChunkResult` as it finishes (a database runner commits here).
    on_progress : callable, optional
        ``on_progress(clients_done, clients_total)``.
    dask_client : distributed.Client, optional
        Run on this cluster instead of ``options.scheduler``.

    Returns
    -------
    RematchResult
    """
    with executors.frozen_heap():  # the records stay alive all run: no collection walks them
        return _run(
            inputs,
            as_of,
            config,
            text_model,
            options,
            blocked,
            travel_times,
            on_chunk,
            on_progress,
            dask_client,
        )


def _run(
    inputs: Inputs,
    as_of: dt.date,
    config: MatcherConfig | None,
    text_model: TfidfVectorizer | None,
    options: RematchOptions | None,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
    on_chunk: Callable[[ChunkResult], None] | None,
    on_progress: ProgressCallback | None,
    dask_client: Any,
) -> RematchResult:
    options = options or RematchOptions()
    since = executors.CpuSample.now()  # how busy the machine is while the index is built
    summary = RunSummary(ENGINE_VERSION, (config or MatcherConfig()).config_hash)
    summary.settings = _settings(options, dask_client)
    summary.add_time("load", inputs.seconds)
    for s in inputs.skipped:
        summary.skip(s)
    with summary.phase("index"):
        matcher = fit_matcher(inputs.openings, as_of=as_of, config=config, text_model=text_model)
        context = ScoringContext.from_matcher(
            matcher,
            k=options.k,
            max_pairs=options.max_pairs,
            prefilter=options.prefilter,
            options=options.options,
        )
    with summary.phase("plan"):
        plan = plan_chunks(inputs.clients, matcher.config.commute, chunk_size=options.chunk_size)
        tasks = make_tasks(inputs.clients, plan, blocked=blocked, travel_times=travel_times)
    with summary.phase("chunks_wall"):
        results = _collect(context, tasks, options, summary, on_chunk, on_progress, dask_client, since)
    done = sorted(results, key=lambda r: r.number)
    rows = pd.concat([r.rows for r in done if len(r.rows)] or [empty_rows()], ignore_index=True)
    client_ids = tuple(i for r in done for i in r.client_ids)
    found = {i: o for r in done for i, o in r.options.items()}
    if options.options:
        ids = set(client_ids)
        scored = [c for c in inputs.clients if c.id in ids]
        found |= options_after(matcher, scored, rows, found, blocked, options.k, summary)
    with summary.phase("congestion"):
        rows, spread = congestion.spread_primaries(
            rows, matcher.index, factor=options.congestion_factor, max_loss=options.congestion_max_loss
        )
        summary.record_congestion(spread)
        load = congestion.opening_load(rows, matcher.index)
    summary.counts.update(_counts(inputs, matcher, done, rows))
    return RematchResult(rows, client_ids, load, summary.finish(), context, found)


def options_after(
    matcher: Matcher,
    clients: Sequence[Client],
    rows: pd.DataFrame,
    found: Mapping[str, dict[str, Any]],
    blocked: Mapping[str, Collection[str]] | None,
    k: int,
    summary: RunSummary,
) -> dict[str, dict[str, Any]]:
    """What would open more options for the short lists (fewer than ``k``) no chunk answered for.

    A run in one process leaves them all to this (blocks of 48 clients in map order over the
    whole run, against 20 or so per chunk: about a fifth less CPU at 10k x 10k); a run in
    workers answers them in its chunks, beside the other chunks. The same answers either way.
    """
    t0, cpu0 = time.perf_counter(), time.process_time()
    listed = rows["client_id"].value_counts().to_dict() if len(rows) else {}
    todo = [c for c in clients if listed.get(c.id, 0) < k and c.id not in found]  # short lists
    mine = {c.id: tuple(blocked.get(c.id, ())) if blocked else () for c in todo}
    out = options_of(matcher, todo, blocked=mine, k=k)
    summary.add_time("options", time.perf_counter() - t0)
    summary.add_time("options_cpu", time.process_time() - cpu0)
    return out


def _collect(
    context: ScoringContext,
    tasks: list[ChunkTask],
    options: RematchOptions,
    summary: RunSummary,
    on_chunk: Callable[[ChunkResult], None] | None,
    on_progress: ProgressCallback | None,
    dask_client: Any,
    since: executors.CpuSample | None,
) -> list[ChunkResult]:
    total = sum(len(t.clients) for t in tasks)
    out = []
    with Progress(total, callback=on_progress) as progress:
        for result in score_chunks(context, tasks, options=options, client=dask_client, since=since):
            for phase, seconds in result.timings.items():
                summary.add_time(phase, seconds)
            for s in result.skipped:
                summary.skip(s)
            if on_chunk is not None:
                on_chunk(result)
            out.append(result)
            progress.update(len(result.client_ids) + len(result.skipped))
    return out


def _settings(options: RematchOptions, dask_client: Any) -> dict[str, Any]:
    backend = (
        "dask"
        if (options.scheduler or dask_client is not None)
        else ("serial" if options.n_jobs == 1 else "loky")
    )
    return {
        "k": options.k,
        "chunk_size": options.chunk_size,
        "n_jobs": options.n_jobs,
        "backend": backend,
        "max_pairs": options.max_pairs,
        "prefilter": options.prefilter,
        "congestion_factor": options.congestion_factor,
        "congestion_max_loss": options.congestion_max_loss,
    }


def _counts(inputs: Inputs, matcher: Matcher, done: list[ChunkResult], rows: pd.DataFrame) -> dict[str, int]:
    index = matcher.index
    return {
        "clients": len(inputs.clients),
        "openings": len(inputs.openings),
        "openings_open": int((index.is_open & ~index.expired).sum()),
        "chunks": len(done),
        "pairs_total": len(inputs.clients) * len(inputs.openings),
        "pairs_within_reach": sum(r.n_candidates for r in done),
        "pairs_scored": sum(r.n_pairs for r in done),
        "pairs_feasible": sum(r.n_feasible for r in done),
        "suggestions": len(rows),
        "clients_without_suggestions": len({i for r in done for i in r.client_ids} - set(rows["client_id"])),
    }
