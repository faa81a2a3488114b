"""The measurements of ``bench.http`` against one running server and its database."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from sqlalchemy import Engine

from api.db import make_engine
from bench.http_db import LIAISON, SPECIALIST, Database, Prepared, database_bytes
from bench.http_load import Call, Run, run_calls, send, shared_plans, summarize
from bench.http_server import Server, server_stats

MIB = 2**20


@dataclass
class Context:
    """What every measurement needs: the options, the server, the database and the logins."""

    args: argparse.Namespace
    server: Server
    db: Database
    engine: Engine
    prepared: Prepared
    specialist: dict[str, str]
    liaison: dict[str, str]

    @classmethod
    def open(cls, args: argparse.Namespace, server: Server, db: Database, prepared: Prepared) -> Context:
        def headers(username: str) -> dict[str, str]:
            response = httpx.post(
                f"{server.base_url}/api/v1/login/access-token",
                data={"username": username, "password": prepared.password},
                timeout=60.0,
            )
            response.raise_for_status()
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        engine = make_engine(db.url)
        return cls(args, server, db, engine, prepared, headers(SPECIALIST), headers(LIAISON))

    def close(self) -> None:
        self.engine.dispose()

    def size(self) -> int:
        return database_bytes(self.db, self.engine)

    def growth_guard(self, start: int) -> Callable[[], str | None]:
        """A ``should_stop`` check: the database grew by more than ``--max-growth-mb``."""
        limit = self.args.max_growth_mb * MIB

        def check() -> str | None:
            return (
                "growth cap"
                if database_bytes(self.db, self.engine, checkpoint=False) - start > limit
                else None
            )

        return check

    def shortlist(self, i: int, method: str) -> Call:
        """The i-th shortlist request: the clients in turn."""
        ids = self.prepared.client_ids
        path = f"/api/v1/clients/{ids[i % len(ids)]}/shortlist"
        kind = f"shortlist {method.upper()}"
        if method == "get":
            return Call(kind, "GET", path, params={"k": self.args.k}, expect="suggestions")
        return Call(kind, "POST", path, json={"k": self.args.k}, expect="suggestions")


def prepared_summary(prepared: Prepared) -> dict[str, Any]:
    """The prepared database without its secrets and id lists."""
    summary = asdict(prepared)
    for key in ("password", "client_ids", "employer_ids", "edit_ids"):
        summary.pop(key)
    summary["seconds"] = {k: round(v, 2) for k, v in prepared.seconds.items()}
    return summary


def _timed_run(
    ctx: Context, plans: list[Iterator[Call]], n: int, budget_s: float
) -> tuple[Run, dict[str, Any]]:
    """Run ``plans`` with the database size and server CPU read before and after."""
    before, cpu0 = ctx.size(), server_stats(ctx.server.process)
    run = run_calls(
        ctx.server.base_url,
        ctx.specialist,
        plans,
        n_planned=n,
        budget_s=budget_s,
        timeout_s=ctx.args.timeout,
        should_stop=ctx.growth_guard(before),
    )
    after, cpu1 = ctx.size(), server_stats(ctx.server.process)
    extra: dict[str, Any] = {"db_bytes_before": before, "db_bytes_after": after}
    if cpu0 and cpu1:
        extra["server_cpu_s"] = round(cpu1["cpu_s"] - cpu0["cpu_s"], 2)
        extra["server_rss_mib"] = round(cpu1["rss_mib"], 1)
    return run, extra


#: A warm-up round whose slowest shortlist took longer than this met a worker still fitting.
COLD_MS = 10_000.0
WARMUP_ROUNDS = 6


def warm_up(ctx: Context) -> dict[str, Any]:
    """The first shortlists after start, untimed in the figures: one, or with several workers
    rounds of four per worker at once, each from new connections, until a round finds no worker
    still fitting (each worker process fits its own matcher, and the kernel hands connections
    to workers unevenly: four at once can all land on one)."""
    n = 1 if ctx.args.workers == 1 else 4 * ctx.args.workers
    rounds: list[dict[str, Any]] = []
    for _ in range(1 if ctx.args.workers == 1 else WARMUP_ROUNDS):
        plans = shared_plans(lambda i: ctx.shortlist(i, "post"), n=n, concurrency=n)
        run = run_calls(
            ctx.server.base_url,
            ctx.specialist,
            plans,
            n_planned=n,
            budget_s=ctx.args.warmup_timeout,
            timeout_s=ctx.args.warmup_timeout,
        )
        rounds.append(summarize(run.samples, n_planned=n, wall_s=run.wall_s, stopped=run.stopped))
        if len(rounds) > 1 and (rounds[-1]["max_ms"] or 0.0) < COLD_MS:
            break
    return {**rounds[0], "rounds": len(rounds), "last_round_max_ms": rounds[-1]["max_ms"]}


def shortlists(ctx: Context, concurrency: int) -> dict[str, Any]:
    """POST and GET shortlists alternating, ``--requests`` of each, from ``concurrency`` threads."""
    methods = ctx.args.methods
    n = ctx.args.requests * len(methods)

    def call(i: int) -> Call:
        return ctx.shortlist(i // len(methods), methods[i % len(methods)])

    plans = shared_plans(call, n=n, concurrency=concurrency)
    run, extra = _timed_run(ctx, plans, n, ctx.args.budget_seconds)
    result: dict[str, Any] = {"concurrency": concurrency, **extra}
    result["all"] = summarize(run.samples, n_planned=n, wall_s=run.wall_s, stopped=run.stopped)
    for method in methods:
        kind = f"shortlist {method.upper()}"
        samples = [s for s in run.samples if s.kind == kind]
        result[method] = summarize(
            samples, n_planned=ctx.args.requests, wall_s=run.wall_s, stopped=run.stopped
        )
    n_ok = result["all"]["n_ok"]
    result["growth_bytes_per_shortlist"] = (
        round((extra["db_bytes_after"] - extra["db_bytes_before"]) / n_ok) if n_ok else None
    )
    return result


def edits(ctx: Context) -> dict[str, Any]:
    """PUT one opening, then time the next shortlist (and the one after, warm), a few times."""
    args, ids = ctx.args, ctx.prepared.edit_ids
    rows: list[dict[str, Any]] = []
    stopped = "done" if ids else "no opening to edit"
    start_bytes = ctx.size()
    deadline = time.perf_counter() + args.budget_seconds
    with (
        httpx.Client(base_url=ctx.server.base_url, headers=ctx.liaison, timeout=args.timeout) as liaison,
        httpx.Client(
            base_url=ctx.server.base_url, headers=ctx.specialist, timeout=args.timeout
        ) as specialist,
    ):
        for j in range(args.edits if ids else 0):
            if time.perf_counter() >= deadline:
                stopped = "budget"
                break
            rows.append(_edit_once(ctx, liaison, specialist, ids[j % len(ids)], j))
    first = [r["first_ms"] for r in rows if r["edit_error"] is None and r["first_error"] is None]
    # each edit stores a new pool version with its first shortlist: what that costs on disk
    growth = (ctx.size() - start_bytes) / len(rows) if rows else None
    return {
        "growth_bytes_per_edit": growth,
        "n_planned": args.edits,
        "n_done": len(rows),
        "n_errors": sum(r["edit_error"] is not None or r["first_error"] is not None for r in rows),
        "stopped": stopped,
        "first_ms": first,
        "first_max_ms": max(first) if first else None,
        "first_cpu_ms": [r.get("first_cpu_ms") for r in rows if r["first_error"] is None],
        "first_median_ms": sorted(first)[len(first) // 2] if first else None,
        "rows": rows,
    }


def _edit_once(
    ctx: Context, liaison: httpx.Client, specialist: httpx.Client, opening_id: str, j: int
) -> dict[str, Any]:
    path = f"/api/v1/openings/{opening_id}"
    try:
        current = liaison.get(path)
    except httpx.HTTPError as exc:
        return {"opening_id": opening_id, "edit_error": f"GET {type(exc).__name__}", "first_error": None}
    if current.status_code != 200:
        return {"opening_id": opening_id, "edit_error": f"GET {current.status_code}", "first_error": None}
    opening = current.json()
    details = dict(opening["details"])
    details["hourly_wage"] = round(float(details["hourly_wage"]) + (0.25 if j % 2 == 0 else -0.25), 2)
    body = {"version": opening["version"], "details": details}
    edit = send(liaison, Call("opening PUT", "PUT", path, json=body, expect="id"))
    cpu = [_server_cpu(ctx)]
    first = send(specialist, ctx.shortlist(j, "post"))
    cpu.append(_server_cpu(ctx))
    warm = send(specialist, ctx.shortlist(j + 1, "post"))
    cpu.append(_server_cpu(ctx))
    spent = [
        None if a is None or b is None else round((b - a) * 1000, 1)
        for a, b in zip(cpu[:-1], cpu[1:], strict=True)
    ]
    return {
        "opening_id": opening_id,
        "edit_ms": round(edit.ms, 2),
        "edit_error": edit.error,
        "first_ms": round(first.ms, 2),
        "first_error": first.error,
        "first_cpu_ms": spent[0],  # the server's CPU (all its threads) while it answered
        "next_ms": round(warm.ms, 2),
        "next_error": warm.error,
        "next_cpu_ms": spent[1],
    }


def _server_cpu(ctx: Context) -> float | None:
    """CPU seconds the server process (and its workers) used so far."""
    stats = server_stats(ctx.server.process)
    return stats["cpu_s"] if stats else None


def load(ctx: Context) -> dict[str, Any]:
    """``--load-clients`` threads x ``--load-requests`` mixed requests each."""
    args, prepared = ctx.args, ctx.prepared
    clients, employers = prepared.client_ids, prepared.employer_ids

    def thread_plan(t: int) -> Iterator[Call]:
        for j in range(args.load_requests):
            i = t * args.load_requests + j
            client = clients[i % len(clients)]
            kind = (t + j) % 3
            if kind == 0:
                yield ctx.shortlist(i, "post" if (t + j) // 3 % 2 == 0 else "get")
            elif kind == 1:
                yield Call("client read", "GET", f"/api/v1/clients/{client}", expect="id")
            else:
                params = {"employer_id": employers[i % len(employers)]}
                yield Call("opening list", "GET", "/api/v1/openings", params=params, expect="data")

    n = args.load_clients * args.load_requests
    run, extra = _timed_run(ctx, [thread_plan(t) for t in range(args.load_clients)], n, args.budget_seconds)
    result: dict[str, Any] = {
        "threads": args.load_clients,
        "requests_per_thread": args.load_requests,
        **extra,
    }
    result["all"] = summarize(run.samples, n_planned=n, wall_s=run.wall_s, stopped=run.stopped)
    for kind in sorted({s.kind for s in run.samples}):
        samples = [s for s in run.samples if s.kind == kind]
        result[kind] = summarize(samples, n_planned=len(samples), wall_s=run.wall_s, stopped=run.stopped)
    return result


def _progress(label: str, s: dict[str, Any]) -> str:
    return (
        f"  {label}: {s['n_done']}/{s['n_planned']} done ({s['stopped']}), {s['n_errors']} errors, "
        f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms"
    )


def parts(
    ctx: Context, *, shortlist: bool, edit: bool, load_test: bool, say: Callable[[str], None]
) -> dict[str, Any]:
    """Warm up, then the planned parts in order; ``say`` prints progress."""
    out: dict[str, Any] = {"warmup": warm_up(ctx)}
    say(_progress("warm-up (cold fit)", out["warmup"]))
    if shortlist:
        out["shortlists"] = []
        for concurrency in ctx.args.concurrency:
            out["shortlists"].append(shortlists(ctx, concurrency))
            say(_progress(f"shortlists, {concurrency} thread(s)", out["shortlists"][-1]["all"]))
    if edit:
        out["edits"] = edits(ctx)
        say(f"  edits: first shortlist after an edit {out['edits']['first_ms']} ms")
    if load_test:
        out["load"] = load(ctx)
        say(_progress("load test", out["load"]["all"]))
    stats = server_stats(ctx.server.process)
    if stats:
        out["server_rss_mib_end"] = round(stats["rss_mib"], 1)
    return out
