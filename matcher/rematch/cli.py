"""``matcher rematch``: the nightly re-match over JSON files, or over another installed source.

The file source is built in. Other sources (the service's database runner)
plug in without this package importing them: an entry point in the group
``placement_matcher.rematch_sources`` names an object with ``options`` (the
option names it honours, as ``args`` attributes), ``add_arguments(parser)``
and ``run(args) -> int``; ``--source NAME`` picks it. An option given on the
command line that the chosen source does not honour is refused (exit 2), never
silently ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Collection
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from matcher.assembly import trained_text_model
from matcher.benefits import dated
from matcher.config import MatcherConfig
from matcher.rematch import congestion, files
from matcher.rematch.nightly import nightly
from matcher.rematch.rescore import RematchOptions

_log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "placement_matcher.rematch_sources"
FILES = "files"


class Source(Protocol):
    """A source of re-match runs (the built-in files, or a plug-in such as the service database)."""

    @property
    def options(self) -> Collection[str]:
        """``args`` attributes of the options it honours (its own included)."""
        ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--as-of must be YYYY-MM-DD, got {text!r}") from exc


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def plugins() -> dict[str, Source]:
    """Installed plug-in sources by name (a broken plug-in is logged and left out)."""
    out: dict[str, Source] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            out[ep.name] = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not break the CLI
            _log.warning("rematch source %s could not be loaded: %s", ep.name, exc)
    return out


def options_from_args(args: argparse.Namespace) -> RematchOptions:
    """Execution options shared by every source."""
    factor = None if args.congestion_factor <= 0 else args.congestion_factor
    return RematchOptions(
        k=args.k,
        chunk_size=args.chunk_size,
        n_jobs=args.n_jobs,
        scheduler=args.scheduler,
        prefilter=not args.no_prefilter,
        congestion_factor=factor,
        congestion_max_loss=None if args.max_loss < 0 else args.max_loss,
    )


def _run_arguments(g: Any) -> None:
    g.add_argument(
        "--as-of",
        type=_date,
        help="run date for expiry checks (default: today; a resumed db run keeps its own)",
    )
    g.add_argument("--run-id", help="run identifier (default: rematch-<as-of>)")
    g.add_argument("--k", type=int, default=10, help="suggestions per client (default 10)")
    g.add_argument("--chunk-size", type=int, default=256, help="clients per chunk (default 256)")
    g.add_argument("--n-jobs", type=int, default=1, help="local worker processes (-1: all CPUs)")
    g.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    g.add_argument(
        "--congestion-factor",
        type=float,
        default=congestion.DEFAULT_OVERBOOKING,
        help="primaries per position (overbooking) before a client is an exception (0: off; default 2)",
    )
    g.add_argument(
        "--max-loss",
        type=float,
        default=5.0,
        help="points a primary may fall below the client's best (-1: no bound; default 5)",
    )
    g.add_argument(
        "--no-prefilter",
        action="store_true",
        help="candidates by geography only (skip the cheap per-pair checks)",
    )
    g.add_argument("--config", help="program configuration JSON (MatcherConfig.from_dict)")


class FileSource:
    """The built-in source: JSON files in, files out (see ``matcher.rematch.files``)."""

    options = frozenset(
        {
            *("as_of", "run_id", "k", "chunk_size", "n_jobs", "scheduler"),
            *("congestion_factor", "max_loss", "no_prefilter", "config"),
            *("clients_file", "openings_file", "previous", "caseloads", "blocked", "out_dir"),
        }
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--clients-file", help="JSON list of client records")
        parser.add_argument("--openings-file", help="JSON list of opening records")
        parser.add_argument("--previous", help="shortlists.json of the previous run (omit on the first run)")
        parser.add_argument("--caseloads", help="JSON object: specialist id -> client ids")
        parser.add_argument("--blocked", help="JSON object: client id -> opening ids the specialist rejected")
        parser.add_argument("--out-dir", help="where to write the outputs")

    def run(self, args: argparse.Namespace) -> int:
        missing = [o for o in ("clients_file", "openings_file", "out_dir") if not getattr(args, o)]
        if missing:
            sys.stderr.write(f"error: the file source needs {_flag(missing[0])}\n")
            return 2
        return run_files(args)


def register(subparsers: Any) -> None:
    """Add the ``rematch`` sub-command to the ``matcher`` command's sub-parsers."""
    sources: dict[str, Source] = {FILES: FileSource(), **plugins()}
    p = subparsers.add_parser(
        "rematch",
        help="nightly re-match: shortlists, diffs, digests, run record",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--source",
        choices=sorted(sources),
        help="where clients and openings come from (default: the files when --clients-file is given, "
        "else the service database when installed)",
    )
    _run_arguments(p.add_argument_group("run"))
    for name, source in sorted(sources.items(), key=lambda item: item[0] != FILES):
        source.add_arguments(p.add_argument_group(f"{name} source"))  # type: ignore[arg-type,unused-ignore]
    defaults = vars(p.parse_args([]))
    p.set_defaults(func=lambda args: run(args, sources, defaults))


def unsupported(args: argparse.Namespace, source: Source, defaults: dict[str, Any]) -> list[str]:
    """Flags given on the command line (values other than their defaults) that ``source`` does not honour."""
    given = [d for d, v in defaults.items() if d not in {"source", "func"} and getattr(args, d, v) != v]
    honoured = getattr(source, "options", ())  # a plug-in that declares nothing honours nothing shared
    return [_flag(d) for d in given if d not in honoured]


def run(args: argparse.Namespace, sources: dict[str, Source], defaults: dict[str, Any]) -> int:
    """Run with the chosen source, after refusing the options it would not honour."""
    logging.getLogger("matcher").setLevel(logging.INFO)
    if args.source is None:
        args.source = "db" if "db" in sources and not args.clients_file else FILES
    source = sources[args.source]
    refused = unsupported(args, source, defaults)
    if refused:
        supported = ", ".join(sorted(_flag(d) for d in getattr(source, "options", ()))) or "none"
        sys.stderr.write(
            f"error: the {args.source} source does not support {', '.join(refused)} "
            f"(it supports {supported})\n"
        )
        return 2
    return source.run(args)


def run_files(args: argparse.Namespace) -> int:
    """The file source: JSON in, files out (see ``matcher.rematch.files``)."""
    as_of = args.as_of or dt.date.today()
    raw = json.loads(Path(args.config).read_text(encoding="utf-8")) if args.config else {}
    config = dated(MatcherConfig.from_dict(raw), as_of, given=raw)  # the benefits figures of the date
    outcome = nightly(
        files.records(args.clients_file, "clients"),
        files.records(args.openings_file, "openings"),
        as_of=as_of,
        run_id=args.run_id or f"rematch-{as_of.isoformat()}",
        previous=files.read_previous(args.previous),
        caseloads=files.read_mapping(args.caseloads, "caseloads"),
        blocked=files.read_mapping(args.blocked, "blocked") or None,
        config=config,
        text_model=trained_text_model()[0],
        options=options_from_args(args),
    )
    files.write_outcome(outcome, args.out_dir)
    s = outcome.result.summary
    _out(
        f"re-matched {s.counts['clients']} clients against {s.counts['openings_open']} open openings "
        f"in {s.wall_seconds:.1f} s; {s.counts['pairs_scored']} pairs scored of {s.counts['pairs_total']}; "
        f"{sum(v for k, v in s.counts.items() if k.startswith('skipped_'))} records skipped; "
        f"{s.counts['clients_with_changes']} clients with changes; outputs in {args.out_dir}"
    )
    return 0
