"""Job-board imports on the real shared files (issue 12): ``python -m bench.board_imports``.

For the LinkedIn files in ``../shared/data`` it imports each into a fresh SQLite database as
one liaison, through the same function as the route, the page and the CLI
(``api.importer.run_file_import``), and prints rows read, stored, rejected by reason and
warnings by kind; then checks that re-importing changes nothing and that one changed wage
updates exactly one opening with its audit event. Over the imported 1,000-row file it draws
shortlists for demo clients and counts the shown suggestions with a concern about something
the posting leaves unknown. The 33k-row file is imported in a fresh process of its own, which
reports its time, rows per second and peak RSS (the one-off build of the offline gazetteer
timed apart). Figures are printed beside the targets; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from api.audit import AuditEvent
from api.schemas import ImportReport
from bench.board_common import (
    DATA,
    EXPORT_DAY,
    FILE_33K,
    SAMPLE_165,
    SAMPLE_1000,
    TTL_DAYS,
    fresh_database,
    run_import,
)
from bench.board_shortlists import unknown_concern_share
from bench.common import load_average, machine
from matcher.geocode import geocode

TARGET_US_SHARE, TARGET_ROWS_S, TARGET_RSS_MIB = 0.90, 5_000, 1024


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return list(reader.fieldnames or []), list(reader)


def located(data: bytes, report: ImportReport) -> tuple[int, int]:
    """Rows that name a location (every one in the US in these LinkedIn exports), and how many
    of them were stored."""
    rejected = {e.row for e in report.errors}
    _, rows = _rows(data)
    named = [n for n, row in enumerate(rows, start=2) if (row.get("location") or "").strip()]
    return len(named), sum(1 for n in named if n not in rejected)


def with_one_wage_changed(data: bytes, report: ImportReport) -> tuple[bytes, str]:
    """The file with the first stored hourly-paid row earning a dollar more, and that row's job id."""
    header, rows = _rows(data)
    rejected = {e.row for e in report.errors}
    for n, row in enumerate(rows, start=2):
        if n not in rejected and row.get("pay_period") == "HOURLY" and row.get("min_salary"):
            row["min_salary"] = f"{float(row['min_salary']) + 1:g}"
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            return buffer.getvalue().encode(), row["job_id"]
    raise SystemExit("no hourly-paid row to change")


def _summary(name: str, report: ImportReport, seconds: float) -> None:
    stored = len(report.created) + len(report.updated) + report.n_unchanged
    _out(f"== {name} ({report.file_format})")
    _out(
        f"   rows read {report.n_rows:,}; stored {stored:,} (new {len(report.created):,}); "
        f"employers created {len(report.employers_created):,}; {seconds:.2f} s"
    )
    rejected = ", ".join(f"{k} {v}" for k, v in report.rejected.items()) or "none"
    _out(f"   rejected {sum(report.rejected.values()):,}: {rejected}")
    _out("   warnings: " + ", ".join(f"{k} {v:,}" for k, v in report.warning_counts.items()))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def sample_1000(directory: Path) -> None:
    data = (DATA / SAMPLE_1000).read_bytes()
    factory, user = fresh_database(directory / "sample1000.db")
    report, seconds = run_import(factory, user, data, as_of=EXPORT_DAY)
    _summary(f"{SAMPLE_1000}, as of {EXPORT_DAY}", report, seconds)
    n_located, stored = located(data, report)
    share = stored / n_located
    _out(
        f"   {_verdict(share >= TARGET_US_SHARE)}: {stored} of {n_located} rows with a US location stored "
        f"({share:.1%}; target >= {TARGET_US_SHARE:.0%})"
    )
    again, _ = run_import(factory, user, data, as_of=EXPORT_DAY)
    same = not again.created and not again.updated
    _out(
        f"   {_verdict(same)}: re-import: {len(again.created)} new, {len(again.updated)} updated, "
        f"{again.n_unchanged} unchanged"
    )
    changed, job_id = with_one_wage_changed(data, report)
    third, _ = run_import(factory, user, changed, as_of=EXPORT_DAY)
    with factory() as session:
        events = [
            e.payload["changes"]
            for e in session.scalars(select(AuditEvent).where(AuditEvent.kind == "opening.updated"))
        ]
    one = len(third.updated) == 1 and not third.created and len(events) == 1
    _out(
        f"   {_verdict(one)}: one wage changed (job {job_id}): {len(third.created)} new, "
        f"{len(third.updated)} updated; audit: {events}"
    )
    with factory() as session:
        shares = unknown_concern_share(session, as_of=EXPORT_DAY)
    _out(
        f"   shortlists of {shares.clients} demo clients over the {shares.openings} open imported postings: "
        f"{shares.shown} suggestions shown, {shares.with_unknown} ({shares.share:.1%}) with a concern "
        f"about an unknown ({shares.by_code})"
    )


