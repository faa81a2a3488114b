"""``placement-api import-openings FILE --as USERNAME``: import a CSV of openings as a liaison.

The same import as ``POST /api/v1/openings/import`` (a job-board export or the project's own
format), for files an operator has on the server: no upload limit applies, of bytes or of rows.
Prints rows read, created, updated, unchanged, closed, rejected rows by reason and warnings by
kind; ``--json`` prints the whole report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from api import importer, store
from api.models import Role
from api.schemas import ImportReport
from matcher.progress import bar


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the CSV file")
    parser.add_argument("--as", dest="username", required=True, help="the importing liaison's username")
    parser.add_argument(
        "--profile",
        choices=["native", "linkedin", "jobspy"],
        help="the file's format (default: from its header)",
    )
    parser.add_argument(
        "--full-feed", action="store_true", help="close this source's openings missing from it"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report only; store nothing")
    parser.add_argument("--atomic", action="store_true", help="store nothing unless every row is valid")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")


def summary_lines(report: ImportReport) -> list[str]:
    """The report in a few lines: counts, rejected rows by reason, warnings by kind."""
    verb = "would create" if report.dry_run else "created"
    lines = [
        f"profile {report.file_format}: {report.n_rows} rows read; {verb} {len(report.created)}, "
        f"updated {len(report.updated)}, unchanged {report.n_unchanged}, closed {len(report.closed)}, "
        f"employers created {len(report.employers_created)}; "
        + ("stored" if report.committed else "nothing stored"),
        f"rejected {sum(report.rejected.values())}: "
        + (", ".join(f"{k} {v}" for k, v in report.rejected.items()) or "none"),
        "warnings: " + (", ".join(f"{k} {v}" for k, v in report.warning_counts.items()) or "none"),
    ]
    lines += [f"  row {e.row} {e.field} {e.value!r}: {e.message}" for e in report.errors[:20]]
    if len(report.errors) > 20:
        lines.append(f"  ... and {len(report.errors) - 20} more errors (--json lists them all)")
    return lines


def run(args: argparse.Namespace, session: Session, *, today: dt.date, ttl_days: int) -> int:
    """Import ``args.file`` as the liaison ``args.username``."""
    user = store.users.get_user_by_username(session, username=args.username)
    if user is None or user.role != Role.LIAISON or not user.is_active:
        raise SystemExit(f"import-openings: {args.username!r} is not an active liaison")
    try:
        text = importer.read_upload(args.file.read_bytes(), max_bytes=sys.maxsize)
        report = importer.run_file_import(
            session,
            user=user,
            text=text,
            profile=args.profile,
            atomic=args.atomic,
            today=today,
            ttl_days=ttl_days,
            dry_run=args.dry_run,
            full_feed=args.full_feed,
            progress=bar,
            max_rows=None,  # a file on the server: no upload limit of any kind
        )
    except importer.ImportRefused as refused:
        raise SystemExit(f"import-openings: {refused.detail}") from None
    except OSError as exc:
        raise SystemExit(f"import-openings: {exc}") from None
    out = [report.model_dump_json(indent=1)] if args.json else summary_lines(report)
    sys.stdout.write("\n".join(out) + "\n")
    return 0 if report.committed or report.dry_run else 1
