"""Per-specialist digests of a run: what matters on each caseload this morning.

A digest is plain data (:class:`Digest`, stored as JSON via :func:`digest_to_dict`).
:func:`summarize` reads that JSON (as stored, or narrowed to today's caseload) and
puts what matters first:

1. new strong suggestions (score from ``strong_from``);
2. suggestions gone and why (filled, closed, expired, now excluded by a reason; one that
   was merely outranked only when it was in the top ``top_n``);
3. clients with no suggestions, then those with fewer than asked for, each with what would
   open more options (the engine's single changes, nearest misses and exclusion counts);
4. rank moves only where a suggestion enters or leaves the top ``top_n``: one change
   above shifting #7 to #6 is never listed.

Markdown (:func:`summary_to_markdown`) and CSV (:func:`summary_to_csv`, through the
formula-safe :func:`matcher.csvout.rows_to_csv`) render the summary; the service renders
the same summary to HTML. Ordering is fixed (clients by label then id, items by rank), so
the same run always gives byte-identical digests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.constraints import opening_unknowns
from matcher.csvout import rows_to_csv
from matcher.fit_bands import BAND_WORDS, BANDS, fit_band
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
#: Suggestions entering or leaving this many top places are reported (moves elsewhere are not).
TOP_N = 3
#: The lowest score called a strong fit (the fit bands' "strong").
STRONG_FROM = dict(BANDS)["strong"]
#: The kinds of run a digest comes from: the scheduled one, or one an admin started.
RUN_KINDS = ("nightly", "extra")
#: The sections of a summary, most important first: key -> heading.
SECTIONS = {
    "strong_new": "New strong suggestions",
    "gone": "Suggestions gone",
    "no_suggestions": "Clients with no suggestions",
    "short_list": "Clients with fewer suggestions than asked for",
    "top_moves": "Changes in the top {top_n}",
    "not_rematched": "Not re-matched",
}
CSV_COLUMNS = (
    "section",
    "client_id",
    "client",
    "opening_id",
    "title",
    "employer",
    "previous_rank",
    "rank",
    "score",
    "band",
    "reason",
    "detail",
)


@dataclass(frozen=True)
class ClientDigest:
    """One client's part: the diff, the primary suggestion, list size, and options when short.

    ``options``: for a client left with fewer suggestions than asked for, the engine's ``exclusion_counts``
    (code -> openings), ``near_misses`` (``matcher.serialize.near_miss_to_dict``) and
    ``changes``, what would open more options (``matcher.options.change_to_dict``).
    """

    client_id: str
    diff: ShortlistDiff | None  # None: the client was not re-matched (see ``note``)
    primary: str | None = None
    n_suggestions: int = 0
    note: str = ""
    label: str = ""
    options: Mapping[str, Any] | None = None
    over_capacity: bool = False  # the primary's opening was already full (a congestion exception)


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
    specialist_name: str = ""
    run_kind: str = "nightly"
    started_at: str = ""  # ISO time the run started (UTC), "" when not known

    @property
    def totals(self) -> dict[str, int]:
        """Counts of new, gone and moved suggestions, and of clients with changes."""
        return totals_of(digest_to_dict(self)["clients"])


def totals_of(clients: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The totals of a digest's clients (as JSON): also used after narrowing to a caseload."""
    diffs = [c["changes"] for c in clients if c.get("changes") is not None]
    return {
        "clients": len(clients),
        "clients_with_changes": sum(bool(d["new"] or d["gone"] or d["moved"]) for d in diffs),
        "new": sum(len(d["new"]) for d in diffs),
        "gone": sum(len(d["gone"]) for d in diffs),
        "moved": sum(len(d["moved"]) for d in diffs),
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
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    run_kind: str = "nightly",
    started_at: str = "",
    over_capacity: Collection[str] = (),
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
        Opening id -> opening, for titles and employers (near misses' openings too).
    primaries, sizes : mapping, optional
        Client id -> primary opening id / number of suggestions now.
    skipped : mapping, optional
        Client id -> why the client was not re-matched.
    labels, names : mapping, optional
        Client id -> the label specialists see; specialist id -> display name.
    options : mapping, optional
        Client id -> what would open more options (see :class:`ClientDigest`).
    run_kind, started_at : str
        ``nightly`` or ``extra`` (an admin's run), and when it started (ISO, UTC).
    over_capacity : collection, optional
        Ids of clients whose primary is over its opening's capacity (congestion exceptions).
    """
    if run_kind not in RUN_KINDS:
        raise ValueError(f"run_kind must be one of {RUN_KINDS}, not {run_kind!r}")
    out = []
    for specialist in sorted(caseloads):
        clients = tuple(
            ClientDigest(
                client_id=c,
                diff=diffs.get(c),
                primary=(primaries or {}).get(c),
                n_suggestions=(sizes or {}).get(c, 0),
                note=(skipped or {}).get(c, "") if c not in diffs else "",
                label=(labels or {}).get(c, ""),
                options=(options or {}).get(c),
                over_capacity=c in over_capacity,
            )
            for c in sorted(set(caseloads[specialist]))
        )
        titles = _titles(clients, openings or {})
        unknowns = {o: codes for o in titles if (codes := _unknowns((openings or {})[o]))}
        name = (names or {}).get(specialist, "")
        out.append(Digest(specialist, run_id, as_of, clients, titles, unknowns, name, run_kind, started_at))
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
        ids.update(str(m["opening_id"]) for m in (c.options or {}).get("near_misses", ()))
        ids.update(str(b["opening_id"]) for ch in (c.options or {}).get("changes", ()) for b in ch["best"])
    return {o: (openings[o].title, openings[o].employer) for o in sorted(ids) if o in openings}


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """JSON-ready digest (what the service stores; :func:`summarize` reads it back)."""
    clients = [
        {
            "client_id": c.client_id,
            "label": c.label,
            "primary": c.primary,
            "n_suggestions": c.n_suggestions,
            "note": c.note,
            "changes": c.diff.to_dict() if c.diff is not None else None,
        }
        | ({"options": dict(c.options)} if c.options is not None else {})
        | ({"primary_over_capacity": True} if c.over_capacity else {})
        for c in digest.clients
    ]
    return {
        "specialist_id": digest.specialist_id,
        "specialist_name": digest.specialist_name,
        "run_id": digest.run_id,
        "run_kind": digest.run_kind,
        "started_at": digest.started_at,
        "as_of": digest.as_of,
        "totals": totals_of(clients),
        "clients": clients,
        "openings": {
            o: {"title": t, "employer": e} | ({"unknowns": list(u)} if (u := digest.unknowns.get(o)) else {})
            for o, (t, e) in digest.titles.items()
        },
    }


@dataclass(frozen=True)
class Item:
    """One line of a summary: a client, usually an opening, and what happened to it."""

    section: str
    client_id: str
    client: str  # the client's label (or "Client <id>")
    text: str  # what happened, in words
    opening_id: str = ""
    title: str = ""
    employer: str = ""
    rank: int | None = None
    previous_rank: int | None = None
    score: float | None = None
    reason: str = ""  # a stable code (gone reason, exclusion code, "entered" / "left")
    details: tuple[str, ...] = ()  # sub-points: what to ask, what would open more options

    @property
    def opening(self) -> str:
        """'Title - Employer' (or the id of an opening no longer listed)."""
        if not self.opening_id:
            return ""
        if not self.title:
            return f"an opening no longer listed ({self.opening_id})"
        return f"{self.title} - {self.employer}" if self.employer else self.title


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Summary:
    """A digest read for a person: a title, the sections that have items, and quiet clients."""

    title: str
    run_line: str
    run_id: str
    run_kind: str
    as_of: str
    sections: tuple[Section, ...]
    quiet: tuple[str, ...]  # labels of clients with nothing to report
    counts: dict[str, int]
    over_capacity: tuple[str, ...] = ()  # labels of clients whose primary is over capacity

    @property
    def empty(self) -> bool:
        return not self.sections

    @property
    def over_capacity_line(self) -> str:
        """The clients whose primary is over its opening's capacity, in one sentence ("" if none)."""
        n = len(self.over_capacity)
        if not n:
            return ""
        return (
            f"{n} primary suggestion{'s' * (n != 1)} over the opening's capacity (no other suggestion "
            f"within the allowed score loss had room): {', '.join(self.over_capacity)}."
        )


def client_label(client_id: str, label: str) -> str:
    """The name a specialist knows the client by (their label), else "Client <id>"."""
    return label or f"Client {client_id}"


def date_words(iso: str) -> str:
    """'Tuesday 1 December 2026' for '2026-12-01' (unchanged when not a date)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%A} {day.day} {day:%B %Y}"


def title_of(body: Mapping[str, Any]) -> str:
    """The digest's title: whose, which day, and (for an admin's run) that it is an extra one."""
    name = body.get("specialist_name") or f"specialist {body.get('specialist_id', '')}"
    day = date_words(str(body.get("as_of", "")))
    if body.get("run_kind", "nightly") == "extra":
        return f"Extra digest for {name}, {day}"
    return f"Morning digest for {name}, {day}"


def run_line(body: Mapping[str, Any]) -> str:
    """Which run, of what kind, when: 'Nightly run 12, started 02:00 UTC'."""
    started = str(body.get("started_at", ""))
    try:
        at = f"{dt.datetime.fromisoformat(started):%H:%M} UTC" if started else ""
    except ValueError:
        at = ""
    if body.get("run_kind") == "extra":
        return f"Extra run {body.get('run_id', '')}, started by an admin" + (f" at {at}" if at else "")
    return f"Nightly run {body.get('run_id', '')}" + (f", started {at}" if at else "")


def summarize(
    body: Mapping[str, Any],
    *,
    top_n: int = TOP_N,
    strong_from: float = STRONG_FROM,
    code_words: Mapping[str, str] | None = None,
) -> Summary:
    """What matters in a stored digest, most important first (see the module docstring).

    Parameters
    ----------
    body : mapping
        A digest as :func:`digest_to_dict` wrote it (possibly narrowed to fewer clients).
    top_n : int
        Moves are reported only when a suggestion enters or leaves these top places.
    strong_from : float
        The lowest score of a strong fit.
    code_words : mapping, optional
        Exclusion code -> "ruled out because it ..." words (the code itself when absent).
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, not {top_n}")
    words = code_words or {}
    openings: Mapping[str, Mapping[str, Any]] = body.get("openings", {})
    clients = sorted(
        body.get("clients", []),
        key=lambda c: (client_label(c["client_id"], c.get("label", "")), c["client_id"]),
    )
    found: dict[str, list[Item]] = {key: [] for key in SECTIONS}
    quiet: list[str] = []
    counts = {"new": 0, "strong_new": 0, "gone": 0, "other_new": 0, "no_suggestions": 0, "short_list": 0}
    for c in clients:
        name = client_label(c["client_id"], c.get("label", ""))
        items = list(_client_items(c, name, openings, top_n, strong_from, words, counts))
        for item in items:
            found[item.section].append(item)
        if not items:
            quiet.append(name)
    sections = tuple(
        Section(key, heading.format(top_n=top_n), tuple(found[key]))
        for key, heading in SECTIONS.items()
        if found[key]
    )
    return Summary(
        title=title_of(body),
        run_line=run_line(body),
        run_id=str(body.get("run_id", "")),
        run_kind=str(body.get("run_kind", "nightly")),
        as_of=str(body.get("as_of", "")),
        sections=sections,
        quiet=tuple(quiet),
        counts=counts | {"clients": len(clients)},
        over_capacity=tuple(
            client_label(c["client_id"], c.get("label", ""))
            for c in clients
            if c.get("primary_over_capacity")
        ),
    )


def _client_items(
    c: Mapping[str, Any],
    name: str,
    openings: Mapping[str, Mapping[str, Any]],
    top_n: int,
    strong_from: float,
    words: Mapping[str, str],
    counts: dict[str, int],
) -> Iterable[Item]:
    cid = c["client_id"]
    changes = c.get("changes")

    def item(section: str, text: str, opening_id: str = "", **kw: Any) -> Item:
        o = openings.get(opening_id, {})
        return Item(section, cid, name, text, opening_id, o.get("title", ""), o.get("employer", ""), **kw)

    if changes is None:
        yield item("not_rematched", f"not re-matched: {c.get('note') or 'no record in this run'}")
        return
    for s in changes["new"]:
        counts["new"] += 1
        if s["score"] >= strong_from:
            counts["strong_new"] += 1
            asks = [UNKNOWN_SHORT.get(u, u) for u in openings.get(s["opening_id"], {}).get("unknowns", ())]
            yield item(
                "strong_new",
                f"new at #{s['rank']}" + (", newly posted" if s.get("new_opening") else ""),
                s["opening_id"],
                rank=s["rank"],
                score=s["score"],
                reason="new",
                details=(f"to ask: {', '.join(asks)}",) if asks else (),
            )
        elif s["rank"] <= top_n:
            yield item(
                "top_moves",
                f"new in the top {top_n}, at #{s['rank']}",
                s["opening_id"],
                rank=s["rank"],
                score=s["score"],
                reason="entered",
            )
        else:
            counts["other_new"] += 1
    for g in changes["gone"]:
        reason = Gone(g["reason"])
        if reason is Gone.OUTRANKED and g["previous_rank"] > top_n:
            continue  # fell off the bottom of the list: a cascade, not news
        counts["gone"] += 1
        because = "; ".join(words.get(code, code) for code in g.get("codes", ()) if code in words)
        text = GONE_TEXT[reason] + (f" (it {because})" if because and reason is not Gone.REJECTED else "")
        yield item("gone", text, g["opening_id"], previous_rank=g["previous_rank"], reason=reason.value)
    for m in changes["moved"]:
        before, now = m["previous_rank"], m["rank"]
        if before > top_n >= now:
            yield item(
                "top_moves",
                f"moved into the top {top_n}: #{before} to #{now}",
                m["opening_id"],
                rank=now,
                previous_rank=before,
                score=m["score"],
                reason="entered",
            )
        elif now > top_n >= before:
            yield item(
                "top_moves",
                f"left the top {top_n}: #{before} to #{now}",
                m["opening_id"],
                rank=now,
                previous_rank=before,
                score=m["score"],
                reason="left",
            )
    n = int(c.get("n_suggestions") or 0)
    if not n:
        counts["no_suggestions"] += 1
        yield item(
            "no_suggestions",
            "no suggestions",
            reason="none",
            details=_options(c.get("options"), openings, words),
        )
    elif c.get("options"):  # a short list: what would open more options
        counts["short_list"] += 1
        yield item(
            "short_list",
            f"only {n} suggestion{'s' * (n != 1)}",
            reason="short",
            details=_options(c.get("options"), openings, words),
        )


def _options(
    options: Mapping[str, Any] | None, openings: Mapping[str, Mapping[str, Any]], words: Mapping[str, str]
) -> tuple[str, ...]:
    """What would open more options: the single changes, nearest misses, commonest reasons to rule out."""
    if not options:
        return ()
    out = []
    for ch in options.get("changes", ()):
        best = [(openings.get(b["opening_id"], {}), b) for b in ch["best"]]
        named = "; ".join(
            f"{o['title']} - {o['employer']} ({BAND_WORDS[fit_band(float(b['score']))].lower()})"
            for o, b in best
            if o
        )
        note = f". {ch['note']}" if ch.get("note") else ""  # older runs' options have no note
        out.append(f"would open more: {ch['text']}" + (f" (best: {named})" if named else "") + note)
    for m in options.get("near_misses", ()):
        o = openings.get(m["opening_id"], {})
        opening = f"{o['title']} - {o['employer']}" if o else m["opening_id"]
        fix = m.get("feasible_if") or m.get("why", "")
        band = BAND_WORDS[fit_band(float(m["score"]))].lower()
        out.append(f"nearest miss: {opening} (would score {m['score']:.0f}, {band}): {fix}")
    ranked = sorted(options.get("exclusion_counts", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    for code, n in ranked[:3]:
        out.append(f"{n} opening{'s' * (n != 1)} ruled out, each of which {words.get(code, code)}")
    return tuple(out)


def summary_to_markdown(summary: Summary) -> str:
    """The summary as Markdown: title, run, one section per kind of news, then the quiet clients."""
    c = summary.counts
    lines = [
        f"# {summary.title}",
        "",
        f"{summary.run_line}. {c['clients']} client{'s' * (c['clients'] != 1)}: "
        f"{c['strong_new']} new strong suggestion{'s' * (c['strong_new'] != 1)}, "
        f"{c['gone']} gone, {c['no_suggestions']} with no suggestions, "
        f"{c['short_list']} with fewer than asked for.",
    ]
    if summary.over_capacity:
        lines += ["", summary.over_capacity_line]
    for section in summary.sections:
        lines += ["", f"## {section.heading}", ""]
        for item in section.items:
            opening = f" — {item.opening}" if item.opening else ""
            score = (
                f" (score {item.score:.0f}, {BAND_WORDS[fit_band(item.score)].lower()})"
                if item.score is not None and item.section == "strong_new"
                else ""
            )
            lines.append(f"- **{item.client}**{opening}: {item.text}{score}")
            lines += [f"  - {d}" for d in item.details]
    if c["other_new"]:
        lines += [
            "",
            f"{c['other_new']} other new suggestion{'s' * (c['other_new'] != 1)} further down the lists.",
        ]
    if summary.quiet:
        lines += ["", f"Nothing new for: {', '.join(summary.quiet)}."]
    if summary.empty and not summary.quiet:
        lines += ["", "No clients in this run."]
    return "\n".join(lines) + "\n"


def summary_to_csv(summary: Summary) -> str:
    """One row per item (columns :data:`CSV_COLUMNS`); every text cell formula-escaped."""
    rows = []
    for section in summary.sections:
        for i in section.items:
            detail = " | ".join((i.text, *i.details))
            rows.append(
                [
                    section.key,
                    i.client_id,
                    i.client,
                    i.opening_id,
                    i.title,
                    i.employer,
                    i.previous_rank or "",
                    i.rank or "",
                    "" if i.score is None else round(i.score, 2),
                    "" if i.score is None else fit_band(i.score),
                    i.reason,
                    detail,
                ]
            )
    return rows_to_csv(CSV_COLUMNS, rows)


def digest_to_markdown(digest: Digest, **options: Any) -> str:
    """:func:`summary_to_markdown` of the digest (``options`` go to :func:`summarize`)."""
    return summary_to_markdown(summarize(digest_to_dict(digest), **options))


def digest_to_csv(digest: Digest, **options: Any) -> str:
    """:func:`summary_to_csv` of the digest (``options`` go to :func:`summarize`)."""
    return summary_to_csv(summarize(digest_to_dict(digest), **options))
