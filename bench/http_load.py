"""Timed HTTP requests from client threads (httpx), bounded in count and in time.

Each thread has its own ``httpx.Client`` (one keep-alive connection, as a browser
tab has) and sends one request at a time. A run stops starting requests when its
count is reached, its budget of seconds is spent, or a ``should_stop`` check says so
(polled every two seconds on a monitor thread); a request already sent may take up
to the per-request timeout. Every response is timed from sending to the last byte
of the body; anything but the expected status, a well-formed body included, is an
error, counted by its status (or ``timeout`` / ``transport``).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np

# Bodies up to this size are parsed and checked; larger ones only for their first key.
PARSE_LIMIT = 2_000_000
MONITOR_EVERY_S = 2.0


@dataclass(frozen=True)
class Call:
    """One planned request; ``expect`` is a top-level key a good JSON body has."""

    kind: str
    method: str
    path: str
    json: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    expect: str | None = None


@dataclass(frozen=True)
class Sample:
    kind: str
    status: int  # 0 when no response came
    error: str | None  # None for a good response
    ms: float
    n_bytes: int
    retried: bool = False


@dataclass
class Run:
    """The samples of one run, how long it took and why it stopped."""

    n_planned: int
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0
    stopped: str = "done"


def _check(call: Call, response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return str(response.status_code)
    body = response.content
    if call.expect is None:
        return None
    if len(body) > PARSE_LIMIT:
        ok = body[:1] == b"{" and f'"{call.expect}"'.encode() in body[:PARSE_LIMIT]
        return None if ok else "bad body"
    try:
        parsed = json.loads(body)
    except ValueError:
        return "bad body"
    return None if isinstance(parsed, dict) and call.expect in parsed else "bad body"


def send(client: httpx.Client, call: Call) -> Sample:
    """Send one request and time it to the end of its body.

    A request that meets a kept-alive connection the server has just closed (uvicorn
    closes it after an unhandled exception) is sent once more on a new connection, as
    browsers do; it is then marked ``retried``, its time counting both attempts.
    """
    t0 = time.perf_counter()
    retried = False
    while True:
        try:
            response = client.request(call.method, call.path, json=call.json, params=call.params)
            break
        except httpx.TimeoutException:
            return Sample(call.kind, 0, "timeout", (time.perf_counter() - t0) * 1e3, 0, retried)
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            if retried:
                ms = (time.perf_counter() - t0) * 1e3
                return Sample(call.kind, 0, f"transport: {type(exc).__name__}", ms, 0, retried)
            retried = True
        except httpx.TransportError as exc:
            ms = (time.perf_counter() - t0) * 1e3
            return Sample(call.kind, 0, f"transport: {type(exc).__name__}", ms, 0, retried)
    ms = (time.perf_counter() - t0) * 1e3
    error = _check(call, response)
    return Sample(call.kind, response.status_code, error, ms, len(response.content), retried)


def run_calls(
    base_url: str,
    headers: dict[str, str],
    plans: Sequence[Iterator[Call]],
    *,
    n_planned: int,
    budget_s: float,
    timeout_s: float,
    should_stop: Callable[[], str | None] | None = None,
) -> Run:
    """One thread per plan, each sending its plan's calls in turn until told to stop."""
    run = Run(n_planned=n_planned)
    lock = threading.Lock()
    stop = threading.Event()
    t0 = time.perf_counter()
    deadline = t0 + budget_s

    def work(plan: Iterator[Call]) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=timeout_s) as client:
            for call in plan:
                if stop.is_set():
                    return
                if time.perf_counter() >= deadline:
                    _stop("budget")
                    return
                sample = send(client, call)
                with lock:
                    run.samples.append(sample)

    def _stop(reason: str) -> None:
        with lock:
            if not stop.is_set():
                run.stopped = reason
                stop.set()

    threads = [threading.Thread(target=work, args=(plan,), daemon=True) for plan in plans]
    for thread in threads:
        thread.start()
    while alive := [t for t in threads if t.is_alive()]:
        alive[0].join(MONITOR_EVERY_S)
        if should_stop is not None and not stop.is_set() and (reason := should_stop()):
            _stop(reason)
    run.wall_s = time.perf_counter() - t0
    return run


def shared_plans(calls: Callable[[int], Call], *, n: int, concurrency: int) -> list[Iterator[Call]]:
    """``concurrency`` plans drawing calls 0..n-1 from one shared counter."""
    counter = itertools.count()
    lock = threading.Lock()

    def plan() -> Iterator[Call]:
        while True:
            with lock:
                i = next(counter)
            if i >= n:
                return
            yield calls(i)

    return [plan() for _ in range(concurrency)]


def summarize(samples: Sequence[Sample], *, n_planned: int, wall_s: float, stopped: str) -> dict[str, Any]:
    """Counts, error kinds, latency percentiles of good responses, and body sizes."""
    good = [s for s in samples if s.error is None]
    ms = np.array([s.ms for s in good], dtype=float)
    sizes = np.array([s.n_bytes for s in good], dtype=float)
    out: dict[str, Any] = {
        "n_planned": n_planned,
        "n_done": len(samples),
        "n_ok": len(good),
        "n_errors": len(samples) - len(good),
        "errors": dict(Counter(s.error for s in samples if s.error is not None)),
        "n_retried": sum(s.retried for s in samples),
        "stopped": stopped,
        "wall_s": round(wall_s, 3),
        "throughput_rps": round(len(samples) / wall_s, 3) if wall_s > 0 else None,
    }
    for name, q in (("p50_ms", 50), ("p95_ms", 95), ("p99_ms", 99)):
        out[name] = round(float(np.percentile(ms, q)), 2) if len(ms) else None
    out["max_ms"] = round(float(ms.max()), 2) if len(ms) else None
    out["body_bytes_median"] = int(np.median(sizes)) if len(sizes) else None
    out["body_bytes_max"] = int(sizes.max()) if len(sizes) else None
    out["ok_ms"] = [round(float(x), 2) for x in ms]
    out["error_samples"] = [[s.error, round(s.ms, 2)] for s in samples if s.error is not None][:100]
    return out
