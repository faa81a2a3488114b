"""A real uvicorn process serving ``api.main:app`` on 127.0.0.1 for the HTTP benchmark.

The service reads its settings from the environment (``PLACEMENT_*``), so the server
is configured the way an operator configures it; it runs from the repository root
(``models/`` and ``data/`` are found as in ``make serve``) and logs to a file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

_log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
_ASGI_ERROR = "Exception in ASGI application"
# The last line of a logged traceback: "sqlalchemy.exc.OperationalError: (...) database is locked".
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Timeout)\b:?.*$", re.MULTILINE)


@dataclass(frozen=True)
class Server:
    """A started server: where it answers, its process, and its log file."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    startup_s: float

    def log_errors(self) -> dict[str, int]:
        """Unhandled exceptions the server logged, by the last line of each traceback
        (the outermost exception of a chain), cut to 120 characters."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return {}
        lasts = (_EXCEPTION_LINE.findall(chunk)[-1:] for chunk in text.split(_ASGI_ERROR)[1:])
        return dict(Counter(line[:120] for found in lasts for line in found))

    def log_tail(self, n: int = 20) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(
    *, database_url: str, var_dir: Path, as_of: dt.date, occupations: Path | None
) -> dict[str, str]:
    """The environment of the server process: the caller's, plus the service settings."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        PLACEMENT_DATABASE_URL=database_url,
        PLACEMENT_VAR_DIR=str(var_dir),
        PLACEMENT_AS_OF=as_of.isoformat(),
        PLACEMENT_AUTO_MIGRATE="false",  # migrated when the database was prepared
        PLACEMENT_JWT_SECRET="httpbench-" + os.urandom(24).hex(),
        PLACEMENT_OCCUPATIONS_STORE=str(occupations or var_dir / "occupations"),
    )
    return env


@contextmanager
def serve(
    env: dict[str, str], *, workers: int, log_path: Path, startup_timeout_s: float = 180.0
) -> Iterator[Server]:
    """Start uvicorn on a free port, wait for ``/health``, and stop it afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:app",
        f"--host={HOST}",
        f"--port={port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    t0 = time.perf_counter()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://{HOST}:{port}", process, log_path, 0.0)
    try:
        _wait_healthy(server, startup_timeout_s)
        server = Server(server.base_url, process, log_path, time.perf_counter() - t0)
        _log.info("uvicorn pid %d on port %d (%d workers)", process.pid, port, workers)
        yield server
    finally:
        stop(process)


def _wait_healthy(server: Server, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer /health within {timeout_s:.0f} s:\n{server.log_tail()}")


def stop(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """SIGTERM the server (uvicorn stops its workers first); SIGKILL its group if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        # Not reaped yet, so the group id is still this server's (start_new_session).
        _log.warning("uvicorn pid %d did not stop; killing its process group", process.pid)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)


def server_stats(process: subprocess.Popen[bytes]) -> dict[str, float]:
    """CPU seconds and resident MiB of the server and its workers (psutil, when installed)."""
    try:
        import psutil  # noqa: PLC0415 - a dev dependency; the figures are optional
    except ImportError:
        return {}
    try:
        root = psutil.Process(process.pid)
        procs = [root, *root.children(recursive=True)]
        cpu = sum(p.cpu_times().user + p.cpu_times().system for p in procs)
        rss = sum(p.memory_info().rss for p in procs) / 2**20
    except psutil.Error:
        return {}
    return {"cpu_s": cpu, "rss_mib": rss}
