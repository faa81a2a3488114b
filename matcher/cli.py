"""The ``matcher`` command: demo, shortlist, explain, batch (and occupations).

Printing to the terminal is this module's job; the engine itself never prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.assembly import build_matcher, trained_text_model
from matcher.batch import recommend_all
from matcher.benefits import dated
from matcher.config import FACTORS, MatcherConfig
from matcher.csvout import frame_to_csv
from matcher.errors import MatcherError
from matcher.fit_bands import BAND_WORDS, fit_band
from matcher.occupations import OccupationStore, enrich_clients
from matcher.pipeline import Matcher
from matcher.progress import bar, stages
from matcher.records import load_clients, load_openings
from matcher.serialize import exclusion_to_dict, shortlist_to_dict, suggestion_to_dict
from matcher.types import Client, Opening, Shortlist, Suggestion
from matcher.version import version_line

_log = logging.getLogger(__name__)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


@dataclass(frozen=True)
class _Inputs:
    """Clients (enriched from the occupation store, if any), openings, the date and the store."""

    clients: list[Client]
    openings: list[Opening]
    as_of: dt.date
    occupations: OccupationStore | None


def _load(args: argparse.Namespace) -> _Inputs:
    """Clients and openings from JSON files, or the seeded demo caseload."""
    from matcher import demo

    if args.clients_file or args.openings_file:
        if not (args.clients_file and args.openings_file):
            raise MatcherError("give both --clients-file and --openings-file")
        raw_clients = json.loads(Path(args.clients_file).read_text(encoding="utf-8"))
        raw_openings = json.loads(Path(args.openings_file).read_text(encoding="utf-8"))
        as_of = args.as_of or dt.date.today()
    else:
        raw_clients, raw_openings = demo.generate_demo(args.seed)
        as_of = args.as_of or demo.DEMO_AS_OF
    clients, client_errors = load_clients(raw_clients)
    openings, opening_errors = load_openings(raw_openings)
    for err in [*client_errors, *opening_errors]:
        sys.stderr.write(f"skipped: {err}\n")
    store = _occupations(Path(args.occupations))
    if store is not None:  # past-job strengths; openings are enriched when the matcher is built
        clients = enrich_clients(clients, store)
    return _Inputs(clients, openings, as_of, store)


def _occupations(store_path: Path) -> OccupationStore | None:
    """The imported O*NET store at ``store_path``, or None (nothing is inferred then)."""
    if not (store_path / "metadata.json").exists():
        _log.info("no occupation store at %s: demands and strengths are not inferred", store_path)
        return None
    sys.stderr.write(f"using the occupation store {store_path}: inferred demands and strengths are marked\n")
    return OccupationStore.load(store_path)


def _matcher(args: argparse.Namespace, inputs: _Inputs) -> Matcher:
    raw = json.loads(Path(args.config).read_text(encoding="utf-8")) if args.config else {}
    config = dated(MatcherConfig.from_dict(raw), inputs.as_of, given=raw)
    text_model, _ = trained_text_model()
    return build_matcher(
        inputs.openings,
        as_of=inputs.as_of,
        config=config,
        text_model=text_model,
        occupations=inputs.occupations,
    )


def _print_suggestion(s: Suggestion, opening: Opening) -> None:
    band = BAND_WORDS[fit_band(s.score)].lower()
    _out(f"  {s.rank:>2}. {s.score:6.2f} ({band})  {opening.title} - {opening.employer}  [{s.opening_id}]")
    parts = ", ".join(f"{f} {s.contributions[f]:.2f}" for f in FACTORS)
    _out(f"      points: {parts}")
    for r in s.positives:
        _out(f"      + {r.text}")
    for r in s.concerns:
        _out(f"      - {r.text}")
    for r in s.hints:
        _out(f"      > {r.text}")


def _print_shortlist(sl: Shortlist, client: Client, openings: dict[str, Opening]) -> None:
    interests = ", ".join(client.interests) or "none recorded"
    hours = f"{client.min_hours:g}-{client.max_hours:g} h/week"
    travel = f"{', '.join(client.modes)} up to {client.max_commute_minutes} min"
    _out(f"Client {client.id}: interests: {interests}; travel: {travel}; {hours}")
    if not sl.suggestions:
        _out("  no feasible openings")
    for s in sl.suggestions:
        _print_suggestion(s, openings[s.opening_id])
    excluded = ", ".join(f"{code} {n}" for code, n in sorted(sl.exclusion_counts.items()))
    _out(f"  excluded ({sl.n_excluded} of {sl.n_considered}): {excluded or 'none'}")
    _out()


# Clients ranked per step of the progress bar (the engine chunks on its own as well).
DEMO_STEP = 25


def _recommend_all(matcher: Matcher, clients: list[Client], k: int) -> list[Shortlist]:
    """Every client's shortlist, with a progress bar on a terminal."""
    steps = [clients[i : i + DEMO_STEP] for i in range(0, len(clients), DEMO_STEP)]
    out: list[Shortlist] = []
    for step in bar(steps, total=len(steps), desc=f"ranking {len(clients)} clients"):
        out += matcher.recommend(step, k=k, explain_exclusions=False)
    return out


