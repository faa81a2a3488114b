"""Mixed load against a real uvicorn server on the demo database (many users at once).

``demo_server`` loads the demo caseload into a fresh database and serves it with
``uvicorn --workers N`` on 127.0.0.1; ``run_load`` sends ``clients`` concurrent
clients x ``requests`` mixed requests (shortlists, client reads, opening lists) and
counts statuses and latencies. ``tests/api/test_load.py`` runs a small one; by hand::

    .venv/bin/python -m tests.api.loadgen --workers 2 --clients 50 --requests 20 [--postgresql]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api import migrate, security
from api.db import make_engine, make_session_factory
from api.demo import load_demo
from tests.api.conftest import AS_OF, SECRET, fresh_database

DEMO_PASSWORD = "demo-password-for-load"
SPECIALISTS = ("specialist", "specialist2")
KINDS = ("shortlist", "client", "openings")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout:.0f} s")


def _load_demo(database_url: str) -> None:
    """Migrate and load the demo users and caseload (``placement-api demo``), in this process."""
    security.configure(time_cost=1, memory_kib=1024, parallelism=1)  # as the server's env below
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        with make_session_factory(engine)() as session:
            load_demo(session, password=DEMO_PASSWORD, as_of=AS_OF)
    finally:
        engine.dispose()


@contextlib.contextmanager
def demo_server(
    directory: Path,
    *,
    database_url: str,
    workers: int = 2,
    ready_timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Base URL of ``uvicorn api.main:app --workers N`` serving the demo data in ``database_url``."""
    env = (
        os.environ
        | {
            "PLACEMENT_DEMO_MODE": "true",  # the database holds the demo users
            "PLACEMENT_VAR_DIR": str(directory),
            "DATABASE_URL": database_url,
            "PLACEMENT_JWT_SECRET": SECRET,
            "PLACEMENT_AS_OF": AS_OF.isoformat(),
            # Cheap password hashes: the logins happen before the load and are not measured.
            "PLACEMENT_ARGON2_TIME_COST": "1",
            "PLACEMENT_ARGON2_MEMORY_KIB": "1024",
            "PLACEMENT_ARGON2_PARALLELISM": "1",
        }
        | (env or {})
    )
    _load_demo(database_url)
    python = sys.executable
    port = free_port()
    command = [python, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning"]
    with open(directory / "server.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=ready_timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@dataclass
class LoadResult:
    """Statuses (0 = no response) and latencies (seconds) of every request, by kind."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def n_requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def n_errors(self) -> int:
        return self.n_requests - self.statuses[200]

    def quantile(self, q: float, kind: str | None = None) -> float:
        values = sorted(v for k, vs in self.latencies.items() if kind in (None, k) for v in vs)
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

    def summary(self) -> str:
        parts = [
            f"{self.n_requests} requests in {self.seconds:.1f} s, {self.n_errors} errors "
            f"(statuses {dict(sorted(self.statuses.items()))}), "
            f"p50 {self.quantile(0.5) * 1000:.0f} ms, p99 {self.quantile(0.99) * 1000:.0f} ms"
        ]
        for kind in KINDS:
            if self.latencies.get(kind):
                parts.append(
                    f"{kind}: p50 {self.quantile(0.5, kind) * 1000:.0f} ms, "
                    f"p99 {self.quantile(0.99, kind) * 1000:.0f} ms"
                )
        return "; ".join(parts)


def login_headers(url: str, username: str) -> dict[str, str]:
    response = httpx.post(
        f"{url}/api/v1/login/access-token",
        data={"username": username, "password": DEMO_PASSWORD},
        timeout=60,
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def run_load(url: str, *, clients: int = 50, requests: int = 20, timeout: float = 60) -> LoadResult:
    """``clients`` threads, released together, each sending ``requests`` mixed requests."""
    headers = [login_headers(url, name) for name in SPECIALISTS]
    caseloads = []
    for h in headers:
        listed = httpx.get(f"{url}/api/v1/clients", headers=h, params={"status": "active"}, timeout=60)
        listed.raise_for_status()
        caseloads.append([c["id"] for c in listed.json()["data"]])
    result = LoadResult(latencies={kind: [] for kind in KINDS})
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def work(i: int) -> None:
        caseload = caseloads[i % len(caseloads)]
        http = httpx.Client(base_url=f"{url}/api/v1", headers=headers[i % len(headers)], timeout=timeout)
        with http:
            barrier.wait()
            for j in range(requests):
                kind = KINDS[(i + j) % len(KINDS)]
                client_id = caseload[(i + j) % len(caseload)]
                path = {
                    "shortlist": f"/clients/{client_id}/shortlist",
                    "client": f"/clients/{client_id}",
                    "openings": "/openings",
                }[kind]
                start = time.perf_counter()
                try:
                    status, text = (r := http.get(path)).status_code, r.text[:200]
                except httpx.HTTPError as exc:
                    status, text = 0, repr(exc)
                elapsed = time.perf_counter() - start
                with lock:
                    result.statuses[status] += 1
                    result.latencies[kind].append(elapsed)
                    if status != 200 and len(result.failures) < 20:
                        result.failures.append(f"{kind} {status}: {text}")

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    deadline = start + timeout * requests + 60
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.perf_counter()))
    result.seconds = time.perf_counter() - start
    if any(t.is_alive() for t in threads):
        result.failures.append("some clients did not finish in time")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--postgresql", action="store_true", help="a fresh schema on the test PostgreSQL")
    parser.add_argument("--keep", type=Path, help="keep the database and server.log in this directory")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        directory = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        directory.mkdir(parents=True, exist_ok=True)
        backend = "postgresql" if args.postgresql else "sqlite"
        with (
            fresh_database(backend, directory) as database_url,
            demo_server(directory, database_url=database_url, workers=args.workers) as url,
        ):
            result = run_load(url, clients=args.clients, requests=args.requests)
        sys.stdout.write(f"{backend}, {args.workers} worker(s): {result.summary()}\n")
        for failure in result.failures[:10]:
            sys.stdout.write(f"  {failure}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
