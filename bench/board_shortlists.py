"""Shortlists of demo clients over imported real postings, and how many concern unknowns.

``python -m bench.board_shortlists`` imports the 1,000-row LinkedIn file into a fresh database
and prints one demo client's shortlist with every concern (the output pasted in
``docs/real-postings.md``); :func:`unknown_concern_share` is the figure ``bench.board_imports``
prints: of the suggestions shown to demo clients, the share with a concern about something
the posting leaves unknown (shift times, pay, hours, the exact place).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from api import store
from bench.board_common import DATA, EXPORT_DAY, SAMPLE_1000, fresh_database, run_import
from matcher.assembly import build_matcher
from matcher.demo import generate, generate_demo
from matcher.messages import UNKNOWN
from matcher.pipeline import Matcher
from matcher.records import load_clients, load_openings
from matcher.types import Client, Shortlist

N_CLIENTS, SEED = 80, 12


@dataclass(frozen=True, slots=True)
class UnknownShare:
    clients: int
    openings: int
    shown: int
    with_unknown: int
    by_code: dict[str, int]

    @property
    def share(self) -> float:
        return self.with_unknown / self.shown if self.shown else 0.0


def pool_matcher(session: Session, *, as_of: dt.date) -> Matcher:
    """The engine fitted on the open, unexpired openings stored (as a shortlist request sees them)."""
    records = [o.record for o in store.openings.matchable(session, as_of=as_of)]
    openings, errors = load_openings(records)
    assert not errors, errors[:3]
    return build_matcher(openings, as_of=as_of)


def demo_clients(as_of: dt.date) -> list[Client]:
    """Demo clients over the catalog's eight metro areas (where most real postings are too)."""
    records, _ = generate(SEED, n_clients=N_CLIENTS, n_openings=0, metros=8, as_of=as_of)
    clients, errors = load_clients(records)
    assert not errors, errors[:3]
    return clients


def unknown_concern_share(session: Session, *, as_of: dt.date) -> UnknownShare:
    """Of the suggestions shown to the demo clients, how many carry a concern about an unknown."""
    matcher = pool_matcher(session, as_of=as_of)
    shortlists = matcher.recommend(demo_clients(as_of), explain_exclusions=False)
    shown = [s for sl in shortlists for s in sl.suggestions]
    codes = [{r.code for r in s.concerns if r.code in UNKNOWN} for s in shown]
    by_code = Counter(code for c in codes for code in c)
    return UnknownShare(
        clients=len(shortlists),
        openings=len(matcher.index.openings),
        shown=len(shown),
        with_unknown=sum(1 for c in codes if c),
        by_code=dict(sorted(by_code.items())),
    )


def shortlist_lines(shortlist: Shortlist, titles: dict[str, tuple[str, str]]) -> list[str]:
    lines = [f"{shortlist.n_considered} openings considered, {shortlist.n_excluded} ruled out"]
    for s in shortlist.suggestions:
        title, employer = titles[s.opening_id]
        lines.append(f"{s.rank}. {title} — {employer} (score {s.score:.2f})")
        lines += [f"     + {r.text}" for r in s.positives]
        lines += [f"     ? {r.text}  [{r.code}]" for r in s.concerns]
    return lines


def main() -> int:
    path = DATA / SAMPLE_1000
    if not path.exists():
        sys.stdout.write(f"skipped: {path} is absent\n")
        return 0
    with tempfile.TemporaryDirectory(prefix="board-shortlist-") as tmp:
        factory, user = fresh_database(Path(tmp) / "shortlist.db")
        report, _ = run_import(factory, user, path.read_bytes(), as_of=EXPORT_DAY)
        with factory() as session:
            matcher = pool_matcher(session, as_of=EXPORT_DAY)
        titles = {o.id: (o.title, o.employer) for o in matcher.index.openings}
        records, _ = generate_demo(n_clients=1, n_openings=0, as_of=EXPORT_DAY)
        clients, _ = load_clients(records)
        client = clients[0]
        [shortlist] = matcher.recommend([client], k=5, explain_exclusions=False)
    out = [
        f"imported {len(report.created)} of {report.n_rows} postings ({SAMPLE_1000}, as of {EXPORT_DAY});",
        f"demo client {client.id}: {client.max_commute_minutes} min by {', '.join(client.modes)}, "
        f"{client.min_hours:g}-{client.max_hours:g} h/week",
        *shortlist_lines(shortlist, titles),
    ]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