def _demo_summary(inputs: _Inputs, matcher: Matcher, shortlists: list[Shortlist]) -> dict[str, Any]:
    """The demo's end-of-run facts (``--json`` prints them as they are)."""
    totals: Counter[str] = Counter()
    for sl in shortlists:
        totals.update(sl.exclusion_counts)
    return {
        "version": version_line(),
        "as_of": inputs.as_of.isoformat(),
        "config_hash": matcher.config.config_hash,
        "clients": len(inputs.clients),
        "openings": len(inputs.openings),
        "pairs": len(inputs.clients) * len(inputs.openings),
        "clients_with_suggestions": sum(1 for s in shortlists if s.suggestions),
        "feasible_pairs": sum(sl.n_considered - sl.n_excluded for sl in shortlists),
        "exclusions": dict(totals.most_common()),
    }


def cmd_demo(args: argparse.Namespace) -> int:
    """Ranked, explained shortlists for a few demo clients, and an exclusion summary."""
    with stages(2, desc="matcher demo") as step:
        step("loading the caseload and the openings")
        inputs = _load(args)
        step(f"fitting on {len(inputs.openings)} openings")
        matcher = _matcher(args, inputs)
    clients, openings, as_of = inputs.clients, inputs.openings, inputs.as_of
    shortlists = _recommend_all(matcher, clients, args.k)
    if args.json:
        _out(json.dumps(_demo_summary(inputs, matcher, shortlists), indent=2))
        return 0
    by_id = {o.id: o for o in openings}
    _out(
        f"{version_line()} demo: {len(clients)} clients, {len(openings)} openings, "
        f"as of {as_of}, config {matcher.config.config_hash}\n"
    )
    for sl, client in list(zip(shortlists, clients, strict=True))[: args.show]:
        _print_shortlist(sl, client, by_id)
    totals: Counter[str] = Counter()
    for sl in shortlists:
        totals.update(sl.exclusion_counts)
    n_pairs = len(clients) * len(openings)
    _out(f"Summary over all {len(clients)} clients ({n_pairs} client-opening pairs):")
    _out(f"  clients with at least one suggestion: {sum(1 for s in shortlists if s.suggestions)}")
    _out(f"  feasible pairs: {sum(sl.n_considered - sl.n_excluded for sl in shortlists)}")
    _out("  exclusions by reason (an opening can fail several):")
    for code, n in totals.most_common():
        _out(f"    {code:<36} {n}")
    return 0


def _one_client(args: argparse.Namespace) -> tuple[Client, list[Opening], Matcher]:
    """The client named by ``--client``, the openings, and a matcher fitted on them."""
    with stages(2, desc=f"matcher {args.command}") as step:
        step("loading the clients and the openings")
        inputs = _load(args)
        client = next((c for c in inputs.clients if c.id == args.client), None)
        if client is None:
            raise MatcherError(f"no client with id {args.client!r}")
        step(f"fitting on {len(inputs.openings)} openings")
        return client, inputs.openings, _matcher(args, inputs)


