"""Nightly re-match benchmark (``python -m bench.rematch``): wall time, throughput, peak memory.

For seeded generated caseloads over 8 metro areas (10k x 10k and 100k x 100k
by default), prints the run's phases from ``RunSummary`` (single machine, at
most ``--n-jobs`` local processes: the run picks how many), its wall and CPU
time (this process and its workers), how many CPUs other processes kept busy
meanwhile (the machine may be shared), its peak memory (RSS and PSS summed
over this process and its workers, sampled), and the naive matcher
(``bench.naive``: pandas cross join + row-wise apply) on a subsample,
extrapolated, so the speed-up is a ratio from one run. The sizes in
``--serial-sizes`` are also run in one process, to check that the workers
the run picked were not slower. Ends with PASS/FAIL lines; speed is
reported here, never asserted in tests.

``--profile`` runs a few chunks of the largest size under cProfile instead;
``--profile-options`` the digest's "what would open more options" for the clients a
10k run leaves with fewer than 10 suggestions, its CPU split by stage.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import resource
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
from sklearn.feature_extraction.text import TfidfVectorizer

from api.rematch.finish import options_of
from bench import naive
from bench.common import SEED, load_average, machine
from matcher import demo
from matcher.assembly import trained_text_model
from matcher.rematch.candidates import plan_chunks
from matcher.rematch.context import ScoringContext
from matcher.rematch.executors import CpuSample, frozen_heap, run_task
from matcher.rematch.rescore import (
    Inputs,
    RematchOptions,
    RematchResult,
    fit_matcher,
    load_inputs,
    make_tasks,
    run_rematch,
)
from matcher.types import Client

_log = logging.getLogger(__name__)

WALL_TARGET_S = 300.0  # 100k x 100k
RSS_TARGET_MIB = 4096.0
SPEEDUP_TARGET = 1000.0
MIB = 1024.0 * 1024.0
OPTIONS_TARGET = 0.10  # what would open more options adds at most 10 % to the nightly run (issue 13)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class MemorySampler:
    """Peak of the summed RSS and PSS of this process and all its children, sampled every ``every`` s."""

    def __init__(self, every: float = 0.25) -> None:
        self.every, self.peak_rss, self.peak_pss = every, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        rss = pss = 0.0
        for p in [me, *me.children(recursive=True)]:
            try:
                info = p.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss / MIB), max(self.peak_pss, pss / MIB)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    @contextmanager
    def running(self) -> Iterator[MemorySampler]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            self._sample()


class WorkerLog(logging.Handler):
    """Remembers how the run said it scored its chunks (``rescore.score_chunks`` logs it)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("scoring "):
            self.messages.append(record.getMessage().removeprefix("scoring "))

    @contextmanager
    def attached(self) -> Iterator[WorkerLog]:
        log = logging.getLogger("matcher.rematch.rescore")
        level, propagate = log.level, log.propagate
        log.addHandler(self)
        log.setLevel(logging.INFO)
        log.propagate = False
        try:
            yield self
        finally:
            log.removeHandler(self)
            log.setLevel(level)
            log.propagate = propagate


def cpu_seconds() -> float:
    """User + system CPU seconds of this process, its finished workers and its live ones.

    Spawned (loky) workers outlive a run, so their time is read from them; forked
    ones have ended and been waited for (``RUSAGE_CHILDREN``).
    """
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    live = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        live += times.user + times.system
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime + live


@dataclass(frozen=True)
class Figures:
    """One size's results."""

    n: int
    generate_s: float
    validate_s: float
    wall_s: float
    cpu_s: float
    others_busy: float  # CPUs other processes kept busy during the run
    workers: str  # how the run scored its chunks
    pairs_total: int
    pairs_scored: int
    peak_rss_mib: float
    peak_pss_mib: float
    serial_wall_s: float | None = None  # the same run in one process (``--serial-sizes``)
    options_s: float | None = None  # the run with the options inside its chunks, wall (``--options``)
    options_cpu_s: float | None = None  # ... the options' own CPU in it, summed over processes


