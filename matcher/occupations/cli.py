"""``matcher occupations ...``: import O*NET/ESCO, resolve titles, related occupations.

The engine's ``matcher/cli.py`` calls :func:`register` with its sub-parsers;
each leaf parser sets ``func(args) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from matcher.errors import MatcherError
from matcher.occupations import esco as esco_mod
from matcher.occupations.normalize import normalize_title
from matcher.occupations.onet_import import ONET_ATTRIBUTION, ImportReport, import_onet
from matcher.occupations.profile import occupation_demands, occupation_phrases
from matcher.occupations.similar import OccupationNotFound, query_row, similar_occupations
from matcher.occupations.store import FORMAT_VERSION, OccupationStore
from matcher.occupations.titles import MIN_CONFIDENCE, resolve_title
from matcher.progress import bar
from matcher.version import version_line

DEFAULT_STORE = Path("var/occupations")


def version_text() -> str:
    """Version line plus the O*NET and ESCO attribution."""
    return (
        f"{version_line()}; matcher occupations (store format {FORMAT_VERSION})\n"
        f"O*NET: {ONET_ATTRIBUTION}\nESCO: {esco_mod.ATTRIBUTION}"
    )


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"matcher occupations: {text}\n")


def _json(record: object, *, compact: bool = False) -> None:
    _out(json.dumps(record, indent=None if compact else 2, ensure_ascii=False))


def register(subparsers: Any) -> None:
    """Add the ``occupations`` command and its sub-commands to an argparse sub-parser set."""
    parser = subparsers.add_parser(
        "occupations",
        help="O*NET/ESCO occupations: import, resolve titles, related occupations",
        description=version_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="occupations_command", metavar="COMMAND", required=True)

    imp = sub.add_parser(
        "import",
        help="import an O*NET release (text and/or Excel) and ESCO",
        description=version_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="O*NET release folder(s)")
    imp.add_argument("--esco", type=Path, help="ESCO CSV release (classification zip or its folder)")
    imp.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    imp.add_argument("--version", action="version", version=version_text())
    imp.set_defaults(func=cmd_import)

    res = sub.add_parser("resolve", help="free-text job title -> O*NET-SOC candidates")
    res.add_argument("title")
    res.add_argument("--top", type=int, default=5)
    res.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE)
    res.set_defaults(func=cmd_resolve)

    sim = sub.add_parser("similar", help="related occupations (transferable skills)")
    sim.add_argument("query", help="job title or O*NET-SOC code")
    sim.add_argument("--top", type=int, default=20)
    sim.set_defaults(func=cmd_similar)

    show = sub.add_parser("show", help="one occupation's profile and what the engine infers")
    show.add_argument("query", help="job title or O*NET-SOC code")
    show.set_defaults(func=cmd_show)

    shell = sub.add_parser(
        "shell",
        help="answer many queries with one loaded store (reads stdin line by line)",
        description=(
            "Load the store once, then answer one query per line of standard input:\n"
            "  resolve TITLE | similar TITLE-OR-CODE | show TITLE-OR-CODE\n"
            "A line without a command is resolved as a title. With --json each answer is one\n"
            'JSON line; an error is a JSON line with an "error" field.'
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    shell.add_argument("--top", type=int, default=10)
    shell.set_defaults(func=cmd_shell)

    for p in (imp, res, sim, show, shell):
        p.add_argument("--store", type=Path, default=DEFAULT_STORE, help=f"default {DEFAULT_STORE}")
    for p in (imp, res, sim, show, shell):
        p.add_argument("--json", action="store_true", help="JSON output")


def cmd_import(args: argparse.Namespace) -> int:
    """Run the import and report what was read."""
    try:
        report = import_onet(args.paths, args.store, esco=args.esco, force=args.force, progress=bar)
    except MatcherError as exc:
        _err(str(exc))
        return 2
    if args.json:
        _json({**dataclasses.asdict(report), "store": str(report.store), "rows": report.rows})
    else:
        _print_report(report)
    return 0


def _print_report(report: ImportReport) -> None:
    if report.up_to_date:
        _out(
            f"{report.store} already holds an import of exactly these files; nothing to do "
            "(use --force to rebuild)."
        )
    _out(f"Read {len(report.files)} files, {report.rows:,} rows ({', '.join(report.releases)}):")
    for f in report.files:
        _out(f"  {f['file']:<52} {int(f['rows']):>8,} rows  [{f['table']}]")
    c = report.counts
    _out(
        f"{'Store holds' if report.up_to_date else 'Stored'} {report.occupations:,} occupations, "
        f"{report.titles:,} titles in {report.store} (Job Zone: {c.get('with_job_zone', 0)}, "
        f"skills: {c.get('with_skills', 0)}, work styles: {c.get('with_work_styles', 0)}, "
        f"work activities: {c.get('with_activities', 0)})."
    )
    _out(f"O*NET: {ONET_ATTRIBUTION}")
    if "esco_titles" in c:
        _out(
            f"ESCO: {c['esco_linked_occupations']:,} ESCO occupations linked to O*NET by their "
            f"labels, adding {c['esco_titles']:,} titles."
        )
        _out(f"ESCO: {esco_mod.ATTRIBUTION}")


def _load(args: argparse.Namespace) -> OccupationStore | None:
    # OccupationStore.load keeps the store per path, so a shell session reads it once.
    try:
        return OccupationStore.load(args.store)
    except MatcherError as exc:
        _err(str(exc))
        return None


def cmd_resolve(args: argparse.Namespace) -> int:
    """Print the candidates for one title; exit 1 when it is unknown."""
    store = _load(args)
    if store is None:
        return 2
    found = resolve_title(store, args.title, top=args.top, min_confidence=args.min_confidence)
    if args.json:
        _json(
            compact=getattr(args, "compact", False),
            record={
                "title": args.title,
                "normalized": normalize_title(args.title),
                "unknown": not found,
                "candidates": [
                    {"code": c.code, "title": c.title, "confidence": c.confidence, "matched": c.matched}
                    for c in found
                ],
            },
        )
    elif not found:
        _out(
            f"unknown: no O*NET occupation matches {args.title!r} with confidence "
            f">= {args.min_confidence:.2f}"
        )
    for c in [] if args.json else found:
        _out(f"{c.code}  {c.confidence:.2f}  {c.title}  (matched {c.matched!r})")
    return 0 if found else 1


def cmd_similar(args: argparse.Namespace) -> int:
    """Print related occupations, most transferable first."""
    store = _load(args)
    if store is None:
        return 2
    try:
        row = query_row(store, args.query)
        related = similar_occupations(store, store.codes[row], top=args.top)
    except OccupationNotFound as exc:
        _err(str(exc))
        return 1
    if args.json:
        _json(
            compact=getattr(args, "compact", False),
            record={
                "query": args.query,
                "code": store.codes[row],
                "title": store.titles[row],
                "related": [
                    {
                        "code": r.code,
                        "title": r.title,
                        "score": r.score,
                        "job_zone": r.job_zone,
                        "shared": r.shared,
                        "basis": r.basis,
                    }
                    for r in related
                ],
            },
        )
        return 0
    basis = related[0].basis if related else "profile"
    note = " (no O*NET ratings: compared on title, description and titles only)" if basis == "text" else ""
    _out(f"Related to {store.codes[row]} {store.titles[row]}{note}:")
    for r in related:
        _out(f"  {r.code}  {r.score:.3f}  zone {r.job_zone or '?'}  {r.title}")
        _out(f"      shared: {'; '.join(r.shared) or '-'}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one occupation's profile: demands, phrases, RIASEC, Job Zone."""
    store = _load(args)
    if store is None:
        return 2
    try:
        row = query_row(store, args.query)
    except OccupationNotFound as exc:
        _err(str(exc))
        return 1
    code = store.codes[row]
    phrases = occupation_phrases(store, code)
    record = {
        "code": code,
        "title": store.titles[row],
        "description": store.descriptions[row],
        "job_zone": None if store.job_zone[row] != store.job_zone[row] else int(store.job_zone[row]),
        "education": store.education[row] or None,
        "riasec": [None if v != v else float(v) for v in store.riasec[row]],
        "inferred_demands": occupation_demands(store, code),
        "skills": list(phrases.skills),
        "knowledge": list(phrases.knowledge),
        "activities": list(phrases.activities),
        "technology": list(phrases.technology),
    }
    if args.json:
        _json(record, compact=getattr(args, "compact", False))
    else:
        for key, value in record.items():
            _out(f"{key:>17}: {value}")
    return 0


_SHELL_COMMANDS = {"resolve": cmd_resolve, "similar": cmd_similar, "show": cmd_show}


def cmd_shell(args: argparse.Namespace) -> int:
    """Answer one query per stdin line with the store loaded once; exit 2 if it cannot load."""
    if _load(args) is None:
        return 2
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        word, _, rest = text.partition(" ")
        command = _SHELL_COMMANDS.get(word.lower())
        query = rest.strip() if command else text
        command = command or cmd_resolve
        if not query:
            _shell_error(args, f"{word}: give a title or an O*NET-SOC code")
            continue
        if command is not cmd_resolve:
            try:
                query_row(OccupationStore.load(args.store), query)
            except OccupationNotFound as exc:
                _shell_error(args, str(exc))
                continue
        one = argparse.Namespace(
            store=args.store,
            json=args.json,
            compact=True,
            title=query,
            query=query,
            top=args.top,
            min_confidence=MIN_CONFIDENCE,
        )
        command(one)
        sys.stdout.flush()
    return 0


def _shell_error(args: argparse.Namespace, message: str) -> None:
    if args.json:
        _json({"error": message}, compact=True)
    else:
        _err(message)
