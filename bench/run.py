"""Engine benchmarks (``make bench`` = ``python -m bench.run``): latency, throughput, memory.

Engine only, no HTTP. Prints, for seeded generated data:

* setup: generating, validating and fitting (``assembly.build_matcher``) for 10k and 100k openings;
* shortlist latency of one client against 10k, 100k and 1M openings (1M: copies of
  100k generated openings with new ids and places, ``common.replicated``), as the
  API calls the engine (``api.shortlists``: ``recommend([client], k=10,
  blocked={id: rejected}, explain_exclusions=False, near_misses=NEAR_MISSES)``,
  explanations of the shown suggestions included) and without near misses; at
  10k also with ``explain_exclusions=True``;
* ``update_openings`` at 100k: one edit, one new and one closed opening, and an edit followed by
  the API's shortlist call (the engine's share of "first shortlist after an opening edit");
* batch throughput for 1k clients x 10k openings through ``score_frame``
  (top-10 per client, no explanation texts), with its peak RSS;
* a PASS/FAIL line per target. Targets are reported, never asserted.

``--profile latency|batch`` runs one phase under cProfile instead and prints
the functions that dominate it.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import dataclasses
import gc
import io
import logging
import pstats
import sys
from collections.abc import Sequence

import numpy as np

from bench.common import (
    SEED,
    Caseload,
    Latency,
    caseload,
    fitted,
    load_average,
    machine,
    peak_rss_mb,
    replicated,
    reset_peak_rss,
    rss_mb,
    stopwatch,
    time_calls,
)
from matcher.batch import score_frame
from matcher.pipeline import ENGINE_VERSION, Matcher
from matcher.types import Client

_log = logging.getLogger(__name__)

LATENCY_P95_TARGET_MS = 5.0  # one client vs 100k openings
HUGE_P95_TARGET_MS = 15.0  # one client vs 1M openings
THROUGHPUT_TARGET = 5e6  # client-opening pairs per second, batch path
K = 10


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _fit(data: Caseload, label: str) -> Matcher:
    gc.collect()
    with stopwatch() as t:
        matcher = fitted(data)
    _out(
        f"  fit {label:<6} {len(data.openings):>7,} openings: {t[0]:7.2f} s (CPU {t[1]:.2f} s)"
        f"   RSS now {rss_mb():,.0f} MiB"
    )
    return matcher


def _load(seed: int, n_clients: int, n_openings: int, metros: int, label: str) -> Caseload:
    data = caseload(seed, n_clients=n_clients, n_openings=n_openings, metros=metros)
    _out(
        f"  data {label:<5} {n_clients:>5,} clients + {n_openings:>7,} openings: generate "
        f"{data.generate_s:6.2f} s, validate {data.validate_s:6.2f} s"
        + (f"  ({data.n_bad} invalid records skipped)" if data.n_bad else "")
    )
    return data


def _context(matcher: Matcher, data: Caseload, n: int) -> str:
    """Share of feasible pairs for the timed clients (untimed), to read the latency against."""
    parts = matcher.score_in_chunks(data.clients[:n], chunk_size=4)  # (4, 1M) blocks at most
    feasible = np.concatenate([(scored.codes == 0).sum(axis=1) for scored in parts])
    return f"feasible openings per client: median {np.median(feasible):,.0f}, max {feasible.max():,}"


def api_near_misses() -> int:
    """The near misses the API asks the engine for (``api.shortlists``), so the call timed is its call."""
    from api.shortlists import NEAR_MISSES  # noqa: PLC0415 - the service, imported only for its setting

    return NEAR_MISSES


def _latency(matcher: Matcher, data: Caseload, n: int, *, explain: bool, near_misses: int = 0) -> Latency:
    clients = data.clients

    def call(i: int) -> object:
        client = clients[i % len(clients)]
        return matcher.recommend(
            [client], k=K, blocked={client.id: []}, explain_exclusions=explain, near_misses=near_misses
        )

    return time_calls(call, n, warmup=1)


def _report_latency(label: str, lat: Latency) -> None:
    _out(
        f"  {label:<50} median {lat.median:7.1f} ms  p95 {lat.p95:7.1f} ms  max {lat.max:7.1f} ms"
        f"  | CPU median {lat.cpu_median:7.1f} p95 {lat.cpu_p95:7.1f} ms  (n={len(lat.samples_ms)},"
        f" load {load_average()})"
    )


def _batch(matcher: Matcher, data: Caseload, chunk_size: int) -> tuple[list[float], float, int]:
    """[wall, CPU] seconds, peak RSS (MiB) and rows of one 1k x 10k ``score_frame`` run."""
    score_frame(matcher, data.clients[:8], k=K)  # warm-up: imports, caches
    gc.collect()
    exact = reset_peak_rss()
    with stopwatch() as t:
        frame = score_frame(matcher, data.clients, k=K, chunk_size=chunk_size)
    peak = peak_rss_mb()
    if not exact:
        _log.info("peak RSS is the process peak (no /proc/self/clear_refs)")
    return t, peak, len(frame)


def _verdict(name: str, ok: bool, detail: str) -> None:
    _out(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")


def _latency_verdict(size: int, target_ms: float, lat: Latency) -> None:
    _verdict(
        f"one client vs {size:,} openings p95 <= {target_ms:g} ms",
        lat.p95 <= target_ms,
        f"p50 {lat.median:.1f} ms, p95 {lat.p95:.1f} ms"
        f" (CPU p50 {lat.cpu_median:.1f}, p95 {lat.cpu_p95:.1f} ms)",
    )


def _batch_phase(matcher: Matcher, data: Caseload, chunk_size: int) -> float:
    """Prints the batch figures; returns pairs per second."""
    n_c, n_j = len(data.clients), len(matcher.index.ids)
    _out(f"\nbatch: {n_c:,} clients x {n_j:,} openings via score_frame (top-{K}, no texts)")
    (wall, cpu), peak, rows = _batch(matcher, data, chunk_size)
    pairs_s = n_c * n_j / wall
    _out(f"  wall {wall:.2f} s (CPU {cpu:.2f} s, load {load_average()})   {pairs_s / 1e6:.2f} M pairs/s")
    _out(f"  {rows:,} rows; peak RSS during the run {peak:,.0f} MiB (chunk_size {chunk_size})")
    return pairs_s


def _latency_phase(matcher: Matcher, data: Caseload, n: int, *, with_explained: bool) -> Latency:
    """Prints the latency figures at one index size; returns those of the API's call."""
    size = len(matcher.index.ids)
    misses = api_near_misses()
    _out(f"  at {size:,}: {_context(matcher, data, n)}")
    lat = _latency(matcher, data, n, explain=False, near_misses=misses)
    _report_latency(f"1 client vs {size:,}, as the API (near_misses={misses})", lat)
    plain = _latency(matcher, data, n, explain=False)
    _report_latency(f"1 client vs {size:,}, no near misses", plain)
    if with_explained:
        explained = _latency(matcher, data, n, explain=True)
        _report_latency(f"1 client vs {size:,}, explain_exclusions=True", explained)
    return lat


