"""What "what would open more options" adds to a shortlist: one client against 100k openings.

Per client, as a request with ``?options=true`` makes them: the API's shortlist call
(``Matcher.recommend`` as ``api.shortlists`` makes it), timed, then
``matcher.options.what_would_open`` for the same client, timed on its own (it reuses the
shortlist's scored block when that reaches far enough: ``Matcher.client_block``); after a
warm-up. The figure is the p95 of the added call. Never asserted in tests.

    .venv/bin/python -m bench.options            # 60 clients vs 100k openings
    .venv/bin/python -m bench.options --quick    # 20 clients vs 10k (smoke run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from bench.common import SEED, Latency, caseload, fitted, load_average, machine
from matcher.assembly import build_matcher
from matcher.demo import generate_demo
from matcher.options import what_would_open
from matcher.records import load_clients, load_openings

TARGET_P95_MS = 10.0
K = 10
NEAR_MISSES = 5  # as api.shortlists asks
DEMO_AS_OF = dt.date(2026, 12, 1)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _line(label: str, lat: Latency) -> None:
    _out(
        f"  {label:<34} median {lat.median:7.2f} ms  p95 {lat.p95:7.2f} ms  max {lat.max:7.2f} ms"
        f"   (CPU median {lat.cpu_median:.2f}, p95 {lat.cpu_p95:.2f})"
    )


def time_pairs(
    first: Callable[[int], object], then: Callable[[int], object], n: int
) -> tuple[Latency, Latency]:
    """Call ``first(i)`` then ``then(i)`` for i in range(n) after one untimed pair; time each call."""
    first(0), then(0)
    gc.collect()
    samples: list[tuple[float, float]] = []
    for i in range(n):
        for fn in (first, then):
            c0, t0 = time.process_time_ns(), time.perf_counter_ns()
            fn(i)
            samples.append(((time.perf_counter_ns() - t0) / 1e6, (time.process_time_ns() - c0) / 1e6))
    wall, cpu = [w for w, _ in samples], [c for _, c in samples]
    return Latency(tuple(wall[0::2]), tuple(cpu[0::2])), Latency(tuple(wall[1::2]), tuple(cpu[1::2]))


def demo_report(as_of: dt.date = DEMO_AS_OF) -> None:
    """The demo world (``matcher.demo.generate_demo``, seed 7 as ``placement-api demo`` loads it)."""
    raw_clients, raw_openings = generate_demo(7, as_of=as_of)
    clients, _ = load_clients(raw_clients)
    openings, _ = load_openings(raw_openings)
    matcher = build_matcher(openings, as_of=as_of)
    lists = matcher.recommend(clients, k=K, explain_exclusions=False, near_misses=NEAR_MISSES)
    empty = [c for c, s in zip(clients, lists, strict=True) if not s.suggestions]
    short = [c for c, s in zip(clients, lists, strict=True) if len(s.suggestions) < K]
    helped = {c.id for c in short if what_would_open(matcher, c)}
    _out(
        f"demo world ({len(clients)} clients, {len(openings)} openings, as of {as_of}): "
        f"{len(empty)} with an empty list, {sum(c.id in helped for c in empty)} of them with at least "
        f"one change; {len(short)} with fewer than {K}, {len(helped)} of them with at least one change"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 clients vs 10k openings")
    parser.add_argument("--metros", type=int, default=8)
    args = parser.parse_args(argv)
    n_clients, n_openings = (20, 10_000) if args.quick else (60, 100_000)
    _out(f"options benchmark: {n_clients} clients vs {n_openings:,} openings, metros {args.metros}")
    _out(f"machine: {machine()}; load average {load_average()}")
    demo_report()
    clients = caseload(SEED, n_clients=n_clients, n_openings=0, metros=args.metros).clients
    data = caseload(SEED + 1, n_clients=0, n_openings=n_openings, metros=args.metros)
    matcher = fitted(data)

    def shortlist(i: int) -> object:
        c = clients[i % len(clients)]
        return matcher.recommend(
            [c], k=K, blocked={c.id: []}, explain_exclusions=False, near_misses=NEAR_MISSES
        )

    def options(i: int) -> object:
        c = clients[i % len(clients)]
        return what_would_open(matcher, c, blocked={c.id: []})

    base, added = time_pairs(shortlist, options, n_clients)
    _line("shortlist (the API's call)", base)
    _line("what would open more options", added)
    found = [what_would_open(matcher, c, blocked={c.id: []}) for c in clients]
    short = [len(s.suggestions) < K for s in (shortlist(i)[0] for i in range(n_clients))]  # type: ignore[index]
    _out(
        f"  changes per client: median {np.median([len(f) for f in found]):.0f}, max "
        f"{max(len(f) for f in found)}; clients with a short list {sum(short)}, of them with at "
        f"least one change {sum(1 for f, s in zip(found, short, strict=True) if s and f)}"
    )
    ok = added.p95 <= TARGET_P95_MS
    _out(
        f"  target added p95 <= {TARGET_P95_MS:g} ms: {'met' if ok else 'NOT met'} ({added.p95:.2f} ms); "
        f"load {load_average()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
