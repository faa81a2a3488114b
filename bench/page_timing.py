"""Shared loop of the page benchmarks (``bench.pages``, ``bench.outcome_pages``).

Each benchmark loads its caseload into a fresh database per backend and times pages over HTTP
from a real uvicorn; this module logs in as a browser does, times the requests, runs the
backends in turn and writes the results file, so both read and report the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.common import SEED, load_average, machine
from bench.http import RESULTS, _names, git_commit
from bench.http_db import PG_DEFAULT, postgres_available

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

Run = dict[str, Any]


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def log_in(client: httpx.Client, username: str, password: str) -> None:
    """Log in through the login page, keeping its cookies (the session is a cookie)."""
    page = client.get("/login")
    found = _CSRF.search(page.text)
    assert found, "the login page has no CSRF token"
    data = {"csrf_token": found.group(1), "username": username, "password": password}
    response = client.post("/login", data=data)
    if response.status_code != 303:
        raise RuntimeError(f"login failed: {response.status_code} {response.text[:200]}")


def timed(client: httpx.Client, paths: Sequence[str], n: int, marker: str) -> Run:
    """Time ``n`` GETs over ``paths`` in turn; an error is any answer but 200 with ``marker``."""
    samples, errors, sizes = [], 0, []
    for i in range(n):
        t0 = time.perf_counter()
        response = client.get(paths[i % len(paths)])
        samples.append((time.perf_counter() - t0) * 1000)
        errors += 0 if response.status_code == 200 and marker in response.text else 1
        sizes.append(len(response.content))
    return {
        "n": n,
        "errors": errors,
        "p50_ms": round(float(np.percentile(samples, 50)), 1),
        "p95_ms": round(float(np.percentile(samples, 95)), 1),
        "max_ms": round(max(samples), 1),
        "kb": round(float(np.mean(sizes)) / 1000, 1),
    }


def add_database_args(p: argparse.ArgumentParser, name: str) -> None:
    """The options every page benchmark takes: databases, PostgreSQL URL, seed, results file."""
    p.add_argument("--databases", type=_names(("sqlite", "postgresql")), default=["sqlite"])
    p.add_argument("--pg-url", default=PG_DEFAULT)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", type=Path, help=f"JSON results (default bench/results/{name}-<time>.json)")


def run_databases(
    args: argparse.Namespace,
    bench_one: Callable[[argparse.Namespace, str, Path], Run],
    render: Callable[[list[Run]], str],
    *,
    name: str,
    size: str,
) -> int:
    """``bench_one`` per database (PostgreSQL skipped when it does not answer), the table, the JSON."""
    runs = []
    with tempfile.TemporaryDirectory(prefix=f"{name}-bench-") as tmp_name:
        for backend in args.databases:
            if backend == "postgresql" and (reason := postgres_available(args.pg_url)):
                out(f"postgresql skipped: {reason}")
                continue
            out(f"{backend}, {size}:")
            runs.append(bench_one(args, backend, Path(tmp_name) / backend))
    if not runs:
        return 1
    out(render(runs))
    meta: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
    }
    meta |= {"machine": machine(), "load_average_end": load_average(), "args": {**vars(args), "out": None}}
    path = args.out or RESULTS / f"{name}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "runs": runs}, indent=2, default=str))
    out(f"results: {path}")
    return 0
