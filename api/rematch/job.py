"""The nightly re-match command: ``python -m api.rematch`` or ``placement-api rematch``.

    placement-api rematch [--scheduler tcp://host:8786] [--chunk-size N] [--resume RUN_ID]

What a run does is in :mod:`api.rematch.run`. Re-running a finished run changes
nothing. ``matcher rematch`` is the pure JSON-files run (or this one, ``--source db``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api import migrate
from api.config import get_settings
from api.db import make_engine, make_session_factory
from api.mail import mail_config
from api.rematch import store as rematch_store
from api.rematch.models import RematchRun, RunStatus
from api.rematch.run import JobOptions, run_job
from matcher.progress import polling
from matcher.rematch.congestion import DEFAULT_OVERBOOKING
from matcher.version import version_line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="placement-api rematch", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=version_line())
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``placement-api rematch`` (shared with ``python -m api.rematch``)."""
    parser.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786); default: this machine")
    parser.add_argument("--chunk-size", type=int, default=256, help="clients per committed chunk")
    parser.add_argument(
        "--resume", type=int, metavar="RUN_ID", help="resume this run (default: the unfinished one)"
    )
    parser.add_argument("--k", type=int, default=10, help="suggestions per client")
    parser.add_argument("--n-jobs", type=int, default=1, help="local worker processes (-1: all CPUs)")
    parser.add_argument(
        "--congestion-factor",
        type=float,
        default=DEFAULT_OVERBOOKING,
        help="primary suggestions per position (overbooking) before a client is an exception (0: off)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--test-kill-after", type=int, help=argparse.SUPPRESS)


# The run's counts in words, in the order a reader wants them (others follow as they are).
COUNT_WORDS = {
    "clients": "active clients",
    "openings": "open openings",
    "versions": "shortlists stored",
    "suggestions": "suggestions on them",
    "digests": "digests written",
    "skipped_clients": "clients skipped (invalid record)",
    "skipped_openings": "openings skipped (invalid record)",
    "skipped_in_run": "records skipped during the run",
    "max_shortlists_per_opening": "most shortlists one opening is on",
    "primaries_over_capacity": "primaries over capacity (no other suggestion within the allowed loss)",
    "openings_over_capacity": "openings over capacity",
}


def summary(run: RematchRun) -> dict[str, Any]:
    """The end-of-run facts, for ``--json`` and for :func:`summary_lines`."""
    return {
        "run_id": run.id,
        "status": run.status,
        "as_of": run.as_of.isoformat(),
        "clients_done": run.progress_done,
        "clients_total": run.progress_total,
        "counts": dict(run.counts),
        "errors": len(run.errors),
    }


def summary_lines(facts: dict[str, Any]) -> list[str]:
    """The summary as lines a person reads."""
    head = f"Re-match run {facts['run_id']} {facts['status']} (as of {facts['as_of']}): "
    lines = [head + f"{facts['clients_done']} of {facts['clients_total']} clients re-matched"]
    counts = facts["counts"]
    for key in [*COUNT_WORDS, *sorted(set(counts) - set(COUNT_WORDS))]:
        if key in counts and not isinstance(counts[key], list):  # lists (who is over capacity): --json
            lines.append(f"  {COUNT_WORDS.get(key, key.replace('_', ' '))}: {counts[key]}")
    if facts["status"] != RunStatus.FINISHED.value:
        lines.append(f"  not finished: resume it with --resume {facts['run_id']}")
    return lines


def _progress(factory: sessionmaker[Session]) -> tuple[int, int]:
    """(clients done, clients total) of the newest run, read by the progress bar."""
    with factory() as session:
        run = rematch_store.latest_run(session)
        return (run.progress_done, run.progress_total) if run is not None else (0, 0)


def run_from_args(args: argparse.Namespace) -> int:
    """Migrate, run (or resume) the job, print its summary (lines or ``--json``); the exit status."""
    if args.chunk_size < 1 or args.k < 1:
        raise SystemExit("--chunk-size and --k must be at least 1")
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    options = JobOptions(
        k=args.k,
        chunk_size=args.chunk_size,
        n_jobs=args.n_jobs,
        scheduler=args.scheduler,
        congestion_factor=args.congestion_factor or None,
        kill_after_chunks=args.test_kill_after,
        occupations_path=settings.occupations_path,
        audit_key=settings.audit_signing_key(),
        mail=mail_config(settings),
        digest_top_n=settings.digest_top_n,
    )
    try:
        as_of = getattr(args, "as_of", None) or settings.today()  # a resumed run keeps its own date
        with polling(lambda: _progress(factory), desc="re-matching clients"):
            run_id = run_job(factory, as_of=as_of, options=options, resume=args.resume)
    except LookupError as exc:
        raise SystemExit(str(exc)) from None
    with factory() as session:
        run = rematch_store.get_run(session, run_id=run_id)
        assert run is not None
        facts = summary(run)
    text = json.dumps(facts) if getattr(args, "json", False) else "\n".join(summary_lines(facts))
    sys.stdout.write(text + "\n")
    engine.dispose()
    return 0 if run.status == RunStatus.FINISHED.value else 1


class DatabaseSource:
    """``matcher rematch --source db``: the same run as ``placement-api rematch``, on the service DB.

    Registered as an entry point (group ``placement_matcher.rematch_sources``), so the pure
    ``matcher`` package offers it without importing ``api``. ``options`` are those it honours;
    ``matcher rematch`` refuses the others (``--max-loss``, ``--no-prefilter``, ``--config``,
    ``--run-id``, ``--previous`` and the file source's) instead of ignoring them.
    """

    options = frozenset({"as_of", "k", "chunk_size", "n_jobs", "scheduler", "congestion_factor", "resume"})

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--resume", type=int, metavar="RUN_ID", help="resume this run (db source)")

    def run(self, args: argparse.Namespace) -> int:
        options = argparse.Namespace(
            scheduler=args.scheduler,
            chunk_size=args.chunk_size,
            resume=args.resume,
            k=args.k,
            n_jobs=args.n_jobs,
            congestion_factor=args.congestion_factor,
            test_kill_after=None,
            as_of=args.as_of,
            json=getattr(args, "json", False),
        )
        return run_from_args(options)


SOURCE = DatabaseSource()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_from_args(_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
