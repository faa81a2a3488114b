"""What "what would open more options" adds to a shortlist: one client against 100k openings.

Per client, in turn: the API's shortlist call without options (``Matcher.recommend`` as
``api.shortlists`` makes it), timed; then as a request asking for options makes them: the
shortlist with its candidate search widened to the client's widest change
(``Matcher.recommend_blocks(reach=...)``, ``matcher.options.options_reach``), then
``matcher.options.what_would_open`` for the same client (it reuses that shortlist's scored
block: ``Matcher.client_block``, and is handed its reach), each timed; after a warm-up. The
figure is the p95 over clients of the added CPU time (the widened shortlist and the options,
less the plain shortlist). Never asserted in tests.

    .venv/bin/python -m bench.options            # 60 clients vs 100k openings
    .venv/bin/python -m bench.options --quick    # 20 clients vs 10k (smoke run)
    .venv/bin/python -m bench.options --http     # also over HTTP: POST shortlist, "options": true
    .venv/bin/python -m bench.options --skip-in-process --http-openings 100000 --http-clients 30

``--http`` loads a generated caseload into an SQLite file (``bench.http_db``), starts
``uvicorn api.main:app`` (``bench.http_server``), and per client sends ``POST
/clients/{id}/shortlist`` once untimed, then without and with ``?options=true`` (in turn
first), each timed (wall at the client, the server process's CPU around it); the added
figure is the difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
import numpy as np

from bench.common import SEED, Latency, caseload, fitted, load_average, machine
from bench.http_db import SPECIALIST, fresh_database, prepare
from bench.http_server import serve, server_env, server_stats
from matcher.assembly import build_matcher
from matcher.demo import DEMO_AS_OF as HTTP_AS_OF
from matcher.demo import generate_demo
from matcher.options import options_reach, what_would_open, what_would_open_many
from matcher.pipeline import Matcher
from matcher.records import load_clients, load_openings
from matcher.types import Client

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


def time_calls(calls: Sequence[Callable[[int], object]], n: int) -> list[Latency]:
    """Call each of ``calls`` on i in turn for i in range(n), after one untimed round; time each call."""
    for fn in calls:
        fn(0)
    gc.collect()
    samples: list[list[tuple[float, float]]] = [[] for _ in calls]
    for i in range(n):
        for fn, mine in zip(calls, samples, strict=True):
            c0, t0 = time.process_time_ns(), time.perf_counter_ns()
            fn(i)
            mine.append(((time.perf_counter_ns() - t0) / 1e6, (time.process_time_ns() - c0) / 1e6))
    return [Latency(tuple(w for w, _ in v), tuple(c for _, c in v)) for v in samples]


def added(plain: Latency, *parts: Latency) -> Latency:
    """Per call, the sum of ``parts`` less ``plain`` (wall and CPU)."""
    wall = np.sum([p.samples_ms for p in parts], axis=0) - np.asarray(plain.samples_ms)
    cpu = np.sum([p.cpu_ms for p in parts], axis=0) - np.asarray(plain.cpu_ms)
    return Latency(tuple(wall.tolist()), tuple(cpu.tolist()))


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


def many_report(matcher: Matcher, clients: Sequence[Client]) -> None:
    """CPU per client of ``what_would_open_many`` (the nightly digest's call) over the same clients."""
    blocked: dict[str, list[str]] = {c.id: [] for c in clients}
    c0, t0 = time.process_time(), time.perf_counter()
    what_would_open_many(matcher, clients, blocked=blocked)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    n = len(clients)
    _out(
        f"  many clients at once (the digest's call): {1e3 * wall / n:.2f} ms wall, "
        f"{1e3 * cpu / n:.2f} ms CPU per client"
    )


def http_report(n_openings: int, n_clients: int, metros: int) -> None:
    """POST shortlist without and with ``"options": true`` per client, from a uvicorn process."""
    with (
        tempfile.TemporaryDirectory(prefix="optionsbench-") as name,
        fresh_database("sqlite", Path(name)) as db,
    ):
        tmp = Path(name)
        prepared = prepare(
            db, n_openings=n_openings, n_clients=n_clients, seed=SEED, metros=metros, n_edits=0
        )
        env = server_env(database_url=db.url, var_dir=tmp / "var", as_of=HTTP_AS_OF, occupations=None)
        with serve(env, workers=1, log_path=tmp / "uvicorn.log") as server:
            login = httpx.post(
                f"{server.base_url}/api/v1/login/access-token",
                data={"username": SPECIALIST, "password": prepared.password},
                timeout=60.0,
            )
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            samples: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=600.0) as http:

                def post(client_id: str, options: bool) -> tuple[float, float]:
                    cpu0, t0 = server_stats(server.process).get("cpu_s", 0.0), time.perf_counter()
                    # POST reads ``options`` from its body (the ``?options=true`` query is GET's)
                    query = {"options": "true"} if options else {}
                    r = http.post(f"/api/v1/clients/{client_id}/shortlist", json={"k": K}, params=query)
                    r.raise_for_status()
                    wall = (time.perf_counter() - t0) * 1e3
                    given[options] += bool(r.json().get("options"))
                    return wall, (server_stats(server.process).get("cpu_s", 0.0) - cpu0) * 1e3

                ids = prepared.client_ids
                given = {False: 0, True: 0}
                post(ids[0], False), post(ids[0], True)  # the cold fit, untimed
                for i, client_id in enumerate(ids):
                    post(client_id, False)  # untimed: the client's first shortlist warms what it reads
                    for options in (False, True) if i % 2 else (True, False):  # alternate which goes first
                        samples[options].append(post(client_id, options))
    plain, with_options = (Latency(tuple(w for w, _ in v), tuple(c for _, c in v)) for v in samples.values())
    _out(
        f"HTTP, {n_openings:,} openings, {len(prepared.client_ids)} clients, one uvicorn worker (SQLite); "
        f"responses with options: {given[True]} asked for, {given[False]} not asked for (short lists)"
    )
    _line("POST shortlist", plain)
    _line("POST shortlist?options=true", with_options)
    _out(
        f"  added by options: median {with_options.median - plain.median:.2f} ms wall, "
        f"{with_options.cpu_median - plain.cpu_median:.2f} ms server CPU; p95 "
        f"{with_options.p95 - plain.p95:.2f} ms wall, {with_options.cpu_p95 - plain.cpu_p95:.2f} ms "
        f"server CPU; load {load_average()}"
    )
    mean = [float(np.mean(lat.cpu_ms)) for lat in (plain, with_options)]
    _out(
        f"  server CPU mean (ticks of 10 ms, averaged): {mean[0]:.2f} ms without, {mean[1]:.2f} ms "
        f"with, added {mean[1] - mean[0]:.2f} ms"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 clients vs 10k openings")
    parser.add_argument("--metros", type=int, default=8)
    parser.add_argument("--http", action="store_true", help="also over HTTP (uvicorn, SQLite)")
    parser.add_argument("--http-openings", type=int, default=100_000)
    parser.add_argument("--http-clients", type=int, default=30)
    parser.add_argument("--skip-in-process", action="store_true", help="only the HTTP run")
    args = parser.parse_args(argv)
    if args.skip_in_process:
        http_report(args.http_openings, args.http_clients, args.metros)
        return 0
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

    reaches: dict[str, float] = {}

    def widened(i: int) -> object:
        c = clients[i % len(clients)]
        reaches[c.id] = options_reach(matcher, c)
        reach = np.array([reaches[c.id]])
        return list(
            matcher.recommend_blocks(
                [c], K, reach=reach, blocked={c.id: []}, explain_exclusions=False, near_misses=NEAR_MISSES
            )
        )

    def options(i: int) -> object:
        c = clients[i % len(clients)]  # the widened shortlist's reach handed over, as api.shortlists does
        return what_would_open(matcher, c, blocked={c.id: []}, reach=reaches[c.id])

    base, wide, opts = time_calls([shortlist, widened, options], n_clients)
    more = added(base, wide, opts)
    _line("shortlist (the API's call)", base)
    _line("shortlist widened to the options", wide)
    _line("what would open more options", opts)
    _line("added (widened + options - plain)", more)
    found = [what_would_open(matcher, c, blocked={c.id: []}) for c in clients]
    short = [len(s.suggestions) < K for s in (shortlist(i)[0] for i in range(n_clients))]  # type: ignore[index]
    _out(
        f"  changes per client: median {np.median([len(f) for f in found]):.0f}, max "
        f"{max(len(f) for f in found)}; clients with a short list {sum(short)}, of them with at "
        f"least one change {sum(1 for f, s in zip(found, short, strict=True) if s and f)}"
    )
    ok = more.cpu_p95 <= TARGET_P95_MS
    _out(
        f"  target added p95 <= {TARGET_P95_MS:g} ms (CPU): {'met' if ok else 'NOT met'} "
        f"({more.cpu_p95:.2f} ms CPU, {more.p95:.2f} ms wall); load {load_average()}"
    )
    many_report(matcher, clients)
    if args.http:
        http_report(args.http_openings, args.http_clients, args.metros)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
