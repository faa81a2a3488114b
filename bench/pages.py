"""The shortlist page as a specialist's browser gets it, over HTTP from a real uvicorn (issue 11).

    python -m bench.pages                          # 10k openings, SQLite, 120 pages
    python -m bench.pages --openings 10000 --databases sqlite,postgresql --requests 200

For each database the harness of ``bench.http`` loads a generated caseload
(``bench.http_db.prepare``) and serves it (``bench.http_server.serve``, one worker); the
specialist logs in through the login page (session cookie and CSRF token, as a browser
does), one untimed page per client warms the engine cache, and then ``GET
/clients/{id}/shortlist`` is timed ``--requests`` times over the clients in turn: the whole
page (the shortlist made and stored as a recommendation record, then rendered). Target:
p95 <= 300 ms at 10k openings. A table goes to stdout, everything to
``bench/results/pages-<time>.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.http_db import SPECIALIST, fresh_database, prepare
from bench.http_server import serve, server_env
from bench.page_timing import add_database_args, log_in, out, run_databases, timed
from matcher.demo import DEMO_AS_OF

TARGET_P95_MS = 300.0


def measure(base_url: str, password: str, client_ids: list[str], n: int) -> dict[str, Any]:
    """Warm every client's page once, then time ``n`` pages over the clients in turn."""
    paths = [f"/clients/{cid}/shortlist" for cid in client_ids]
    with httpx.Client(base_url=base_url, timeout=120.0, headers={"Accept": "text/html"}) as client:
        log_in(client, SPECIALIST, password)
        t0 = time.perf_counter()
        first = client.get(paths[0])
        cold_s = time.perf_counter() - t0
        for path in paths[1:]:
            client.get(path)
        pages = timed(client, paths, n, 'class="suggestion')
    return {**pages, "first_page_status": first.status_code, "cold_first_page_s": round(cold_s, 2)}


def bench_one(args: argparse.Namespace, backend: str, tmp: Path) -> dict[str, Any]:
    tmp.mkdir(parents=True, exist_ok=True)
    with fresh_database(backend, tmp, pg_url=args.pg_url) as db:
        prepared = prepare(
            db,
            n_openings=args.openings,
            n_clients=args.clients,
            seed=args.seed,
            metros=args.metros,
            n_edits=0,
        )
        out(f"  prepared {prepared.n_open} open openings, {prepared.n_clients} clients")
        env = server_env(database_url=db.url, var_dir=tmp / "var", as_of=DEMO_AS_OF, occupations=None)
        with serve(env, workers=1, log_path=tmp / f"uvicorn-pages-{backend}.log") as server:
            result = measure(server.base_url, prepared.password, prepared.client_ids, args.requests)
            result["server_errors"] = server.log_errors()
    return {"database": backend, "openings": args.openings, **result}


def render(runs: list[dict[str, Any]]) -> str:
    lines = [
        f"| {runs[0]['openings']:,} openings, GET /clients/{{id}}/shortlist (page) | "
        + " | ".join(r["database"] for r in runs)
        + " | target |",
        "|---|" + "---|" * len(runs) + "---|",
        "| p50 / p95 (engine cache warm, sequential) | "
        + " | ".join(f"{r['p50_ms']} / {r['p95_ms']} ms" for r in runs)
        + f" | p95 <= {TARGET_P95_MS:g} ms |",
        "| requests, errors | " + " | ".join(f"{r['n']}, {r['errors']}" for r in runs) + " | 0 errors |",
        "| page size | " + " | ".join(f"{r['kb']} kB" for r in runs) + " | |",
        "| first page (cold engine fit) | "
        + " | ".join(f"{r['cold_first_page_s']} s" for r in runs)
        + " | |",
    ]
    verdicts = ["met" if r["p95_ms"] <= TARGET_P95_MS and not r["errors"] else "NOT met" for r in runs]
    lines.append("| target | " + " | ".join(verdicts) + " | |")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    p.add_argument("--openings", type=int, default=10_000)
    p.add_argument("--requests", type=int, default=120, help="timed pages (at least 100 for a p95)")
    p.add_argument("--clients", type=int, default=20, help="clients on the caseload, paged in turn")
    p.add_argument("--metros", type=int, default=8)
    add_database_args(p, "pages")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_databases(args, bench_one, render, name="pages", size=f"{args.openings:,} openings")


if __name__ == "__main__":
    raise SystemExit(main())
