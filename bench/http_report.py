"""The stdout report of ``bench.http``: each figure beside its target from issue 9."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

P95_SEQUENTIAL_MS = 100.0
P95_32_MS = 300.0
BODY_KB = 100.0
GROWTH_KB = 20.0
FIRST_AFTER_EDIT_MS = 200.0
KB = 1000.0


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _kb(value: float | None) -> str:
    return "-" if value is None else f"{value / KB:,.1f}"


def _n(summary: dict[str, Any]) -> str:
    text = f"{summary['n_done']}/{summary['n_planned']}"
    return text if summary["stopped"] == "done" else f"{text} ({summary['stopped']})"


def _errors(summary: dict[str, Any]) -> str:
    resent = f", {summary['n_retried']} resent" if summary.get("n_retried") else ""
    if not summary["n_errors"]:
        return "0" + resent
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(summary["errors"].items()))
    return f"{summary['n_errors']} ({kinds}{resent})"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    rows = list(rows)
    if not rows:
        return ["(not run)"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    return [line, rule, *body]


def _p95_target(concurrency: int) -> float | None:
    return {1: P95_SEQUENTIAL_MS, 32: P95_32_MS}.get(concurrency)


def shortlist_rows(runs: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for run in runs:
        for m in run.get("shortlists", []):
            target = _p95_target(m["concurrency"])
            growth = m["growth_bytes_per_shortlist"]
            cpu = m.get("server_cpu_s")
            n_done = m["all"]["n_done"]
            for method in ("post", "get"):
                if method not in m:
                    continue
                s = m[method]
                rows.append(
                    [
                        run["database"],
                        f"{run['openings']:,}",
                        str(m["concurrency"]),
                        method.upper(),
                        _n(s),
                        _errors(s),
                        _ms(s["p50_ms"]),
                        _ms(s["p95_ms"]) + ("" if target is None else f" (<= {target:.0f})"),
                        _kb(s["body_bytes_median"]),
                        _kb(growth),
                        "-" if cpu is None or not n_done else f"{cpu / n_done:,.2f}",
                    ]
                )
    return rows


def edit_rows(runs: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for run in runs:
        e = run.get("edits")
        if not e:
            continue
        done = [r for r in e["rows"] if r.get("edit_error") is None]
        rows.append(
            [
                run["database"],
                f"{run['openings']:,}",
                f"{e['n_done']}/{e['n_planned']}" + ("" if e["stopped"] == "done" else f" ({e['stopped']})"),
                str(e["n_errors"]),
                ", ".join(_ms(r["edit_ms"]) for r in done) or "-",
                ", ".join(_ms(ms) for ms in e["first_ms"]) or "-",
                ", ".join(_ms(r["first_cpu_ms"]) for r in done if r.get("first_cpu_ms") is not None) or "-",
                ", ".join(_ms(r["next_ms"]) for r in done if r.get("next_error") is None) or "-",
                ", ".join(_ms(r["next_cpu_ms"]) for r in done if r.get("next_cpu_ms") is not None) or "-",
                _kb(e.get("growth_bytes_per_edit")),
            ]
        )
    return rows


def load_rows(runs: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for run in runs:
        load = run.get("load")
        if not load:
            continue
        kinds = [k for k in load if isinstance(load[k], dict) and k != "all"]
        for kind in ["all", *kinds]:
            s = load[kind]
            rows.append(
                [
                    run["database"],
                    f"{run['openings']:,}",
                    f"{load['threads']} x {load['requests_per_thread']}" if kind == "all" else kind,
                    _n(s) if kind == "all" else str(s["n_done"]),
                    _errors(s) + (" (0)" if kind == "all" else ""),
                    _ms(s["p50_ms"]),
                    _ms(s["p99_ms"]),
                ]
            )
    return rows


def _verdict(value: float | None, limit: float, *, n_short: bool = False) -> str:
    if value is None:
        return "not measured"
    if value > limit:
        return "FAIL"
    return "PASS (fewer requests than asked)" if n_short else "PASS"


def target_rows(runs: list[dict[str, Any]], target_openings: int) -> list[list[str]]:
    rows = []
    for run in (r for r in runs if r["openings"] == target_openings and "shortlists" in r):
        db = run["database"]
        errors = sum(m["all"]["n_errors"] for m in run["shortlists"])
        short = any(m["all"]["stopped"] != "done" for m in run["shortlists"])
        rows.append(
            [f"{db}: shortlist errors, all modes", "0", str(errors), _verdict(errors, 0, n_short=short)]
        )
        for m in run["shortlists"]:
            target, s = _p95_target(m["concurrency"]), m["all"]
            if target is not None:
                label = f"{db}: shortlist p95, {m['concurrency']} thread(s)"
                verdict = _verdict(s["p95_ms"], target, n_short=s["stopped"] != "done")
                rows.append([label, f"<= {target:.0f} ms", f"{_ms(s['p95_ms'])} ms (n={s['n_ok']})", verdict])
        body = max((m["all"]["body_bytes_max"] or 0) for m in run["shortlists"]) or None
        rows.append(
            [
                f"{db}: body, k = 10 (largest)",
                f"<= {BODY_KB:.0f} kB",
                f"{_kb(body)} kB",
                _verdict(body, BODY_KB * KB),
            ]
        )
        growth = [
            m["growth_bytes_per_shortlist"]
            for m in run["shortlists"]
            if m["growth_bytes_per_shortlist"] is not None
        ]
        worst = max(growth) if growth else None
        rows.append(
            [
                f"{db}: growth per shortlist (worst)",
                f"<= {GROWTH_KB:.0f} kB",
                f"{_kb(worst)} kB",
                _verdict(worst, GROWTH_KB * KB),
            ]
        )
    for run in (r for r in runs if r["openings"] == target_openings and r.get("edits")):
        first = run["edits"]["first_max_ms"]
        rows.append(
            [
                f"{run['database']}: first shortlist after an edit (max)",
                f"<= {FIRST_AFTER_EDIT_MS:.0f} ms",
                f"{_ms(first)} ms",
                _verdict(first, FIRST_AFTER_EDIT_MS),
            ]
        )
    for run in (r for r in runs if r.get("load")):
        s = run["load"]["all"]
        rows.append(
            [
                f"{run['database']}: load test errors ({run['openings']:,} openings)",
                "0",
                str(s["n_errors"]),
                _verdict(s["n_errors"], 0, n_short=s["stopped"] != "done"),
            ]
        )
    return rows


def _run_lines(runs: list[dict[str, Any]]) -> list[str]:
    lines = []
    for run in runs:
        head = f"- {run['database']}, {run['openings']:,} openings: "
        if "skipped" in run or "failed" in run:
            lines.append(
                head + ("skipped: " + run["skipped"] if "skipped" in run else "FAILED: " + run["failed"])
            )
            continue
        p, w = run["prepared"], run.get("warmup", {})
        lines.append(
            head + f"{p['n_open']:,} open, {p['n_clients']} clients, {p['n_events']} audit events; "
            f"prepared in {sum(p['seconds'].values()):.1f} s, server up in {run['startup_s']:.1f} s, "
            f"first (cold) shortlist {_ms(w.get('max_ms'))} ms, {w.get('n_errors', '?')} errors; "
            f"server RSS at the end {run.get('server_rss_mib_end', '-')} MiB"
        )
        for line, count in sorted(run.get("server_errors", {}).items(), key=lambda kv: -kv[1])[:5]:
            lines.append(f"  - server logged {count} x {line}")
    return lines


def render(results: dict[str, Any], *, target_openings: int) -> str:
    """The whole report as text (markdown tables)."""
    meta, runs = results["meta"], results["runs"]
    workers = meta["args"].get("workers", 1)
    lines = [
        f"HTTP benchmark (issue 9), commit {meta['commit']}, {meta['started']}; uvicorn {workers} worker(s)",
        f"{meta['machine']}; load average {meta['load_average_start']} -> {meta.get('load_average_end')}",
        "",
        *_run_lines(runs),
        "",
        "Shortlists (k = 10): p50/p95 of good responses; n = done/planned; "
        "growth = database bytes (after - before) / good shortlists",
        *_table(
            [
                "database",
                "openings",
                "threads",
                "method",
                "n",
                "errors",
                "p50 ms",
                "p95 ms (target)",
                "body kB (<= 100)",
                "growth kB/shortlist (<= 20)",
                "server CPU s/req",
            ],
            shortlist_rows(runs),
        ),
        "",
        "First shortlist after an opening edit (PUT /openings/{id}), then the next one (warm)",
        *_table(
            [
                "database",
                "openings",
                "edits",
                "errors",
                "PUT ms",
                "first shortlist ms (<= 200)",
                "server CPU ms (first)",
                "next shortlist ms",
                "server CPU ms (next)",
                "growth kB/edit (edit + 2 shortlists)",
            ],
            edit_rows(runs),
        ),
        "",
        "Load test: client threads x mixed requests (shortlists, client reads, one employer's opening list)",
        *_table(
            ["database", "openings", "threads x requests", "n", "errors", "p50 ms", "p99 ms"], load_rows(runs)
        ),
        "",
        f"Targets at {target_openings:,} openings (load test at any size)",
        *_table(["target", "wanted", "measured", "verdict"], target_rows(runs, target_openings)),
    ]
    return "\n".join(lines)
