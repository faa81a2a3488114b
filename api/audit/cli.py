"""Offline audit-chain verification: ``python -m api.audit verify [--database-url URL]``.

The same command is ``placement-api audit verify``. Without ``--database-url`` it
reads the service's database from :class:`~api.config.Settings` (``DATABASE_URL``,
else ``var/placement.db``). Exit status: 0 the chain is intact, 1 it is broken
(the first broken seq is printed), 2 the database cannot be read.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from api.audit.verify import VerifyResult, verify_chain
from api.config import Settings
from api.db import normalize_url

_log = logging.getLogger(__name__)

EXIT_OK, EXIT_BROKEN, EXIT_UNREADABLE = 0, 1, 2


def _parse_anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise argparse.ArgumentTypeError(f"anchor must look like SEQ:HASH64, got {text!r}")
    return int(seq), digest.strip().lower()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api.audit", description="Audit-trail tools (read-only).")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-commands of ``python -m api.audit`` (also ``placement-api audit``)."""
    commands = parser.add_subparsers(dest="audit_command", required=True)
    verify = commands.add_parser("verify", help="recompute the hash chain, report the first break")
    verify.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: the service's, $DATABASE_URL else var/placement.db)",
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


def _engine_url(flag: str | None) -> str:
    """``--database-url``, else the service's database URL (Settings reads the environment)."""
    return normalize_url(flag or Settings().sqlalchemy_url)


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
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``verify`` command; returns the exit status."""
    try:
        url = _engine_url(args.database_url)
        problem = _check_sqlite_file(url)
        if problem is not None:
            print(f"ERROR: {problem}", file=sys.stderr)  # noqa: T201
            return EXIT_UNREADABLE
        result = _verify(url, dict(args.anchor))
    except ValidationError as exc:
        print(f"ERROR: invalid settings: {exc.errors()[0]['msg']}", file=sys.stderr)  # noqa: T201
        return EXIT_UNREADABLE
    except (ArgumentError, SQLAlchemyError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"ERROR: cannot read the audit trail: {first_line}", file=sys.stderr)  # noqa: T201
        return EXIT_UNREADABLE
    _print_result(result, as_json=args.json)
    return EXIT_OK if result.ok else EXIT_BROKEN


if __name__ == "__main__":
    sys.exit(main())
