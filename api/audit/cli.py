"""Offline audit-chain tools: ``python -m api.audit verify|checkpoint [--database-url URL]``.

The same commands are ``placement-api audit verify`` and ``placement-api audit checkpoint``.
Without ``--database-url`` they read the service's database from :class:`~api.config.Settings`
(``DATABASE_URL``, else ``var/placement.db``). ``verify`` exits 0 when the chain is intact,
1 when it is broken (the first broken seq is printed), 2 when the database cannot be read.
It checks the checkpoints' signatures when the checkpoint key is at hand
(``PLACEMENT_AUDIT_KEY``, ``PLACEMENT_AUDIT_KEY_FILE`` or ``var/audit_key``).
``checkpoint`` signs and stores the chain head (run it from cron or a systemd timer)
and prints it as ``SEQ:HASH``: keep that line outside the database and pass it to
``verify --anchor`` later.
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

from api.audit.checkpoints import write_checkpoint
from api.audit.verify import VerifyResult, verify_chain
from api.config import AUDIT_KEY_FILE, Settings
from api.db import normalize_url
from matcher.version import version_line

_log = logging.getLogger(__name__)

EXIT_OK, EXIT_BROKEN, EXIT_UNREADABLE = 0, 1, 2


def _parse_anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise argparse.ArgumentTypeError(f"anchor must look like SEQ:HASH64, got {text!r}")
    return int(seq), digest.strip().lower()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api.audit", description="Audit-trail tools.")
    parser.add_argument("--version", action="version", version=version_line())
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
    checkpoint = commands.add_parser("checkpoint", help="sign and store the chain head; print SEQ:HASH")
    checkpoint.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: the service's, $DATABASE_URL else var/placement.db)",
    )


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


def _existing_key(settings: Settings) -> bytes | None:
    """The checkpoint key if one is configured or already created (verify never creates one)."""
    configured = settings.audit_key is not None or settings.audit_key_file is not None
    if configured or (settings.var_dir / AUDIT_KEY_FILE).exists():
        return settings.audit_signing_key()
    return None


def _verify(url: str, anchors: dict[int, str], key: bytes | None) -> VerifyResult:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return verify_chain(session, anchors=anchors, key=key)
    finally:
        engine.dispose()


def _checkpoint(url: str, key: bytes) -> str | None:
    """Write a checkpoint; its ``SEQ:HASH`` (None for an empty chain)."""
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            row = write_checkpoint(session, key=key, reason="scheduled")
            return None if row is None else f"{row.seq}:{row.hash}"
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
    """Run a parsed ``verify`` or ``checkpoint`` command; returns the exit status."""
    try:
        url = _engine_url(args.database_url)
        problem = _check_sqlite_file(url)
        if problem is not None:
            print(f"ERROR: {problem}", file=sys.stderr)  # noqa: T201
            return EXIT_UNREADABLE
        if args.audit_command == "checkpoint":
            anchor = _checkpoint(url, Settings().audit_signing_key())
            print(anchor or "chain is empty: no checkpoint written")  # noqa: T201
            return EXIT_OK
        result = _verify(url, dict(args.anchor), _existing_key(Settings()))
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
