"""CSV import benchmark (``python -m bench.imports``): generated openings through the HTTP endpoint.

For each database (a fresh SQLite file and a fresh PostgreSQL schema by default)
it migrates the database, creates one liaison, starts the real service
(``uvicorn api.main:app`` on 127.0.0.1), logs in through ``/login/access-token``,
creates the employers through ``POST /employers`` and then uploads the rows to
``POST /openings/import`` in files of ``--rows-per-file`` rows (5,000 by default, as the
endpoint's limit was when the figures began; the limit is now ``PLACEMENT_MAX_IMPORT_ROWS``), one
after the other. It prints the wall time of the uploads,
rows per second, the service process's CPU time (PostgreSQL's own is not in it)
and its peak RSS (``VmHWM``: start-up and text model included), and checks that the database
holds every created opening with its audit event (``--verify`` also recomputes the
audit chain).

The rows are ``matcher.demo.generate`` openings (several hundred employers over 8
metro areas, titles from the demo catalog) plus deliberate near-duplicates: copies
of an earlier row of the same employer with a reworded title (case, word order,
punctuation, one typo) a few hundred metres away, which the import should refuse,
and copies a few km away, which it should store. Speed is reported here, never
asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from api import migrate, security
from api.audit import AuditEvent, verify_chain
from api.config import Settings
from api.db import make_engine, make_session_factory
from api.models import Opening, Role
from api.schemas import UserCreate
from bench.common import SEED, load_average, machine
from matcher import demo

_log = logging.getLogger(__name__)

PG_DEFAULT = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: Rows per uploaded file: 5,000, the endpoint's limit when these figures began (comparable runs).
ROWS_PER_FILE = 5000
TARGET_S = 60.0  # 100k rows
SECRET = "bench-imports-signing-key-0123456789abcdef"
USERNAME, PASSWORD = "bench-liaison", "bench liaison password"
DUPLICATE_SHARE, FAR_COPY_SHARE = 0.04, 0.01
COLUMNS = (
    "employer_id title description industry onet_soc lat lon remote shifts hours_per_week hourly_wage "
    "positions required_skills preferred_skills demands offered_to_all on_request background_check "
    "fair_chance posted expires"
).split()


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _reword(title: str, how: int, rng: np.random.Generator) -> str:
    """A near-duplicate spelling of ``title``: case, word order, punctuation or one typo."""
    words = title.split()
    if how == 0:
        return title.upper() if rng.random() < 0.5 else title.lower()
    if how == 1 and len(words) > 1:
        return " ".join(words[1:] + words[:1])
    if how == 2:
        return title + "."
    i = int(rng.integers(1, max(2, len(title) - 1)))
    return title[:i] + title[i + 1 :]  # one letter dropped


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` raw opening records in upload order, about 5% of them deliberate copies."""
    n_copies = int(n * (DUPLICATE_SHARE + FAR_COPY_SHARE))
    _, records = demo.generate(seed, n_clients=0, n_openings=n - n_copies, metros=8)
    rng = np.random.default_rng(seed + 1)
    positions = np.sort(rng.integers(1, len(records), n_copies))
    out = list(records)
    for k, at in enumerate(positions.tolist()[::-1]):  # back to front: earlier positions stay valid
        source = dict(records[int(rng.integers(0, at))])
        far = k % 5 == 0  # FAR_COPY_SHARE of the copies
        source["title"] = _reword(source["title"], int(rng.integers(0, 4)), rng)
        if source.get("location"):
            step = (0.03 if far else 0.002) * (1 if rng.random() < 0.5 else -1)
            loc = source["location"]
            source["location"] = {"lat": round(loc["lat"] + step, 5), "lon": loc["lon"]}
        out.insert(at, source)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def csv_files(records: Sequence[dict[str, Any]], employer_ids: dict[str, str], per_file: int) -> list[bytes]:
    """The records as CSV files of at most ``per_file`` rows each."""
    files = []
    for start in range(0, len(records), per_file):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for record in records[start : start + per_file]:
            location = record.get("location") or {}
            cells = {**record, "employer_id": employer_ids[record["employer"]], **location}
            writer.writerow([_cell(cells.get(c)) for c in COLUMNS])
        files.append(buffer.getvalue().encode())
    return files