def _inputs(seed: int, n: int, metros: int) -> tuple[Inputs, float]:
    t0 = time.perf_counter()
    raw_clients, raw_openings = demo.generate(seed, n_clients=n, n_openings=n, metros=metros)
    generate_s = time.perf_counter() - t0
    return load_inputs(raw_clients, raw_openings), generate_s


def _others_busy(before: CpuSample | None, after: CpuSample | None, cpu_s: float) -> float:
    """CPUs kept busy by other processes between two samples (this run's own CPU taken out)."""
    if before is None or after is None or after.at <= before.at:
        return float("nan")
    return max(after.busy - before.busy - cpu_s, 0.0) / (after.at - before.at)


def measure(n: int, args: argparse.Namespace, text_model: TfidfVectorizer | None) -> Figures:
    """Generate, validate and re-match an n x n caseload; print its figures."""
    inputs, generate_s = _inputs(args.seed, n, args.metros)
    options = RematchOptions(n_jobs=args.n_jobs, chunk_size=args.chunk_size)
    load = load_average()
    with MemorySampler().running() as mem, WorkerLog().attached() as how:
        before, cpu0 = CpuSample.now(), cpu_seconds()
        result = run_rematch(inputs, as_of=demo.DEMO_AS_OF, text_model=text_model, options=options)
        cpu_s = cpu_seconds() - cpu0
        others = _others_busy(before, CpuSample.now(), cpu_s)
    s = result.summary
    c, t = s.counts, s.timings
    workers = "; ".join(how.messages) or "?"
    _out(
        f"\n{n:,} clients x {n:,} openings ({args.metros} metro areas), n_jobs<={args.n_jobs}, "
        f"chunk_size={args.chunk_size}, load average {load}"
    )
    _out(
        f"  generate {generate_s:.1f} s, validate records {inputs.seconds:.1f} s (not in the run's wall time)"
    )
    _out(
        f"  run wall time {s.wall_seconds:.2f} s, CPU time {cpu_s:.2f} s (this process + workers); "
        f"other processes kept {others:.2f} of {os.cpu_count()} CPUs busy meanwhile"
    )
    _out(f"  chunks: {workers}")
    _out(
        f"  phases: index {t['index']:.2f} s, plan {t['plan']:.2f} s, "
        f"chunks {t['chunks_wall']:.2f} s, congestion {t['congestion']:.2f} s"
    )
    _out(
        f"  inside the chunks, summed over workers: block {t['block']:.1f} s, score {t['score']:.1f} s, "
        f"rank {t['rank']:.1f} s"
    )
    _out(
        f"  pairs: all {c['pairs_total']:,}; within reach {c['pairs_within_reach']:,}; "
        f"scored {c['pairs_scored']:,}; feasible {c['pairs_feasible']:,}"
    )
    _out(
        f"  throughput {c['pairs_total'] / s.wall_seconds / 1e6:,.1f} M pairs/s (all pairs / wall), "
        f"{c['clients'] / s.wall_seconds:,.0f} clients/s"
    )
    _out(f"  peak memory (this process + workers): RSS {mem.peak_rss:,.0f} MiB, PSS {mem.peak_pss:,.0f} MiB")
    serial_s = None
    if n in args.serial_sizes and args.n_jobs != 1:
        one = RematchOptions(n_jobs=1, chunk_size=args.chunk_size)
        before, cpu0 = CpuSample.now(), cpu_seconds()
        serial = run_rematch(inputs, as_of=demo.DEMO_AS_OF, text_model=text_model, options=one).summary
        serial_s, serial_cpu = serial.wall_seconds, cpu_seconds() - cpu0
        _out(
            f"  the same run in one process: wall {serial_s:.2f} s, CPU {serial_cpu:.2f} s; other "
            f"processes kept {_others_busy(before, CpuSample.now(), serial_cpu):.2f} CPUs busy"
        )
    options_s = options_cpu = None
    if args.options:
        options_s, options_cpu = measure_options(inputs, result, text_model, args, s.wall_seconds, cpu_s)
    return Figures(
        n,
        generate_s,
        inputs.seconds,
        s.wall_seconds,
        cpu_s,
        others,
        workers,
        c["pairs_total"],
        c["pairs_scored"],
        mem.peak_rss,
        mem.peak_pss,
        serial_s,
        options_s,
        options_cpu,
    )


