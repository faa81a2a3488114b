"""Per-specialist digests of a run: what changed for each client of their caseload.

A digest is plain data (:class:`Digest`, JSON via :func:`digest_to_dict`) with
two readable renderings: Markdown for reading (:func:`digest_to_markdown`) and
CSV with one row per change (:func:`digest_to_csv`). Ordering is fixed:
specialists, clients and openings by id, changes by rank, so the same run
always gives byte-identical digests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.constraints import opening_unknowns
from matcher.csvout import rows_to_csv
from matcher.messages import UNKNOWN_SHORT
from matcher.rematch.shortlist_diff import Gone, ShortlistDiff
from matcher.types import Opening

GONE_TEXT = {
    Gone.CLOSED: "the opening was closed or withdrawn",
    Gone.FILLED: "the opening was filled",
    Gone.EXPIRED: "the posting expired",
    Gone.REJECTED: "rejected by the specialist",
    Gone.CLIENT_CHANGED: "the client's record changed and it no longer fits their limits",
    Gone.COMMUTE_CHANGED: "the commute is now beyond the client's limit",
    Gone.OPENING_CHANGED: "the opening's terms changed and no longer fit the client's limits",
    Gone.OUTRANKED: "still possible, but other openings now fit better",
}
CSV_COLUMNS = (
    "specialist_id",
    "client_id",
    "change",
    "opening_id",
    "title",
    "employer",
    "previous_rank",
    "rank",
    "previous_score",
    "score",
    "reason",
    "detail",
)


@dataclass(frozen=True)
class ClientDigest:
    """One client's part: the diff, the primary suggestion, and list size."""

    client_id: str
    diff: ShortlistDiff | None  # None: the client was not re-matched (see ``note``)
    primary: str | None = None
    n_suggestions: int = 0
    note: str = ""


@dataclass(frozen=True)
class Digest:
    """Everything one specialist needs from a run, clients sorted by id."""

    specialist_id: str
    run_id: str
    as_of: str
    clients: tuple[ClientDigest, ...]
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # opening id -> (title, employer)
    # opening id -> codes of the terms it leaves unknown (only openings with some)
    unknowns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, int]:
        """Counts of new, gone and moved suggestions, and of clients with changes."""
        diffs = [c.diff for c in self.clients if c.diff is not None]
        return {
            "clients": len(self.clients),
            "clients_with_changes": sum(d.changed for d in diffs),
            "new": sum(len(d.new) for d in diffs),
            "gone": sum(len(d.gone) for d in diffs),
            "moved": sum(len(d.moved) for d in diffs),
        }


def build_digests(
    caseloads: Mapping[str, Sequence[str]],
    diffs: Mapping[str, ShortlistDiff],
    *,
    run_id: str,
    as_of: str,
    openings: Mapping[str, Opening] | None = None,
    primaries: Mapping[str, str] | None = None,
    sizes: Mapping[str, int] | None = None,
    skipped: Mapping[str, str] | None = None,
) -> list[Digest]:
    """One digest per specialist, sorted by specialist id.

    Parameters
    ----------
    caseloads : mapping
        Specialist id -> ids of their clients.
    diffs : mapping
        Client id -> this run's :class:`ShortlistDiff`.
    run_id, as_of : str
        Identify the run.
    openings : mapping, optional
        Opening id -> opening, for titles and employers.
    primaries, sizes : mapping, optional
        Client id -> primary opening id / number of suggestions now.
    skipped : mapping, optional
        Client id -> why the client was not re-matched.
    """
    out = []
    for specialist in sorted(caseloads):
        clients = tuple(
            ClientDigest(
                client_id=c,
                diff=diffs.get(c),
                primary=(primaries or {}).get(c),
                n_suggestions=(sizes or {}).get(c, 0),
                note=(skipped or {}).get(c, "") if c not in diffs else "",
            )
            for c in sorted(set(caseloads[specialist]))
        )
        titles = _titles(clients, openings or {})
        unknowns = {o: codes for o in titles if (codes := _unknowns((openings or {})[o]))}
        out.append(Digest(specialist, run_id, as_of, clients, titles, unknowns))
    return out


def _unknowns(opening: Opening) -> tuple[str, ...]:
    return tuple(str(u.name) for u in opening_unknowns(opening))


def _titles(clients: Sequence[ClientDigest], openings: Mapping[str, Opening]) -> dict[str, tuple[str, str]]:
    ids: set[str] = set()
    for c in clients:
        if c.primary:
            ids.add(c.primary)
        if c.diff is not None:
            ids.update(x.opening_id for x in c.diff.new)
            ids.update(x.opening_id for x in c.diff.gone)
            ids.update(x.opening_id for x in c.diff.moved)
    return {o: (openings[o].title, openings[o].employer) for o in sorted(ids) if o in openings}


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """JSON-ready digest."""
    return {
        "specialist_id": digest.specialist_id,
        "run_id": digest.run_id,
        "as_of": digest.as_of,
        "totals": digest.totals,
        "clients": [
            {
                "client_id": c.client_id,
                "primary": c.primary,
                "n_suggestions": c.n_suggestions,
                "note": c.note,
                "changes": c.diff.to_dict() if c.diff is not None else None,
            }
            for c in digest.clients
        ],
        "openings": {
            o: {"title": t, "employer": e} | ({"unknowns": list(u)} if (u := digest.unknowns.get(o)) else {})
            for o, (t, e) in digest.titles.items()
        },
    }