@contextmanager
def fresh_database(spec: str, directory: Path) -> Iterator[str]:
    """URL of an empty database: a new SQLite file, or a new schema in a PostgreSQL database.

    ``spec`` is ``sqlite`` (a file in ``directory``), ``postgresql`` (:data:`PG_DEFAULT`),
    an ``sqlite:///`` URL of a file that does not exist yet, or a PostgreSQL URL.
    """
    url = {"sqlite": f"sqlite:///{directory / 'imports.db'}", "postgresql": PG_DEFAULT}.get(spec, spec)
    if make_url(url).get_backend_name() == "sqlite":
        path = make_url(url).database
        if not path or Path(path).exists():
            raise SystemExit(f"{url}: give the path of a new SQLite file")
        yield url  # a file of its own (a temporary directory's for "sqlite"), kept afterwards
        return
    schema = f"bench_imports_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        in_schema = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield in_schema.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _prepare(url: str) -> None:
    """Migrate the database and create the liaison (cheap password hash)."""

    security.configure_from(Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1))
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        user = UserCreate(username=USERNAME, password=PASSWORD, role=Role.LIAISON)
        security.create_user(session, user_create=user)
        session.commit()
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(url: str, var_dir: Path) -> Iterator[tuple[str, psutil.Process]]:
    """A real uvicorn process serving ``api.main:app`` on ``url``'s database."""
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "PLACEMENT_VAR_DIR": str(var_dir),
        "PLACEMENT_JWT_SECRET": SECRET,
        "PLACEMENT_AS_OF": demo.DEMO_AS_OF.isoformat(),
        "PLACEMENT_AUTO_MIGRATE": "false",
    }
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([*command, "--log-level", "warning", "--no-access-log"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.2)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _peak_rss_mib(process: psutil.Process) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float(process.memory_info().rss) / 2**20


@dataclass(frozen=True, slots=True)
class Result:
    database: str
    rows: int
    files: int
    created: int
    duplicates: int
    errors: int
    wall_s: float
    server_cpu_s: float
    peak_rss_mib: float
    file_s: tuple[tuple[float, float], ...]  # (wall, server CPU) of each upload
    check: str

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.wall_s


def _upload(client: httpx.Client, headers: dict[str, str], data: bytes) -> dict[str, Any]:
    files = {"file": ("openings.csv", data, "text/csv")}
    response = client.post("/api/v1/openings/import", headers=headers, files=files)
    response.raise_for_status()
    report: dict[str, Any] = response.json()
    return report


def _check(url: str, created: int, *, verify: bool) -> str:
    """Openings stored, their ``opening.created`` events and (``verify``) the chain."""

    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        stored = session.scalar(select(func.count()).select_from(Opening))
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "opening.created")
        )
        line = f"stored {stored} of {created} created, {events} opening.created events"
        if verify:
            line += "; " + verify_chain(session).message.split(", head")[0]
    engine.dispose()
    return line


def run(spec: str, records: list[dict[str, Any]], args: argparse.Namespace) -> Result:
    """Import ``records`` into a fresh database (see :func:`fresh_database`) through a real server."""
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp, fresh_database(spec, Path(tmp)) as url:
        _prepare(url)
        with serve(url, Path(tmp)) as (base, process), httpx.Client(base_url=base, timeout=600) as client:
            form = {"username": USERNAME, "password": PASSWORD}
            token = client.post("/api/v1/login/access-token", data=form).raise_for_status().json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            employer_ids = {}
            for name in sorted({r["employer"] for r in records}):
                body = {"name": name}
                employer_ids[name] = client.post("/api/v1/employers", headers=headers, json=body).json()["id"]
            files = csv_files(records, employer_ids, args.rows_per_file)
            cpu0, t0 = sum(process.cpu_times()[:2]), time.perf_counter()
            file_s, totals = [], {"created": 0, "duplicates": 0, "errors": 0}
            for data in files:
                c, t = sum(process.cpu_times()[:2]), time.perf_counter()
                report = _upload(client, headers, data)
                file_s.append((time.perf_counter() - t, sum(process.cpu_times()[:2]) - c))
                for key in totals:
                    totals[key] += len(report[key])
            wall = time.perf_counter() - t0
            cpu = sum(process.cpu_times()[:2]) - cpu0
            peak = _peak_rss_mib(process)
        check = _check(url, totals["created"], verify=args.verify)
    return Result(
        database=make_url(url).get_backend_name(),
        rows=len(records),
        files=len(files),
        **totals,
        wall_s=wall,
        server_cpu_s=cpu,
        peak_rss_mib=peak,
        file_s=tuple(file_s),
        check=check,
    )


def _report(result: Result) -> None:
    _out(f"== {result.database}: {result.rows:,} rows in {result.files} files")
    _out(
        f"   {result.wall_s:.1f} s = {result.rows_per_s:,.0f} rows/s "
        f"(service process CPU {result.server_cpu_s:.1f} s), its peak RSS {result.peak_rss_mib:,.0f} MiB"
    )
    _out(
        f"   created {result.created:,}, near-duplicates {result.duplicates:,}, row errors {result.errors:,}"
    )
    (first, _), (last, _) = result.file_s[0], result.file_s[-1]
    _out(f"   per file: first {first:.2f} s, last {last:.2f} s; {result.check}")
    _log.info("   per file, wall/server CPU s: %s", " ".join(f"{w:.2f}/{c:.2f}" for w, c in result.file_s))
    if result.rows >= 100_000:
        verdict = "PASS" if result.wall_s <= TARGET_S else "FAIL"
        _out(f"   {verdict}: 100k rows in <= {TARGET_S:.0f} s ({result.wall_s:.1f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to import (default 100000)")
    parser.add_argument(
        "--database",
        action="append",
        metavar="URL",
        help="sqlite, postgresql, a new sqlite:/// file or a PostgreSQL URL (a fresh schema is made "
        "in it); repeatable; default: sqlite and postgresql (BENCH_POSTGRES_URL or " + PG_DEFAULT + ")",
    )
    parser.add_argument("--rows-per-file", type=int, default=ROWS_PER_FILE, help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--verify", action="store_true", help="also recompute the audit chain")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each file's time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    _log.setLevel(logging.INFO if args.verbose else logging.WARNING)
    _out(f"machine: {machine()}; load {load_average()}")
    t0 = time.perf_counter()
    records = generate(args.rows, args.seed)
    _out(f"generated {len(records):,} rows in {time.perf_counter() - t0:.1f} s (seed {args.seed})")
    for spec in args.database or ["sqlite", "postgresql"]:
        _report(run(spec, records, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
