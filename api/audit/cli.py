"""Offline audit-chain verification: ``python -m api.audit verify [--database-url URL]``.

Exit status: 0 the chain is intact, 1 it is broken (the first broken seq is
printed), 2 the database cannot be read.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from api.audit.verify import VerifyResult, verify_chain

_log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///var/placement.db"
EXIT_OK, EXIT_BROKEN, EXIT_UNREADABLE = 0, 1, 2


def _parse_anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise argparse.ArgumentTypeError(f"anchor must look like SEQ:HASH64, got {text!r}")
    return int(seq), digest.strip().lower()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api.audit", description="Audit-trail tools (read-only).")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="recompute the hash chain, report the first break")
    verify.add_argument(
        "--database-url",
        default=None,
        help=f"SQLAlchemy URL (default: $DATABASE_URL, else {DEFAULT_URL})",
    )
    verify.add_argument(
        "--anchor",
        action="append",
        type=_parse_anchor,
        default=[],
        metavar="SEQ:HASH",
        help="a head printed earlier; fails if the chain no longer holds it (repeatable)",
    )
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _engine_url(flag: str | None) -> str:
    url = flag or os.environ.get("DATABASE_URL") or DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _check_sqlite_file(url: str) -> str | None:
    """Refuse to verify a SQLite file that does not exist (connecting would create it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if not Path(parsed.database).is_file():
        return f"database file not found: {parsed.database}"
    return None


def _verify(url: str, anchors: dict[int, str]) -> VerifyResult:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return verify_chain(session, anchors=anchors)
    finally:
        engine.dispose()


def _print_result(result: VerifyResult, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(asdict(result), indent=2))  # noqa: T201
    else:
        status = "OK" if result.ok else "BROKEN"
        print(f"{status}: {result.message}")  # noqa: T201


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        url = _engine_url(args.database_url)
        problem = _check_sqlite_file(url)
        if problem is not None:
            print(f"ERROR: {problem}", file=sys.stderr)  # noqa: T201
            return EXIT_UNREADABLE
        result = _verify(url, dict(args.anchor))
    except (ArgumentError, SQLAlchemyError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"ERROR: cannot read the audit trail: {first_line}", file=sys.stderr)  # noqa: T201
        return EXIT_UNREADABLE
    _print_result(result, as_json=args.json)
    return EXIT_OK if result.ok else EXIT_BROKEN


if __name__ == "__main__":
    sys.exit(main())