def measure_options(
    inputs: Inputs,
    result: RematchResult,
    text_model: TfidfVectorizer | None,
    args: argparse.Namespace,
    wall_s: float,
    cpu_s: float,
) -> tuple[float, float]:
    """The same run with what would open more options inside: its wall, and the options' own CPU.

    ``RematchOptions(options=True)``: each chunk gives the options of its clients left with fewer
    than k suggestions (their shortlists with near misses, and what would open more options), in the
    worker that scored it, as the service's runner does for the digest. The growth over the run
    without (just before, same caseload and settings) is what the digest costs the night. For
    comparison, the former way (``api.rematch.finish.options_of`` after the run, in one process,
    the engine already fitted) is timed too, and its answers compared with the chunks'.
    """
    options = RematchOptions(n_jobs=args.n_jobs, chunk_size=args.chunk_size, options=True)
    before, cpu0 = CpuSample.now(), cpu_seconds()
    with WorkerLog().attached() as how:
        run = run_rematch(inputs, as_of=demo.DEMO_AS_OF, text_model=text_model, options=options)
    wall, cpu = run.summary.wall_seconds, cpu_seconds() - cpu0
    inside = run.summary.timings.get("options_cpu", 0.0)
    _out(
        f"  with the options inside the chunks: wall {wall:.2f} s, CPU {cpu:.2f} s "
        f"({'; '.join(how.messages) or '?'}; other processes kept "
        f"{_others_busy(before, CpuSample.now(), cpu):.2f} CPUs busy); the options' own CPU in the "
        f"chunks, summed over workers, {inside:.2f} s ({100 * inside / cpu:.1f} % of the run's); "
        f"growth over the run without: wall "
        f"{100 * (wall / wall_s - 1):+.1f} %, CPU {100 * (cpu / cpu_s - 1):+.1f} %"
    )
    matcher = fit_matcher(inputs.openings, as_of=demo.DEMO_AS_OF, text_model=text_model)
    short, n_empty = short_lists(inputs.clients, result.rows)
    blocked: dict[str, list[str]] = {c.id: [] for c in short}
    t0, cpu0 = time.perf_counter(), time.process_time()
    found = options_of(matcher, short, blocked=blocked, k=10)
    after_wall, after_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    changes = [found[c.id]["changes"] for c in short]
    _out(
        f"  {len(short):,} clients with fewer than 10 suggestions ({n_empty:,} with none); "
        f"{sum(1 for ch in changes if ch):,} of them with "
        f"at least one change; the former way, after the run in one process: wall {after_wall:.2f} s, "
        f"CPU {after_cpu:.2f} s ({100 * after_cpu / cpu_s:.1f} % of the run's CPU); the chunks' "
        f"answers the same: {run.options == found}"
    )
    return wall, inside


def measure_naive(args: argparse.Namespace, text_model: TfidfVectorizer | None) -> float:
    """Naive pairs per second on an n x n subsample; prints its agreement with the engine."""
    inputs, _ = _inputs(args.seed, args.naive_n, args.metros)
    model = text_model or fit_matcher(inputs.openings, as_of=demo.DEMO_AS_OF).text_model
    t0, cpu0 = time.perf_counter(), time.process_time()
    top = naive.recommend(inputs.clients, inputs.openings, as_of=demo.DEMO_AS_OF, text_model=model)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    engine = run_rematch(
        inputs,
        as_of=demo.DEMO_AS_OF,
        text_model=model,
        options=RematchOptions(congestion_factor=None),
    ).rows
    agree = naive.agreement(top, engine)
    pairs = args.naive_n * args.naive_n
    _out(
        f"\nnaive matcher (pandas cross join + apply(axis=1)) on {args.naive_n} x {args.naive_n}: "
        f"{wall:.2f} s (CPU {cpu:.2f} s, load average {load_average()}), "
        f"{pairs / wall:,.0f} pairs/s; top-10 agreement with the engine: {agree['shared_pairs']} of "
        f"{agree['engine_pairs']} pairs, max score gap {agree['max_score_gap']:.3f}"
    )
    for n in args.sizes:
        _out(f"  extrapolated to {n:,} x {n:,}: {n * n / (pairs / wall) / 3600:,.1f} hours")
    return pairs / wall


