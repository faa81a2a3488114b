"""The service as users meet it: shortlists over HTTP from a real uvicorn process (issue 9).

    python -m bench.http                       # 10k and 100k openings, SQLite and PostgreSQL
    python -m bench.http --quick               # 1k openings, a few requests (a smoke run)
    python -m bench.http --sizes 10000 --databases sqlite --requests 50 --budget-seconds 60
    python -m bench.http --report bench/results/http-<time>.json   # the table of a saved run

For each database (an SQLite file; a fresh schema in the PostgreSQL at 127.0.0.1:5432,
database ``test``, dropped afterwards) and each number of openings, the harness loads a
generated caseload straight into the database (``bench.http_db``: bulk inserts with the
audit events the service writes), starts ``uvicorn api.main:app`` on a free port of
127.0.0.1 (``--workers``), logs in, sends one untimed warm-up shortlist (the cold fit,
reported), and then measures:

- **shortlists**: ``POST`` and ``GET /clients/{id}/shortlist`` (k = 10, the suggestions'
  explanations as the API returns them) alternating over the clients, sequentially and
  from 8 and 32 client threads: p50/p95 of good responses, errors, body size, and the
  database growth per stored shortlist (bytes before/after over good responses);
- **first shortlist after an edit** (at the largest size): ``PUT /openings/{id}`` of one
  opening (the hourly wage changes), then the next shortlist, timed, a few times;
- **the load test**: 50 client threads x 20 mixed requests (shortlists, client reads,
  one employer's opening list) on the smallest size.

Every measurement is bounded by ``--requests`` and by ``--budget-seconds``: a slow
service still finishes, and the figures are over the requests done (n stated). A table
goes to stdout with each figure beside its target, and everything to a JSON file in
``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import http_measure as measure
from bench.common import SEED, load_average, machine
from bench.http_db import PG_DEFAULT, chain_check, fresh_database, postgres_available, prepare
from bench.http_report import render
from bench.http_server import REPO, serve, server_env
from matcher.demo import DEMO_AS_OF

_log = logging.getLogger(__name__)

RESULTS = REPO / "bench" / "results"
PARTS = ("shortlist", "edit", "load")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _ints(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _names(choices: Sequence[str]) -> Any:
    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        unknown = sorted(set(names) - set(choices))
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (choose from {choices})")
        return names

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=_ints, default=[10_000, 100_000], help="openings, e.g. 10000,100000")
    p.add_argument("--databases", type=_names(("sqlite", "postgresql")), default=["sqlite", "postgresql"])
    p.add_argument("--parts", type=_names(PARTS), default=list(PARTS), help="shortlist,edit,load")
    p.add_argument("--requests", type=int, default=200, help="shortlists per method and mode")
    p.add_argument("--concurrency", type=_ints, default=[1, 8, 32], help="client threads; 1 = sequential")
    p.add_argument("--methods", type=_names(("post", "get")), default=["post", "get"])
    p.add_argument("--k", type=int, default=10, help="suggestions per shortlist")
    p.add_argument("--clients", type=int, default=100, help="clients on the benchmark caseload")
    p.add_argument("--budget-seconds", type=float, default=120.0, help="per measurement")
    p.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    p.add_argument("--warmup-timeout", type=float, default=900.0, help="the first (cold) shortlist")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument("--edits", type=int, default=5, help="opening edits, each followed by a shortlist")
    p.add_argument("--edit-openings", type=int, help="size of the edit test (default: the largest)")
    p.add_argument("--load-clients", type=int, default=50, help="load test: concurrent client threads")
    p.add_argument("--load-requests", type=int, default=20, help="load test: requests per thread")
    p.add_argument("--load-openings", type=int, help="size of the load test (default: the smallest)")
    p.add_argument("--target-openings", type=int, default=100_000, help="the size the targets apply to")
    p.add_argument("--max-growth-mb", type=float, default=4000.0, help="stop a measurement beyond this")
    p.add_argument("--verify-chain", action="store_true", help="verify the audit chain at the end")
    p.add_argument("--pg-url", default=PG_DEFAULT, help="PostgreSQL (a schema is created in it)")
    p.add_argument("--occupations", type=Path, help="O*NET occupation store the service uses")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--metros", type=int, default=8, help="metro areas the data spreads over (1-8)")
    p.add_argument("--out", type=Path, help="JSON results (default bench/results/http-<time>.json)")
    p.add_argument("--quick", action="store_true", help="1k openings, 10 requests, 30 s budgets")
    p.add_argument("--report", type=Path, help="only print the table of a saved JSON result")
    return p


def _apply_quick(args: argparse.Namespace) -> None:
    args.sizes = [1000]
    args.requests = min(args.requests, 10)
    args.clients = min(args.clients, 20)
    args.budget_seconds = min(args.budget_seconds, 30.0)
    args.edits = min(args.edits, 2)
    args.load_clients, args.load_requests = min(args.load_clients, 10), min(args.load_requests, 5)


@dataclass(frozen=True)
class Plan:
    """Which parts run at which size."""

    sizes: list[int]
    shortlist_sizes: set[int]
    edit_size: int | None
    load_size: int | None


def plan(args: argparse.Namespace) -> Plan:
    shortlist_sizes = set(args.sizes) if "shortlist" in args.parts else set()
    edit_size = (args.edit_openings or max(args.sizes)) if "edit" in args.parts else None
    load_size = (args.load_openings or min(args.sizes)) if "load" in args.parts else None
    sizes = sorted(shortlist_sizes | {s for s in (edit_size, load_size) if s is not None})
    return Plan(sizes, shortlist_sizes, edit_size, load_size)


def bench_one(args: argparse.Namespace, the_plan: Plan, backend: str, size: int, tmp: Path) -> dict[str, Any]:
    """Prepare one database, serve it, and run the parts planned at this size."""
    run: dict[str, Any] = {"database": backend, "openings": size, "workers": args.workers}
    with fresh_database(backend, tmp, pg_url=args.pg_url) as db:
        prepared = prepare(
            db,
            n_openings=size,
            n_clients=args.clients,
            seed=args.seed,
            metros=args.metros,
            n_edits=args.edits,
        )
        run["prepared"] = measure.prepared_summary(prepared)
        _out(f"  prepared in {sum(prepared.seconds.values()):.1f} s ({prepared.n_open} open openings)")
        env = server_env(
            database_url=db.url, var_dir=tmp / "var", as_of=DEMO_AS_OF, occupations=args.occupations
        )
        log_path = tmp / f"uvicorn-{backend}-{size}.log"
        with serve(env, workers=args.workers, log_path=log_path) as server:
            ctx = measure.Context.open(args, server, db, prepared)
            try:
                run["startup_s"] = round(server.startup_s, 2)
                done = measure.parts(
                    ctx,
                    shortlist=size in the_plan.shortlist_sizes,
                    edit=size == the_plan.edit_size,
                    load_test=size == the_plan.load_size,
                    say=_out,
                )
                run.update(done)
            finally:
                ctx.close()
            run["server_log_tail"] = server.log_tail(10)
            run["server_errors"] = server.log_errors()
        if args.verify_chain:
            run["chain_after"] = chain_check(db)
            _out(f"  audit chain after the run: {run['chain_after']['message']}")
    return run


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    the_plan = plan(args)
    results: dict[str, Any] = {
        "meta": {
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "machine": machine(),
            "load_average_start": load_average(),
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        },
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="httpbench-") as tmp_name:
        tmp = Path(tmp_name)
        for backend in args.databases:
            reason = postgres_available(args.pg_url) if backend == "postgresql" else None
            for size in the_plan.sizes:
                if reason is not None:
                    results["runs"].append({"database": backend, "openings": size, "skipped": reason})
                    continue
                _out(f"{backend}, {size:,} openings")
                try:
                    results["runs"].append(bench_one(args, the_plan, backend, size, tmp))
                except Exception as exc:  # report it and go on with the next database
                    _log.exception("%s at %d openings failed", backend, size)
                    results["runs"].append({"database": backend, "openings": size, "failed": repr(exc)})
    results["meta"]["load_average_end"] = load_average()
    results["meta"]["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.report is not None:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        _out(render(saved, target_openings=args.target_openings))
        return 0
    if args.quick:
        _apply_quick(args)
    out = args.out or RESULTS / f"http-{time.strftime('%Y%m%d-%H%M%S')}.json"
    results = run_all(args)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    _out(render(results, target_openings=args.target_openings))
    _out(f"results: {out}")
    return 1 if any("failed" in run for run in results["runs"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