UPDATE_REPEATS = 20


def _update_phase(matcher: Matcher, data: Caseload) -> Latency:
    """One opening edit (the wage of an indexed one), a new opening and a closed one, as the API applies
    them (``copy.copy`` of the engine, then ``update_openings``); then the first shortlist after an edit.

    Returns the timings of the edits."""
    size = len(matcher.index.ids)
    openings = matcher.index.openings
    client = data.clients[0]

    def edited(i: int) -> Matcher:
        o = openings[(7919 * i) % size]
        engine = copy.copy(matcher)
        engine.update_openings([dataclasses.replace(o, hourly_wage=o.hourly_wage + 0.25)])
        return engine

    def added(i: int) -> object:
        o = openings[(7919 * i) % size]
        return copy.copy(matcher).update_openings([dataclasses.replace(o, id=f"{o.id}-new{i}")])

    def closed(i: int) -> object:
        return copy.copy(matcher).update_openings([], [openings[(7919 * i) % size].id])

    def first_shortlist(i: int) -> object:
        engine = edited(i)
        return engine.recommend(
            [client], k=K, blocked={client.id: []}, explain_exclusions=False, near_misses=api_near_misses()
        )

    n = UPDATE_REPEATS
    _out(f"\nupdate_openings at {size:,} openings ({n} calls each after 1 warm-up, on a copy of the engine)")
    edit = time_calls(edited, n)
    _report_latency("one edit (an indexed opening's wage)", edit)
    _report_latency("one new opening", time_calls(added, n))
    _report_latency("one opening closed (dropped)", time_calls(closed, n))
    _report_latency("one edit, then the API's shortlist call", time_calls(first_shortlist, n))
    return edit


