"""Transit from GTFS: precompute time and memory per sample feed, and shortlist latency with it.

Each feed of ../shared/data/gtfs_samples is read and precomputed for every day type and
time band (``matcher.transit``), timed and with its peak Python allocation (tracemalloc)
and the size of what is kept. Then generated openings and clients are moved around the NYC
subway's stations (up to ~2 km away: most within walking distance of one, some not) and the
API's shortlist call (``Matcher.recommend``, k=10, near misses 5, as ``api.shortlists``) is
timed for each client, with the straight-line estimate and with the GTFS router, at 10k and
100k openings; the reach of the GTFS router (farther than the estimate's along a line) widens
the candidate search, and how many calls still take it is printed. The target: GTFS transit
at most 1.5x the estimate's latency (p95).

    .venv/bin/python -m bench.transit            # 10k and 100k openings, 40 clients
    .venv/bin/python -m bench.transit --quick    # 10k only, 10 clients (smoke run)
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.common import SEED, Latency, caseload, load_average, machine, replicated, time_calls
from matcher.assembly import build_matcher
from matcher.commute import TravelTimes
from matcher.transit import Feed, FeedTimes, TimetableRouter, TransitConfig, read_feed
from matcher.types import Client, Location, Opening

GTFS = Path(__file__).resolve().parents[1] / "../shared/data/gtfs_samples"
FEEDS = {"NYC subway": "nyc_subway_gtfs.zip", "Cairns": "cairns_gtfs.zip", "Demo": "sample_gtfs.zip"}
TARGET_RATIO = 1.5
K = 10
NEAR_MISSES = 5


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _line(label: str, lat: Latency) -> None:
    _out(
        f"  {label:<40} median {lat.median:7.2f} ms  p95 {lat.p95:7.2f} ms  max {lat.max:7.2f} ms"
        f"   (CPU median {lat.cpu_median:.2f}, p95 {lat.cpu_p95:.2f})"
    )


def precompute(name: str, path: Path) -> FeedTimes:
    """Read and precompute one feed, printing time, peak allocation and kept size."""
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    feed = read_feed(path, name)
    t1, c1 = time.perf_counter(), time.process_time()
    times = FeedTimes.build(feed, TransitConfig())
    t2, c2 = time.perf_counter(), time.process_time()
    curves = times.reach_curves()  # the candidate search's reach (api.travel keeps it on disk too)
    t3, c3 = time.perf_counter(), time.process_time()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept = sum(b.minutes.nbytes + b.served.nbytes for b in times.bands.values())
    rides = sum(len(r.depart) for r in feed.rides)
    _out(
        f"  {name:<11} {len(feed.names):4d} stations {feed.n_patterns:4d} patterns {rides:7,d} rides: "
        f"read {t1 - t0:5.2f} s (CPU {c1 - c0:5.2f}), {len(times.bands)} bands {t2 - t1:5.2f} s "
        f"(CPU {c2 - c1:5.2f}), reach {t3 - t2:5.3f} s (CPU {c3 - c2:5.3f}); "
        f"peak allocation {peak / 2**20:6.1f} MiB, kept {kept / 2**20:5.1f} MiB "
        f"+ reach {sum(c.nbytes for c in curves) / 2**20:4.1f} MiB"
    )
    return times


def _around(feed: Feed, n: int, rng: np.random.Generator, km: float = 2.0) -> np.ndarray:
    """(n, 2) lat/lon near random stations of ``feed`` (uniform in a square of +-km)."""
    at = rng.integers(0, len(feed.names), size=n)
    spread = km / 111.2
    lat = feed.lat[at] + rng.uniform(-spread, spread, size=n)
    lon = feed.lon[at] + rng.uniform(-spread, spread, size=n) / np.cos(np.radians(feed.lat[at]))
    return np.column_stack([lat, lon])


def _moved_openings(openings: Sequence[Opening], feed: Feed, rng: np.random.Generator) -> list[Opening]:
    places = _around(feed, len(openings), rng).tolist()
    return [
        o if o.location is None else dataclasses.replace(o, location=Location(lat, lon))
        for o, (lat, lon) in zip(openings, places, strict=True)
    ]


def _moved_clients(clients: Sequence[Client], feed: Feed, rng: np.random.Generator) -> list[Client]:
    places = _around(feed, len(clients), rng, km=1.0).tolist()
    return [
        dataclasses.replace(c, home=Location(lat, lon), modes=tuple(sorted({*c.modes, "transit"})))
        for c, (lat, lon) in zip(clients, places, strict=True)
    ]


def shortlists(n_openings: int, n_clients: int, nyc: FeedTimes) -> tuple[Latency, Latency]:
    rng = np.random.default_rng(SEED)
    base = replicated(SEED + 1, n_openings=n_openings, metros=8, base=min(n_openings, 20_000))
    openings = _moved_openings(base.openings, nyc.feed, rng)
    generated = caseload(SEED, n_clients=n_clients, n_openings=0, metros=8).clients
    clients = _moved_clients(generated, nyc.feed, rng)
    router = TravelTimes.from_router(TimetableRouter([nyc]))
    plain = build_matcher(openings, as_of=base.as_of)
    routed = build_matcher(openings, as_of=base.as_of, travel_times=router)

    def call(matcher: object) -> object:
        def one(i: int) -> object:
            c = clients[i % len(clients)]
            return matcher.recommend(  # type: ignore[attr-defined]
                [c], k=K, blocked={c.id: []}, explain_exclusions=False, near_misses=NEAR_MISSES
            )

        return one

    estimate = time_calls(call(plain), n_clients)
    gtfs = time_calls(call(routed), n_clients)
    timed = routed.score(clients[:8]).commute
    share = float(np.mean(timed.source[np.isfinite(timed.minutes)] > 0)) if timed.source is not None else 0.0
    _out(f"  {n_openings:,} openings, {n_clients} clients ({share:.0%} of reachable pairs by the timetable)")
    for label, matcher in (("estimate", plain), ("GTFS", routed)):
        around = sum(matcher._candidate_columns([c], None, 2.0) is not None for c in clients)
        _out(f"  {label}: {around} of {n_clients} shortlists from the candidate search (the rest scan all)")
    return estimate, gtfs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k openings, 10 clients")
    args = parser.parse_args(argv)
    _out(f"transit benchmark; machine: {machine()}; load average {load_average()}")
    missing = [f for f in FEEDS.values() if not (GTFS / f).exists()]
    if missing:
        _out(f"GTFS samples absent from {GTFS}: {', '.join(missing)}")
        return 1
    _out("precompute (every day type and band):")
    built = {name: precompute(name, GTFS / file) for name, file in FEEDS.items()}
    sizes, n_clients = ([10_000], 10) if args.quick else ([10_000, 100_000], 40)
    _out("shortlist latency (Matcher.recommend, one client per call):")
    for n in sizes:
        estimate, gtfs = shortlists(n, n_clients, built["NYC subway"])
        _line("straight-line estimate", estimate)
        _line("GTFS transit (NYC subway)", gtfs)
        ratio, cpu = gtfs.p95 / estimate.p95, gtfs.cpu_p95 / estimate.cpu_p95
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        _out(f"  target p95 <= {TARGET_RATIO:g}x the estimate: {verdict} ({ratio:.2f}x wall, {cpu:.2f}x CPU)")
        _out(f"  load average {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