def _label(digest: Digest, opening_id: str) -> str:
    title, employer = digest.titles.get(opening_id, ("(opening no longer listed)", ""))
    return f"{title} - {employer} [{opening_id}]" if employer else f"{title} [{opening_id}]"


def digest_to_markdown(digest: Digest) -> str:
    """A readable digest: totals, then per client what is new, gone (and why) and moved."""
    t = digest.totals
    lines = [
        f"# Re-match digest for {digest.specialist_id}, {digest.as_of}",
        "",
        f"Run `{digest.run_id}`: {t['clients']} clients, {t['clients_with_changes']} with changes; "
        f"{t['new']} new, {t['gone']} gone, {t['moved']} moved suggestions.",
    ]
    quiet = []
    for c in digest.clients:
        if c.diff is None:
            lines += ["", f"## {c.client_id}", "", f"Not re-matched: {c.note or 'no record in this run'}."]
        elif not c.diff.changed:
            quiet.append(c.client_id)
        else:
            lines += ["", *_client_markdown(digest, c)]
    if quiet:
        lines += ["", f"No changes: {', '.join(quiet)}."]
    return "\n".join(lines) + "\n"


def _client_markdown(digest: Digest, c: ClientDigest) -> list[str]:
    assert c.diff is not None
    d = c.diff
    head = f"## {c.client_id}" + (" (record changed)" if d.client_changed else "")
    lines = [head, ""]
    if c.primary:
        n = c.n_suggestions
        lines.append(f"Lead with: **{_label(digest, c.primary)}** ({n} suggestion{'s' * (n != 1)} in all)")
    elif not c.n_suggestions:
        lines.append("No feasible openings tonight.")
    if d.new:
        lines += ["", "New:"] + [
            f"- #{s.rank} {_label(digest, s.opening_id)}, score {s.score:.2f}"
            + (" (newly posted)" if s.new_opening else "")
            + _to_ask(digest, s.opening_id)
            for s in d.new
        ]
    if d.gone:
        lines += ["", "Gone:"] + [
            f"- {_label(digest, g.opening_id)} (was #{g.previous_rank}): {GONE_TEXT[g.reason]}"
            for g in d.gone
        ]
    if d.moved:
        lines += ["", "Moved:"] + [
            f"- {_label(digest, m.opening_id)}: #{m.previous_rank} -> #{m.rank} "
            f"({'up' if m.delta > 0 else 'down'} {abs(m.delta)})"
            for m in d.moved
        ]
    return lines


def digest_to_csv(digest: Digest) -> str:
    """One row per change (columns :data:`CSV_COLUMNS`), clients by id, changes by rank.

    Written by :func:`matcher.csvout.rows_to_csv`: a title or employer a spreadsheet would
    run as a formula is escaped.
    """
    rows: list[list[Any]] = []
    for c in digest.clients:
        if c.diff is None:
            rows.append(_csv_row(digest, c.client_id, "not_rematched", "", detail=c.note))
            continue
        for s in c.diff.new:
            rows.append(
                _csv_row(
                    digest,
                    c.client_id,
                    "new",
                    s.opening_id,
                    rank=s.rank,
                    score=s.score,
                    detail="; ".join(
                        part
                        for part in (
                            "newly posted" if s.new_opening else "",
                            " ".join(digest.unknowns.get(s.opening_id, ())),
                        )
                        if part
                    ),
                )
            )
        for g in c.diff.gone:
            rows.append(
                _csv_row(
                    digest,
                    c.client_id,
                    "gone",
                    g.opening_id,
                    previous_rank=g.previous_rank,
                    previous_score=g.previous_score,
                    reason=g.reason.value,
                    detail=" ".join(g.codes),
                )
            )
        for m in c.diff.moved:
            rows.append(
                _csv_row(
                    digest,
                    c.client_id,
                    "moved",
                    m.opening_id,
                    previous_rank=m.previous_rank,
                    rank=m.rank,
                    previous_score=m.previous_score,
                    score=m.score,
                )
            )
    return rows_to_csv(CSV_COLUMNS, rows)


def _to_ask(digest: Digest, opening_id: str) -> str:
    """' — to ask: shift times, pay' for an opening that leaves terms unknown, else ''."""
    codes = digest.unknowns.get(opening_id, ())
    return f" — to ask: {', '.join(UNKNOWN_SHORT[c] for c in codes)}" if codes else ""


def _csv_row(digest: Digest, client_id: str, change: str, opening_id: str, **values: Any) -> list[Any]:
    title, employer = digest.titles.get(opening_id, ("", ""))
    row = {
        "specialist_id": digest.specialist_id,
        "client_id": client_id,
        "change": change,
        "opening_id": opening_id,
        "title": title,
        "employer": employer,
        **values,
    }
    return [row.get(col, "") for col in CSV_COLUMNS]
