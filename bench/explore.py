"""Career exploration latency: title resolution and related occupations, warm (issue 14).

    python -m bench.explore                     # in-process and over HTTP, 300 calls each
    python -m bench.explore --no-http --n 500   # in-process only
    make bench-explore

The real O*NET store is imported first when needed (``--store``, default ``var/occupations``;
the import is idempotent, so an up-to-date store is only checked). Then, in this process,
through the service's adapter (:mod:`api.occupations`, what the routes call):

* the store's **cold load** (``cached_store``, once per process: reading the files and building
  the title index and the related-occupation features), then the first resolve and related call;
* **warm resolve**: ``--n`` distinct real job titles (the LinkedIn postings sample of
  ``../shared/data``, de-duplicated case-insensitively, so the title index's per-query memo
  never answers), each call timed on its own;
* **warm related**: ``--n`` different occupations (every k-th code of the store), top 10 with
  their reasons, and the profile of the same codes.

Then over HTTP: a real uvicorn (``bench.http_server.serve``, one worker) on a SQLite database
with ``--openings`` generated openings (``bench.http_db.prepare``), a bearer token from the
login route, one untimed warm-up call of each kind, and ``GET /api/v1/occupations/resolve``,
``GET /api/v1/occupations/{code}/related`` and ``GET /api/v1/clients/{id}/explore`` timed
(client round trip, keep-alive). Targets: resolve p95 <= 20 ms, related p95 <= 50 ms (warm).
A table goes to stdout, everything to ``bench/results/explore-<time>.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from api import occupations
from bench.common import SEED, load_average, machine, time_calls
from bench.http import RESULTS, git_commit
from bench.http_db import SPECIALIST, fresh_database, prepare
from bench.http_server import Server, serve, server_env, server_stats
from matcher.demo import DEMO_AS_OF
from matcher.occupations import import_onet

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "../shared/data"
ONET = (DATA / "onet_29_0_text", DATA / "onet_29_3_excel")
ESCO = DATA / "esco_v1_1_1"
POSTINGS = DATA / "jobs_linkedin_2023_24_sample1000" / "postings.csv"
TARGETS_MS = {"resolve": 20.0, "related": 50.0}


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def ensure_store(path: Path) -> float:
    """Import the real release into ``path`` unless it already holds it; seconds taken."""
    missing = [str(p) for p in (*ONET, ESCO) if not p.exists()]
    if missing:
        raise SystemExit(f"bench.explore needs the real data: {', '.join(missing)} missing")
    t0 = time.perf_counter()
    import_onet(list(ONET), path, esco=ESCO)
    return time.perf_counter() - t0


def real_titles() -> list[str]:
    """Distinct posting titles of the LinkedIn sample, in file order."""
    seen: dict[str, str] = {}
    with POSTINGS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            title = (row.get("title") or "").strip()
            if title:
                seen.setdefault(title.casefold(), title)
    return list(seen.values())


def _figures(latency: Any) -> dict[str, float]:
    return {
        "p50_ms": round(latency.median, 2),
        "p95_ms": round(latency.p95, 2),
        "max_ms": round(latency.max, 2),
        "cpu_p95_ms": round(latency.cpu_p95, 2),
    }


def in_process(path: Path, titles: list[str], n: int) -> dict[str, Any]:
    """Cold load, first calls, then warm resolve / related / profile through the adapter."""
    t0 = time.perf_counter()
    store = occupations.cached_store(path)
    load_s = time.perf_counter() - t0
    assert store is not None, f"no store at {path}"
    t0 = time.perf_counter()
    occupations.resolve(store, titles[0], top=5)
    first_resolve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    occupations.related(store, store.codes[0], top=10)
    first_related_s = time.perf_counter() - t0
    step = max(1, len(store.codes) // n)
    codes = [store.codes[(1 + i * step) % len(store.codes)] for i in range(n)]
    timed_titles = titles[1 : n + 1]

    resolved: list[bool] = []

    def resolve(i: int) -> object:
        found = occupations.resolve(store, timed_titles[i], top=5)
        resolved.append(bool(found))
        return found

    def related(i: int) -> object:
        return occupations.related(store, codes[i], top=10)

    def profile(i: int) -> object:
        return occupations.profile(store, codes[i])

    resolve_latency = time_calls(resolve, len(timed_titles), warmup=0)  # first: nothing memoised
    return {
        "occupations": len(store),
        "cold_load_s": round(load_s, 2),
        "first_resolve_s": round(first_resolve_s, 2),
        "first_related_s": round(first_related_s, 2),
        "cached_call_us": round(_cached_call_us(path), 1),
        "titles_resolved": f"{sum(resolved)}/{len(timed_titles)}",
        "resolve": _figures(resolve_latency),
        "related": _figures(time_calls(related, len(codes), warmup=0)),
        "profile": _figures(time_calls(profile, len(codes), warmup=0)),
    }


def _cached_call_us(path: Path) -> float:
    """What every request pays to get the loaded store (the file stamps checked)."""
    t0 = time.perf_counter_ns()
    for _ in range(1000):
        occupations.cached_store(path)
    return (time.perf_counter_ns() - t0) / 1000 / 1000


Call = tuple[str, dict[str, str]]  # (path, query parameters)


def _timed(client: httpx.Client, calls: list[Call], process: Any) -> dict[str, float]:
    """Client round trips of ``calls``, and the server's mean CPU time per call (psutil)."""
    before = server_stats(process).get("cpu_s", math.nan)
    samples, errors = [], 0
    for url, params in calls:
        t0 = time.perf_counter()
        response = client.get(url, params=params)
        samples.append((time.perf_counter() - t0) * 1000)
        errors += response.status_code != 200
    return {
        "n": len(calls),
        "errors": errors,
        "p50_ms": round(float(np.percentile(samples, 50)), 2),
        "p95_ms": round(float(np.percentile(samples, 95)), 2),
        "max_ms": round(max(samples), 2),
        "server_cpu_mean_ms": round(
            (server_stats(process).get("cpu_s", math.nan) - before) / len(calls) * 1000, 2
        ),
    }


