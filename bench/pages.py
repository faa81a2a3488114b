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
import datetime as dt
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.common import SEED, load_average, machine
from bench.http import RESULTS, _names, git_commit
from bench.http_db import PG_DEFAULT, SPECIALIST, fresh_database, postgres_available, prepare
from bench.http_server import serve, server_env
from matcher.demo import DEMO_AS_OF

TARGET_P95_MS = 300.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def log_in(client: httpx.Client, password: str) -> None:
    """Log in through the login page, keeping its cookies (the session is a cookie)."""
    page = client.get("/login")
    found = _CSRF.search(page.text)
    assert found, "the login page has no CSRF token"
    data = {"csrf_token": found.group(1), "username": SPECIALIST, "password": password}
    response = client.post("/login", data=data)
    if response.status_code != 303:
        raise RuntimeError(f"login failed: {response.status_code} {response.text[:200]}")


def measure(base_url: str, password: str, client_ids: list[str], n: int) -> dict[str, Any]:
    """Warm every client's page once, then time ``n`` pages over the clients in turn."""
    with httpx.Client(base_url=base_url, timeout=120.0, headers={"Accept": "text/html"}) as client:
        log_in(client, password)
        t0 = time.perf_counter()
        first = client.get(f"/clients/{client_ids[0]}/shortlist")
        cold_s = time.perf_counter() - t0
        for cid in client_ids[1:]:
            client.get(f"/clients/{cid}/shortlist")
        samples, errors, sizes = [], 0, []
        for i in range(n):
            t0 = time.perf_counter()
            response = client.get(f"/clients/{client_ids[i % len(client_ids)]}/shortlist")
            samples.append((time.perf_counter() - t0) * 1000)
            ok = response.status_code == 200 and 'class="suggestion' in response.text
            errors += 0 if ok else 1
            sizes.append(len(response.content))
    return {
        "n": n,
        "errors": errors,
        "first_page_status": first.status_code,
        "cold_first_page_s": round(cold_s, 2),
        "p50_ms": round(float(np.percentile(samples, 50)), 1),
        "p95_ms": round(float(np.percentile(samples, 95)), 1),
        "max_ms": round(max(samples), 1),
        "page_kb": round(float(np.mean(sizes)) / 1000, 1),
    }


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
        _out(f"  prepared {prepared.n_open} open openings, {prepared.n_clients} clients")
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
        "| page size | " + " | ".join(f"{r['page_kb']} kB" for r in runs) + " | |",
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
    p.add_argument("--databases", type=_names(("sqlite", "postgresql")), default=["sqlite"])
    p.add_argument("--requests", type=int, default=120, help="timed pages (at least 100 for a p95)")
    p.add_argument("--clients", type=int, default=20, help="clients on the caseload, paged in turn")
    p.add_argument("--pg-url", default=PG_DEFAULT)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--metros", type=int, default=8)
    p.add_argument("--out", type=Path, help="JSON results (default bench/results/pages-<time>.json)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="pagesbench-") as tmp_name:
        for backend in args.databases:
            if backend == "postgresql" and (reason := postgres_available(args.pg_url)):
                _out(f"postgresql skipped: {reason}")
                continue
            _out(f"{backend}, {args.openings:,} openings:")
            runs.append(bench_one(args, backend, Path(tmp_name) / backend))
    if not runs:
        return 1
    table = render(runs)
    _out(table)
    meta = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": git_commit()}
    meta |= {"machine": machine(), "load_average_end": load_average(), "args": {**vars(args), "out": None}}
    out = args.out or RESULTS / f"pages-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "runs": runs}, indent=2, default=str))
    _out(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