def sample_165(directory: Path) -> None:
    data = (DATA / SAMPLE_165).read_bytes()
    factory, user = fresh_database(directory / "sample165.db")
    today = dt.date.today()
    report, seconds = run_import(factory, user, data, as_of=today)
    _summary(f"{SAMPLE_165}, as of {today}", report, seconds)
    truly = [
        n
        for n, row in enumerate(_rows(data)[1], start=2)
        if dt.datetime.fromtimestamp(float(row["expiry"]) / 1000, tz=dt.UTC).date() < today
    ]
    reported = {w.row for w in report.warnings if w.kind == "expired_on_arrival"}
    rejected = {e.row for e in report.errors}
    missed = [n for n in truly if n not in reported and n not in rejected]
    _out(
        f"   {_verdict(not missed)}: {len(reported)} of the {len(truly)} rows expired on arrival reported "
        f"as expired_on_arrival ({len(rejected)} rows rejected for other reasons)"
    )


def child_33k(path: Path, db: Path) -> None:
    """In a fresh process: import the 33k file; print JSON figures (peak RSS of this process)."""
    factory, user = fresh_database(db)
    started = time.perf_counter()
    geocode("Chicago, IL")  # the gazetteer is built once per process
    gazetteer_s = time.perf_counter() - started
    data = path.read_bytes()
    cpu = time.process_time()
    report, seconds = run_import(factory, user, data, as_of=EXPORT_DAY)
    cpu = time.process_time() - cpu  # this process's CPU (SQLite runs in it): less swayed by load
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "report": json.loads(report.model_dump_json(exclude={"warnings", "created"})),
        "created": len(report.created),
        "seconds": seconds,
        "cpu_s": cpu,
        "gazetteer_s": gazetteer_s,
        "peak_mib": peak_mib,
    }
    sys.stdout.write(json.dumps(figures) + "\n")


def file_33k(directory: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "bench.board_imports",
        "--child",
        str(DATA / FILE_33K),
        str(directory / "33k.db"),
    ]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    report = ImportReport.model_validate(figures["report"] | {"created": ["x"] * figures["created"]})
    _summary(f"{FILE_33K} (a process of its own)", report, figures["seconds"])
    rate = report.n_rows / figures["seconds"]
    with_build = report.n_rows / (figures["seconds"] + figures["gazetteer_s"])
    _out(
        f"   {_verdict(rate >= TARGET_ROWS_S)}: {report.n_rows:,} rows in {figures['seconds']:.2f} s = "
        f"{rate:,.0f} rows/s (target >= {TARGET_ROWS_S:,}); the gazetteer built once before: "
        f"{figures['gazetteer_s']:.1f} s ({with_build:,.0f} rows/s with it)"
    )
    _out(
        f"   CPU time of the import {figures['cpu_s']:.2f} s = "
        f"{report.n_rows / figures['cpu_s']:,.0f} rows per CPU-second"
    )
    _out(
        f"   {_verdict(figures['peak_mib'] < TARGET_RSS_MIB)}: peak RSS {figures['peak_mib']:,.0f} MiB "
        f"(target < {TARGET_RSS_MIB:,} MiB)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.board_imports", description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_33k(Path(args.child[0]), Path(args.child[1]))
        return 0
    missing = [n for n in (SAMPLE_1000, SAMPLE_165, FILE_33K) if not (DATA / n).exists()]
    if missing:
        _out(f"skipped: {', '.join(missing)} absent under {DATA}")
        return 0
    _out(f"machine: {machine()}; load {load_average()}; posting time-to-live {TTL_DAYS} days")
    with tempfile.TemporaryDirectory(prefix="bench-boards-") as tmp:
        sample_1000(Path(tmp))
        sample_165(Path(tmp))
        file_33k(Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
