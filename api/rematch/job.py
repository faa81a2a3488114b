"""The nightly re-match command: ``python -m api.rematch`` or ``placement-api rematch``.

    placement-api rematch [--scheduler tcp://host:8786] [--chunk-size N] [--resume RUN_ID]

What a run does is in :mod:`api.rematch.run`. Re-running a finished run changes
nothing. ``matcher rematch`` is the pure JSON-files run (or this one, ``--source db``).
"""

from __future__ import annotations

import argparse
import logging
import sys

from api import migrate
from api.config import get_settings
from api.db import make_engine, make_session_factory
from api.mail import mail_config
from api.rematch import store as rematch_store
from api.rematch.models import RunStatus
from api.rematch.run import JobOptions, run_job


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="placement-api rematch", description=__doc__.split("\n")[0])
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
        default=1.0,
        help="primary suggestions allowed per position (0: no spreading)",
    )
    parser.add_argument("--test-kill-after", type=int, help=argparse.SUPPRESS)


def run_from_args(args: argparse.Namespace) -> int:
    """Migrate, run (or resume) the job, print one summary line; the exit status."""
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
        run_id = run_job(factory, as_of=as_of, options=options, resume=args.resume)
    except LookupError as exc:
        raise SystemExit(str(exc)) from None
    with factory() as session:
        run = rematch_store.get_run(session, run_id=run_id)
        assert run is not None
        sys.stdout.write(
            f"run {run.id} {run.status}: {run.progress_done}/{run.progress_total} clients, "
            f"counts {run.counts}\n"
        )
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
        )
        return run_from_args(options)


SOURCE = DatabaseSource()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_from_args(_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