def _verdict(name: str, ok: bool, detail: str) -> None:
    _out(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")


def run(args: argparse.Namespace) -> None:
    """Every size, then the naive baseline, then the verdicts."""
    _out(f"nightly re-match benchmark: seed {args.seed}; machine: {machine()}")
    text_model = trained_text_model()[0]
    figures = [measure(n, args, text_model) for n in args.sizes]
    naive_rate = measure_naive(args, text_model)
    _out("\ntargets (reported, never asserted)")
    for f in figures:
        rate = f.pairs_total / f.wall_s
        _verdict(
            f"{f.n:,} x {f.n:,} >= {SPEEDUP_TARGET:,.0f}x the naive pairs/s",
            rate >= SPEEDUP_TARGET * naive_rate,
            f"{rate / naive_rate:,.0f}x ({rate / 1e6:,.1f} M vs {naive_rate:,.0f} pairs/s; run wall "
            f"{f.wall_s:.2f} s, CPU {f.cpu_s:.2f} s, other processes busy on {f.others_busy:.2f} CPUs)",
        )
        if f.serial_wall_s is not None:
            stayed = "in this process" in f.workers
            _verdict(
                f"{f.n:,} x {f.n:,} the workers picked (n_jobs<={args.n_jobs}) not slower than one process",
                stayed or f.wall_s <= f.serial_wall_s,
                f"{f.wall_s:.2f} s ({f.workers}) vs {f.serial_wall_s:.2f} s"
                + (" (both in one process)" if stayed else ""),
            )
        if f.options_s is not None and f.options_cpu_s is not None:
            # the options' own CPU against the run's without them: two whole runs differ by more
            # than the options cost on a shared machine, so their difference is not the verdict
            share = f.options_cpu_s / f.cpu_s
            _verdict(
                f"{f.n:,} x {f.n:,} what would open more options adds <= {OPTIONS_TARGET:.0%} to the run",
                share <= OPTIONS_TARGET,
                f"own CPU {f.options_cpu_s:.2f} s on a run of CPU {f.cpu_s:.2f} s (+{100 * share:.1f} %); "
                f"wall of the run with them {f.options_s:.2f} s, without {f.wall_s:.2f} s",
            )
        if f.n >= 100_000:
            _verdict(
                f"{f.n:,} x {f.n:,} wall time <= {WALL_TARGET_S:.0f} s",
                f.wall_s <= WALL_TARGET_S,
                f"{f.wall_s:.1f} s (+ {f.validate_s:.1f} s validating records)",
            )
            _verdict(
                f"{f.n:,} x {f.n:,} peak RSS <= {RSS_TARGET_MIB / 1024:.0f} GiB",
                f.peak_rss_mib <= RSS_TARGET_MIB,
                f"{f.peak_rss_mib:,.0f} MiB (PSS {f.peak_pss_mib:,.0f} MiB)",
            )


def profile(args: argparse.Namespace) -> None:
    """A few chunks of the largest size under cProfile (index and plan untimed)."""
    n = max(args.sizes)
    inputs, _ = _inputs(args.seed, n, args.metros)
    matcher = fit_matcher(inputs.openings, as_of=demo.DEMO_AS_OF, text_model=trained_text_model()[0])
    context = ScoringContext.from_matcher(matcher)
    plan = plan_chunks(inputs.clients, matcher.config.commute, chunk_size=args.chunk_size)
    tasks = make_tasks(inputs.clients, plan)[:: max(len(plan) // args.profile_chunks, 1)][
        : args.profile_chunks
    ]
    prof = cProfile.Profile()
    prof.runcall(lambda: [run_task(context, t) for t in tasks])
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(30)
        _out(buf.getvalue())


# Where the options' CPU goes: (module, function) -> stage, as cProfile names them.
OPTION_STAGES = (
    ("matcher/pipeline.py", "_client_batch", "shortlists: client features"),
    ("matcher/pipeline.py", "_score_with_misses", "shortlists: commute, failure bits, pair scores"),
    ("matcher/pipeline.py", "_near_misses", "shortlists: near misses"),
    ("matcher/pipeline.py", "tally", "shortlists: exclusion counts"),
    ("matcher/pipeline.py", "_shortlist", "shortlists: the Shortlist records"),
    ("matcher/options.py", "_widest_reach", "changes: widest reach"),
    ("matcher/options.py", "_openable", "changes: what some change may open"),
    ("matcher/options.py", "_narrowed", "changes: the block cut down"),
    ("matcher/options.py", "_changes", "changes: tried (changed clients, windows)"),
    ("matcher/options.py", "_opened", "changes: what each opens (checked, scored)"),
)


def short_lists(clients: Sequence[Client], rows: pd.DataFrame, k: int = 10) -> tuple[list[Client], int]:
    """The clients a run left with fewer than ``k`` suggestions (the digest's options), and how many
    of them with none."""
    listed = rows["client_id"].value_counts().to_dict() if len(rows) else {}
    short = [c for c in clients if listed.get(c.id, 0) < k]
    return short, sum(1 for c in short if c.id not in listed)


def profile_options(args: argparse.Namespace) -> None:
    """The options of the clients a run of the smallest size leaves empty, under cProfile, by stage.

    Timed inside ``executors.frozen_heap`` as in a run (else a full collection walking the
    records lands on whatever allocates: outside a run it is most of ``change_to_dict``).
    The stages are cProfile's default clock, wall time: on a shared machine read their shares
    (a CPU clock, ``time.process_time``, costs so much per call that it doubles the total).
    """
    n = min(args.sizes)
    inputs, _ = _inputs(args.seed, n, args.metros)
    text_model = trained_text_model()[0]
    one = RematchOptions(n_jobs=1, chunk_size=args.chunk_size)
    rows = run_rematch(inputs, as_of=demo.DEMO_AS_OF, text_model=text_model, options=one).rows
    matcher = fit_matcher(inputs.openings, as_of=demo.DEMO_AS_OF, text_model=text_model)
    empty, _ = short_lists(inputs.clients, rows)
    blocked: dict[str, list[str]] = {c.id: [] for c in empty}
    prof = cProfile.Profile()
    with frozen_heap():
        cpu0 = time.process_time()
        options_of(matcher, empty, blocked=blocked, k=10)
        plain = time.process_time() - cpu0
        cpu0 = time.process_time()
        prof.runcall(options_of, matcher, empty, blocked=blocked, k=10)
        profiled = time.process_time() - cpu0
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    cumulative: dict[tuple[str, str], float] = {}
    for (file, _, name), (_, _, _, ct, _) in stats.items():
        key = ("/".join(Path(file).parts[-2:]), name)
        cumulative[key] = cumulative.get(key, 0.0) + ct
    total = cumulative.get(("rematch/options.py", "options_of"), profiled)
    _out(
        f"{len(empty):,} clients of {n:,} x {n:,} with fewer than 10 suggestions: options CPU {plain:.2f} s "
        f"({profiled:.2f} s profiled; load average {load_average()}); profiled, by stage:"
    )
    for file, name, stage in OPTION_STAGES:
        seconds = cumulative.get(("/".join(Path(file).parts[-2:]), name), 0.0)
        _out(f"  {stage:<48} {seconds:6.3f} s  {100 * seconds / total:5.1f} %")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime").print_stats(20)
    _out(buf.getvalue())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.rematch", description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--metros", type=int, default=8)
    p.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="n for n clients x n openings"
    )
    p.add_argument("--n-jobs", type=int, default=2, help="most worker processes (the run picks how many)")
    p.add_argument(
        "--serial-sizes",
        type=int,
        nargs="*",
        default=[10_000],
        help="sizes also run in one process, to compare",
    )
    p.add_argument("--chunk-size", type=int, default=256)
    p.add_argument("--naive-n", type=int, default=200, help="naive subsample: n clients x n openings")
    p.add_argument(
        "--options",
        action="store_true",
        help="also run with what would open more options inside the chunks (the digest's part)",
    )
    p.add_argument("--profile", action="store_true", help="profile chunks of the largest size instead")
    p.add_argument("--profile-chunks", type=int, default=8)
    p.add_argument(
        "--profile-options",
        action="store_true",
        help="profile the options of the smallest size's clients left with a short list instead",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    if args.profile_options:
        profile_options(args)
    else:
        profile(args) if args.profile else run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