def cmd_shortlist(args: argparse.Namespace) -> int:
    """One client's shortlist, as text or JSON."""
    client, openings, matcher = _one_client(args)
    sl = matcher.recommend([client], k=args.k, explain_exclusions=not args.no_exclusions)[0]
    if args.json:
        payload = shortlist_to_dict(sl)
        for item in payload["suggestions"]:  # the score in words beside it, as the API gives it
            item["band"] = fit_band(float(item["score"]))
        _out(json.dumps(payload, indent=2, sort_keys=False))
    else:
        _print_shortlist(sl, client, {o.id: o for o in openings})
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Why (or why not) one opening for one client."""
    client, _, matcher = _one_client(args)
    result = matcher.explain(client, args.opening)
    payload: dict[str, Any]
    if isinstance(result, Suggestion):  # feasible; rank 0: held back by the cap per employer
        body = suggestion_to_dict(result)
        payload = {"suggested": result.rank > 0, "feasible": True, **body, "band": fit_band(result.score)}
    else:
        payload = {"suggested": False, "feasible": False, **exclusion_to_dict(result)}
    _out(json.dumps(payload, indent=2))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Score JSON files of clients and openings; write suggestions (and errors) as CSV."""
    raw_clients = json.loads(Path(args.clients_file).read_text(encoding="utf-8"))
    raw_openings = json.loads(Path(args.openings_file).read_text(encoding="utf-8"))
    as_of = args.as_of or dt.date.today()
    config = dated(MatcherConfig(), as_of)
    result = recommend_all(raw_clients, raw_openings, as_of=as_of, config=config, k=args.k, progress=bar)
    frame_to_csv(result.suggestions, args.out)
    if len(result.errors):
        errors_path = Path(args.out).with_suffix(".errors.csv")
        frame_to_csv(result.errors, errors_path)
        sys.stderr.write(f"{len(result.errors)} bad records skipped; see {errors_path}\n")
    _out(f"wrote {len(result.suggestions)} suggestions for {result.n_pairs} pairs to {args.out}")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--as-of must be YYYY-MM-DD, got {text!r}") from exc


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=7, help="demo data seed (default 7)")
    p.add_argument("--clients-file", help="JSON list of client records instead of the demo")
    p.add_argument("--openings-file", help="JSON list of opening records instead of the demo")
    p.add_argument("--as-of", type=_date, help="date for expiry checks (demo: its fixed date)")
    p.add_argument("--config", help="program configuration JSON (MatcherConfig.from_dict)")
    p.add_argument(
        "--occupations",
        default="var/occupations",
        help="O*NET profile store (matcher occupations import); used when present",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``matcher`` command."""
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__)
    parser.add_argument("--version", action="version", version=version_line())
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="explained shortlists for a few demo clients")
    _data_options(p)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--show", type=int, default=3, help="how many clients to print")
    p.add_argument("--json", action="store_true", help="print only the summary, as JSON")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("shortlist", help="one client's shortlist")
    _data_options(p)
    p.add_argument("--client", required=True)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-exclusions", action="store_true", help="omit the why-not of excluded openings")
    p.set_defaults(func=cmd_shortlist)
    p = sub.add_parser("explain", help="why or why not one opening for one client")
    _data_options(p)
    p.add_argument("--client", required=True)
    p.add_argument("--opening", required=True)
    p.set_defaults(func=cmd_explain)
    p = sub.add_parser("batch", help="score JSON files, write CSV")
    p.add_argument("--clients-file", required=True)
    p.add_argument("--openings-file", required=True)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_batch)
    _register_extensions(sub)
    return parser


def _register_extensions(sub: Any) -> None:
    """Sub-commands that live beside the engine (O*NET occupations, nightly re-match)."""
    from matcher.occupations import cli as occupations_cli
    from matcher.rematch import cli as rematch_cli

    occupations_cli.register(sub)
    rematch_cli.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``matcher`` command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (MatcherError, OSError, json.JSONDecodeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
