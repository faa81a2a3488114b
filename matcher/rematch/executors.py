"""Where chunks run: in process, in forked or spawned local processes, or on a Dask cluster.

Forked workers (:func:`run_forked`, Linux) start in milliseconds as copies of
this process, the context and tasks already in memory (copy-on-write), so
only results travel; that is what makes two workers pay off on a run of a few
seconds. Spawned loky workers (:func:`run_local`) start clean and import the
engine (about a second each), then load the context from a joblib file (numpy
arrays memory-mapped, so workers share one copy) and keep it for the life of
the process: for long runs, where that start-up is noise and a lean worker
keeps memory down. Dask scatters the context to every worker
(``broadcast=True``), so a lost worker loses no data and the scheduler simply
reruns its tasks elsewhere. Results arrive as chunks finish, in any order.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import threadpoolctl

from matcher.commute import TravelTimes
from matcher.rematch.chunks import ChunkResult, score_chunk
from matcher.rematch.context import ScoringContext
from matcher.types import Client

_log = logging.getLogger(__name__)

_LOADED: dict[str, ScoringContext] = {}  # per worker process: context file -> context
# What forked workers inherit: set in this process just before they are forked.
_INHERITED: tuple[ScoringContext, Sequence[ChunkTask]] | None = None


@dataclass(frozen=True)
class ChunkTask:
    """One chunk's inputs: its number, clients, rejections and router minutes for them."""

    number: int
    clients: tuple[Client, ...]
    blocked: Mapping[str, Collection[str]] | None = None
    travel_times: TravelTimes | None = None


def run_task(context: ScoringContext | str, task: ChunkTask) -> ChunkResult:
    """Score one task; ``context`` may be a context file written by :func:`context_file`."""
    if isinstance(context, str):
        if context not in _LOADED:
            _LOADED.clear()  # one run at a time per worker
            _LOADED[context] = joblib.load(context, mmap_mode="r")
        context = _LOADED[context]
    return score_chunk(
        context, task.clients, number=task.number, blocked=task.blocked, travel_times=task.travel_times
    )


@contextmanager
def context_file(context: ScoringContext) -> Iterator[str]:
    """Write the context once for local worker processes; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="rematch-") as tmp:
        path = str(Path(tmp) / f"context-{uuid.uuid4().hex}.joblib")
        joblib.dump(context, path)
        yield path


def run_serial(context: ScoringContext, tasks: Sequence[ChunkTask]) -> Iterator[ChunkResult]:
    """In this process, in order."""
    for task in tasks:
        yield run_task(context, task)


def run_local(context: ScoringContext, tasks: Sequence[ChunkTask], *, n_jobs: int) -> Iterator[ChunkResult]:
    """In ``n_jobs`` local worker processes (joblib's loky backend), as chunks finish."""
    with context_file(context) as path:
        parallel = joblib.Parallel(n_jobs=n_jobs, backend="loky", return_as="generator_unordered")
        yield from parallel(joblib.delayed(run_task)(path, task) for task in tasks)


_freezes = 0  # frozen_heap blocks open in this process


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects alive now out of garbage collection until the block ends.

    A run keeps every record, the index and the vocabularies alive: a full
    collection walks them all (about 0.5 s of a 2-3 s run at 10k x 10k) and, in
    a forked worker, writes to every page holding them, copying memory it
    shares with its parent. Newer objects are collected as usual. Blocks nest;
    if someone else has frozen objects (``gc.freeze``), nothing is changed.
    """
    global _freezes
    if _freezes == 0 and gc.get_freeze_count():
        yield
        return
    gc.freeze()
    _freezes += 1
    try:
        yield
    finally:
        _freezes -= 1
        if _freezes == 0:
            gc.unfreeze()


def can_fork() -> bool:
    """Whether :func:`run_forked` is safe here: Linux, called from the main thread.

    A run started from another thread (the service's background runner) may
    share the process with threads holding locks; it uses spawned workers.
    """
    return sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()


def _one_thread_each() -> None:
    """A forked worker keeps its parent's BLAS/OpenMP thread pools; one thread per worker
    (as loky gives its workers) keeps workers from oversubscribing the CPUs."""
    threadpoolctl.threadpool_limits(1)


def _run_inherited(number: int) -> ChunkResult:
    assert _INHERITED is not None, "run in a worker forked by run_forked"
    context, tasks = _INHERITED
    return run_task(context, tasks[number])


def run_forked(context: ScoringContext, tasks: Sequence[ChunkTask], *, n_jobs: int) -> Iterator[ChunkResult]:
    """In ``n_jobs`` processes forked from this one (see :func:`can_fork`), as chunks finish.

    Workers get the context and the tasks by inheritance; only task positions
    go out and results come back.
    """
    global _INHERITED
    _INHERITED = (context, tasks)
    pool = ProcessPoolExecutor(
        n_jobs, mp_context=multiprocessing.get_context("fork"), initializer=_one_thread_each
    )
    try:
        with frozen_heap():  # workers never collect (nor copy) what they inherit
            # A fork pool starts every worker at the first submit, so they all see _INHERITED.
            futures = [pool.submit(_run_inherited, i) for i in range(len(tasks))]
            _INHERITED = None
            for future in as_completed(futures):
                yield future.result()
    finally:
        _INHERITED = None
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(
    context: ScoringContext,
    tasks: Sequence[ChunkTask],
    *,
    scheduler: str | None = None,
    client: Any = None,
    timeout: float | None = None,
) -> Iterator[ChunkResult]:
    """On a Dask distributed cluster (a scheduler address, or a connected ``distributed.Client``).

    Tasks are submitted impure with run-unique keys; a worker that dies takes
    its running and stored tasks with it and the scheduler recomputes them
    on the remaining workers.
    """
    from distributed import Client, as_completed

    own = client is None
    if own:
        client = Client(scheduler, timeout=timeout or 30)  # type: ignore[no-untyped-call]
    try:
        remote = client.scatter(context, broadcast=True, hash=False)
        token = uuid.uuid4().hex[:12]
        futures = [
            client.submit(run_task, remote, task, key=f"rematch-{token}-{task.number}", pure=False)
            for task in tasks
        ]
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            yield future.result(timeout=timeout)
            future.release()
    finally:
        if own:
            client.close()


def default_jobs() -> int:
    """Usable CPUs of this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class CpuSample:
    """Busy CPU seconds of the whole machine (``/proc/stat``) and of this process, at one moment."""

    busy: float
    own: float
    at: float

    @classmethod
    def now(cls) -> CpuSample | None:
        """A sample, or None where ``/proc/stat`` is not readable (not Linux)."""
        try:
            ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        except (OSError, ValueError):
            return None
        busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait (steal counts as busy)
        own = os.times()
        return cls(busy / os.sysconf("SC_CLK_TCK"), own.user + own.system, time.monotonic())


def others_busy(since: CpuSample | None = None, *, wait: float = 0.1) -> float:
    """CPUs that other processes kept busy since ``since`` (without one: over the next ``wait`` s).

    0.0 when unknown. On a machine shared with other work, a second worker
    only helps if a second CPU is free.
    """
    if since is None:
        since = CpuSample.now()
        time.sleep(wait)
    now = CpuSample.now()
    if since is None or now is None or now.at <= since.at:
        return 0.0
    return max(now.busy - since.busy - (now.own - since.own), 0.0) / (now.at - since.at)