def run(args: argparse.Namespace) -> None:
    """All phases in order, printing as they finish."""
    _out(
        f"placement-matcher engine benchmark: engine {ENGINE_VERSION}, seed {args.seed}, metros {args.metros}"
    )
    _out(f"machine: {machine()}; load average now {load_average()}")
    _out("\nsetup (excluded from the figures below)")
    small = _load(args.seed, args.batch_clients, args.openings_small, args.metros, "small")
    large = _load(args.seed + 1, 0, args.openings_large, args.metros, "large")
    large = Caseload(small.clients, large.openings, large.as_of, large.generate_s, large.validate_s, 0)
    m_small = _fit(small, f"{args.openings_small // 1000}k")
    pairs_s = _batch_phase(m_small, small, args.chunk_size)
    _out(f"\nshortlist latency: recommend([client], k={K}), {args.n} different clients after 1 warm-up")
    _latency_phase(m_small, small, args.n, with_explained=True)
    del m_small
    m_large = _fit(large, f"{args.openings_large // 1000}k")
    lat = _latency_phase(m_large, large, args.n, with_explained=False)
    _update_phase(m_large, large)
    del m_large
    huge_lat = None
    if args.openings_huge:
        with stopwatch() as t:
            huge = replicated(args.seed + 2, n_openings=args.openings_huge, metros=args.metros)
        _out(f"  data huge {len(huge.openings):>13,} openings (copies of 100k, moved): {t[0]:6.2f} s")
        huge = Caseload(small.clients, huge.openings, huge.as_of, huge.generate_s, huge.validate_s, 0)
        m_huge = _fit(huge, f"{args.openings_huge // 1000}k")
        huge_lat = _latency_phase(m_huge, huge, args.n, with_explained=False)
        _out(f"  RSS with the {args.openings_huge:,}-opening engine fitted {rss_mb():,.0f} MiB")
        del m_huge, huge
    _out(f"\ntargets (2-core machine, engine only, the API's call; load {load_average()}; never asserted)")
    _latency_verdict(len(large.openings), LATENCY_P95_TARGET_MS, lat)
    if huge_lat is not None:
        _latency_verdict(args.openings_huge, HUGE_P95_TARGET_MS, huge_lat)
    _verdict(
        f"batch >= {THROUGHPUT_TARGET / 1e6:g} M pairs/s",
        pairs_s >= THROUGHPUT_TARGET,
        f"{pairs_s / 1e6:.2f} M pairs/s",
    )


def updates(args: argparse.Namespace) -> None:
    """Only the update phase, on a freshly fitted large index."""
    _out(f"placement-matcher update benchmark: engine {ENGINE_VERSION}; load average now {load_average()}")
    clients = caseload(args.seed, n_clients=8, n_openings=0, metros=args.metros).clients
    data = _load(args.seed + 1, 0, args.openings_large, args.metros, "large")
    data = Caseload(clients, data.openings, data.as_of, data.generate_s, data.validate_s, 0)
    _update_phase(_fit(data, f"{args.openings_large // 1000}k"), data)


def profile(args: argparse.Namespace) -> None:
    """One phase under cProfile; prints the top functions by own and cumulative time."""
    if args.profile == "batch":
        data = caseload(
            args.seed, n_clients=args.batch_clients, n_openings=args.openings_small, metros=args.metros
        )
        matcher = fitted(data)
        score_frame(matcher, data.clients[:8], k=K)

        def work() -> None:
            score_frame(matcher, data.clients, k=K, chunk_size=args.chunk_size)
    else:
        clients = caseload(args.seed, n_clients=args.n, n_openings=0, metros=args.metros).clients
        data = caseload(args.seed + 1, n_clients=0, n_openings=args.openings_large, metros=args.metros)
        matcher = fitted(data)
        misses = api_near_misses()

        def one(c: Client) -> None:
            matcher.recommend([c], k=K, blocked={c.id: []}, explain_exclusions=False, near_misses=misses)

        one(clients[0])

        def work() -> None:
            for c in clients:
                one(c)

    prof = cProfile.Profile()
    prof.runcall(work)
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(args.top)
        _out(buf.getvalue())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--metros", type=int, default=8, help="metro areas the data spreads over (1-8)")
    p.add_argument("-n", type=int, default=60, help="clients timed per latency figure")
    p.add_argument("--openings-small", type=int, default=10_000)
    p.add_argument("--openings-large", type=int, default=100_000)
    p.add_argument("--openings-huge", type=int, default=1_000_000, help="0: skip the 1M point")
    p.add_argument("--batch-clients", type=int, default=1_000)
    p.add_argument("--chunk-size", type=int, default=256, help="score_frame chunk size")
    p.add_argument("--quick", action="store_true", help="a tenth of the sizes (smoke run)")
    p.add_argument("--profile", choices=("latency", "batch"), help="profile one phase instead")
    p.add_argument("--updates-only", action="store_true", help="only fit the 100k index and time updates")
    p.add_argument("--top", type=int, default=30, help="functions listed with --profile")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.quick:
        args.openings_small //= 10
        args.openings_large //= 10
        args.openings_huge //= 10
        args.batch_clients //= 10
        args.n = min(args.n, 20)
    if args.profile:
        profile(args)
    elif args.updates_only:
        updates(args)
    else:
        run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