def over_http(path: Path, titles: list[str], n: int, n_openings: int, tmp: Path) -> dict[str, Any]:
    """The three routes through a real uvicorn, one worker, SQLite."""
    with fresh_database("sqlite", tmp) as db:
        prepared = prepare(db, n_openings=n_openings, n_clients=20, seed=SEED, metros=1, n_edits=0)
        env = server_env(database_url=db.url, var_dir=tmp / "var", as_of=DEMO_AS_OF, occupations=path)
        with serve(env, workers=1, log_path=tmp / "uvicorn-explore.log") as server:
            login = httpx.post(
                f"{server.base_url}/api/v1/login/access-token",
                data={"username": SPECIALIST, "password": prepared.password},
                timeout=60,
            )
            token = login.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.base_url + "/api/v1", headers=headers, timeout=120) as client:
                return _http_calls(client, server, path, titles, n, prepared.client_ids)


def _http_calls(
    client: httpx.Client, server: Server, path: Path, titles: list[str], n: int, client_ids: list[str]
) -> dict[str, Any]:
    store = occupations.cached_store(path)
    assert store is not None
    step = max(1, len(store.codes) // n)
    codes = [store.codes[(2 + i * step) % len(store.codes)] for i in range(n)]
    t0 = time.perf_counter()
    first = client.get("/occupations/resolve", params={"title": titles[0]})
    first_resolve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    client.get(f"/occupations/{store.codes[0]}/related")
    first_related_s = time.perf_counter() - t0

    def explore(i: int) -> Call:
        return f"/clients/{client_ids[i % len(client_ids)]}/explore", {"code": codes[i]}

    proc = server.process
    path0, params0 = explore(0)
    client.get(path0, params=params0)  # fits the pool of openings once, as the first shortlist would
    return {
        "startup_s": round(server.startup_s, 1),
        "first_status": first.status_code,
        "first_resolve_s": round(first_resolve_s, 2),
        "first_related_s": round(first_related_s, 2),
        "resolve": _timed(client, [("/occupations/resolve", {"title": t}) for t in titles[1 : n + 1]], proc),
        "related": _timed(client, [(f"/occupations/{c}/related", {}) for c in codes], proc),
        "explore": _timed(client, [explore(i) for i in range(1, min(n, 100))], proc),
    }


def render(result: dict[str, Any]) -> str:
    local, http = result["in_process"], result.get("http")
    lines = [
        "| figure | target | in-process (adapter) | HTTP (uvicorn, 1 worker) |",
        "|---|---|---|---|",
    ]
    for name in ("resolve", "related"):
        remote = (
            f"p50 {http[name]['p50_ms']} ms, **p95 {http[name]['p95_ms']} ms** "
            f"(server CPU {http[name]['server_cpu_mean_ms']} ms a call)"
            if http
            else "-"
        )
        lines.append(
            f"| {name}, warm | p95 <= {TARGETS_MS[name]:g} ms | p50 {local[name]['p50_ms']} ms, "
            f"**p95 {local[name]['p95_ms']} ms** (CPU p95 {local[name]['cpu_p95_ms']} ms) | {remote} |"
        )
    lines.append(
        f"| profile, warm | | p50 {local['profile']['p50_ms']} ms, p95 {local['profile']['p95_ms']} ms | |"
    )
    if http:
        e = http["explore"]
        where = f"client explore ({result['openings']:,} openings)"
        lines.append(f"| {where} | | | p50 {e['p50_ms']} ms, p95 {e['p95_ms']} ms |")
    lines.append(
        f"| cold: load / first resolve / first related | | {local['cold_load_s']} s / "
        f"{local['first_resolve_s']} s / {local['first_related_s']} s | "
        + (
            f"{http['first_resolve_s']} s / {http['first_related_s']} s "
            f"(after start-up {http['startup_s']} s)"
            if http
            else "-"
        )
        + " |"
    )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.explore", description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=REPO / "var" / "occupations")
    parser.add_argument("--n", type=int, default=300, help="timed calls of each kind")
    parser.add_argument("--openings", type=int, default=2000, help="openings in the HTTP run's database")
    parser.add_argument("--no-http", action="store_true", help="in-process only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import_s = ensure_store(args.store)
    titles = real_titles()
    if len(titles) <= args.n:
        raise SystemExit(f"only {len(titles)} distinct titles: use --n {len(titles) - 1} or fewer")
    _out(f"store {args.store} ready in {import_s:.1f} s; {machine()}; load {load_average()}")
    result: dict[str, Any] = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
        "n": args.n,
        "openings": args.openings,
        "in_process": in_process(args.store, titles, args.n),
    }
    if not args.no_http:
        with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp:
            result["http"] = over_http(args.store, titles, args.n, args.openings, Path(tmp))
    result["load_after"] = load_average()
    _out(render(result))
    _out(f"load average after: {result['load_after']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"explore-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _out(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
