"""The outcome report page for a 1,000-client program, over HTTP from a real uvicorn (issue 15).

    python -m bench.outcome_pages                 # 1,000 clients, 50 specialists, SQLite
    python -m bench.outcome_pages --clients 1000 --requests 60 --databases sqlite,postgresql

The harness of ``bench.http`` loads a generated caseload (``bench.http_db.prepare``); the clients
are then spread over specialists of 20 and given enrolment dates, about 1.3 seeded placements
each (two years of starts, four in ten ended with a reason, wages and hours) and demographics.
An admin logs in through the login page (session cookie, as a browser) and ``GET /outcomes``,
the program-wide page (summary, per specialist, 12 months, endings, caseload sizes), is timed
``--requests`` times after one untimed page. Target: p95 <= 500 ms. The two SVG charts and the
fairness page are timed too (not targeted). A table goes to stdout, everything to
``bench/results/outcome-pages-<time>.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from matcher._data.fairness_sim import simulate_program
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import make_engine
from api.models import Client, Placement, Role
from api.store import outcomes as outcome_store
from bench.http_db import _user, fresh_database, prepare
from bench.http_server import serve, server_env
from bench.page_timing import add_database_args, log_in, out, run_databases, timed
from matcher.demo import DEMO_AS_OF

TARGET_P95_MS = 500.0
ADMIN = "bench-admin"
REASONS = ("quit_better_job", "quit_dissatisfied", "quit_health", "fired", "laid_off", "transport", "other")


def add_outcomes(url: str, password: str, *, seed: int, per_specialist: int = 20) -> dict[str, int]:
    """Spread the clients over specialists, enrol them, give them placements and demographics."""
    rng = np.random.default_rng(seed)
    engine = make_engine(url)
    counts = {"specialists": 0, "placements": 0}
    try:
        with Session(engine) as session:
            _user(session, ADMIN, Role.ADMIN, password)
            clients = list(session.scalars(select(Client).order_by(Client.id)))
            groups = simulate_program(len(clients), seed=seed)
            specialists = [
                _user(session, f"bench-specialist-{i}", Role.SPECIALIST, password)
                for i in range(1, len(clients) // per_specialist)
            ]
            counts["specialists"] = len(specialists) + 1
            for i, client in enumerate(clients):
                if i >= per_specialist:
                    client.specialist_id = specialists[i // per_specialist - 1].id
                client.enrolled_on = DEMO_AS_OF - dt.timedelta(days=int(rng.integers(60, 900)))
                outcome_store.put_demographics(
                    session,
                    client_id=client.id,
                    recorded_by=client.specialist_id,
                    answers={
                        a: None if (v := groups.iloc[i][a]) == "not_stated" else v
                        for a in ("sex", "race_ethnicity", "age_band", "disability")
                    },
                )
                for _ in range(int(rng.poisson(1.3))):
                    start = client.enrolled_on + dt.timedelta(days=int(rng.integers(5, 400)))
                    if start > DEMO_AS_OF:
                        continue
                    days = int(rng.weibull(0.8) * 200)
                    end = start + dt.timedelta(days=days)
                    ended = end <= DEMO_AS_OF and rng.random() < 0.7
                    session.add(
                        Placement(
                            client_id=client.id,
                            job_title=str(rng.choice(["Line cook", "Stock clerk", "Cashier", "Janitor"])),
                            employer_name="Bench employer",
                            hourly_wage=float(np.round(rng.normal(16, 2), 2)),
                            weekly_hours=float(rng.integers(10, 40)),
                            competitive_integrated=bool(rng.random() < 0.95),
                            start_date=start,
                            end_date=end if ended else None,
                            separation_reason=str(rng.choice(REASONS)) if ended else None,
                        )
                    )
                    counts["placements"] += 1
            session.commit()
    finally:
        engine.dispose()
    return counts


def _timed(client: httpx.Client, path: str, n: int, marker: str) -> dict[str, Any]:
    client.get(path)  # untimed: the first request loads the vocabularies (and matplotlib for charts)
    return timed(client, [path], n, marker)


def measure(base_url: str, password: str, n: int) -> dict[str, Any]:
    with httpx.Client(base_url=base_url, timeout=120.0, headers={"Accept": "text/html"}) as client:
        log_in(client, ADMIN, password)
        return {
            "page": _timed(client, "/outcomes", n, "Per specialist"),
            "over_time_svg": _timed(client, "/outcomes/over-time.svg", max(5, n // 6), "<svg"),
            "tenure_svg": _timed(client, "/outcomes/tenure.svg", max(5, n // 6), "<svg"),
            "fairness_page": _timed(client, "/audit/fairness", max(5, n // 6), "How it is computed"),
        }


def bench_one(args: argparse.Namespace, backend: str, tmp: Path) -> dict[str, Any]:
    tmp.mkdir(parents=True, exist_ok=True)
    with fresh_database(backend, tmp, pg_url=args.pg_url) as db:
        prepared = prepare(
            db, n_openings=args.openings, n_clients=args.clients, seed=args.seed, metros=2, n_edits=0
        )
        counts = add_outcomes(db.url, prepared.password, seed=args.seed)
        out(
            f"  {prepared.n_clients} clients {counts['specialists']} specialists, {counts['placements']} jobs"
        )
        env = server_env(database_url=db.url, var_dir=tmp / "var", as_of=DEMO_AS_OF, occupations=None)
        with serve(env, workers=1, log_path=tmp / f"uvicorn-outcomes-{backend}.log") as server:
            result = measure(server.base_url, prepared.password, args.requests)
            result["server_errors"] = server.log_errors()
    return {"database": backend, "clients": prepared.n_clients, **counts, **result}


def render(runs: list[dict[str, Any]]) -> str:
    head = f"| {runs[0]['clients']:,} clients, {runs[0]['placements']:,} placements | "
    lines = [
        head + " | ".join(r["database"] for r in runs) + " | target |",
        "|---|" + "---|" * len(runs) + "---|",
    ]
    for key, words, target in (
        ("page", "GET /outcomes (admin, program-wide page) p50 / p95", f"p95 <= {TARGET_P95_MS:g} ms"),
        ("over_time_svg", "over-time chart (SVG) p50 / p95", ""),
        ("tenure_svg", "Kaplan-Meier chart (SVG) p50 / p95", ""),
        ("fairness_page", "GET /audit/fairness p50 / p95", ""),
    ):
        cells = " | ".join(f"{r[key]['p50_ms']} / {r[key]['p95_ms']} ms" for r in runs)
        lines.append(f"| {words} | {cells} | {target} |")
    lines.append(
        "| requests, errors | "
        + " | ".join(f"{r['page']['n']}, {r['page']['errors']}" for r in runs)
        + " | 0 errors |"
    )
    verdicts = [
        "met" if r["page"]["p95_ms"] <= TARGET_P95_MS and not r["page"]["errors"] else "NOT met" for r in runs
    ]
    lines.append("| target | " + " | ".join(verdicts) + " | |")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.outcome_pages", description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--openings", type=int, default=200)
    p.add_argument("--requests", type=int, default=60, help="timed report pages")
    add_database_args(p, "outcome-pages")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_databases(args, bench_one, render, name="outcome-pages", size=f"{args.clients:,} clients")


if __name__ == "__main__":
    raise SystemExit(main())
