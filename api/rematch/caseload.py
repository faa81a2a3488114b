"""A stored digest as its specialist may read it now: only clients still on their caseload.

Digests are written when a run finishes, for the caseloads of that moment; a client
reassigned since then must leave the former specialist's digest. The stored JSON,
Markdown and CSV are narrowed to the clients the reader carries today (the totals
recounted), so the former specialist's digest never names the client again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from matcher.csvout import rows_to_csv

_SECTION = re.compile(r"^## (\S+)")
_QUIET = "No changes: "


@dataclass(frozen=True)
class DigestView:
    """The three forms of one digest, narrowed to a caseload."""

    body: dict[str, Any]
    markdown: str
    csv: str


def _totals(clients: list[dict[str, Any]]) -> dict[str, int]:
    """Recount the totals as :attr:`matcher.rematch.digest.Digest.totals` does."""
    diffs = [c["changes"] for c in clients if c.get("changes") is not None]
    return {
        "clients": len(clients),
        "clients_with_changes": sum(bool(d["new"] or d["gone"] or d["moved"]) for d in diffs),
        "new": sum(len(d["new"]) for d in diffs),
        "gone": sum(len(d["gone"]) for d in diffs),
        "moved": sum(len(d["moved"]) for d in diffs),
    }


def _markdown(text: str, dropped: Set[str], totals: dict[str, int]) -> str:
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section is not None:
            skipping = section.group(1) in dropped
        elif line.startswith(_QUIET):
            skipping = False
            kept = [c for c in line[len(_QUIET) :].rstrip(".").split(", ") if c not in dropped]
            line = _QUIET + ", ".join(kept) + "." if kept else ""
        elif line.startswith("Run `"):
            run = line.split(":", 1)[0]
            line = (
                f"{run}: {totals['clients']} clients, {totals['clients_with_changes']} with changes; "
                f"{totals['new']} new, {totals['gone']} gone, {totals['moved']} moved suggestions."
            )
        if not skipping:
            out.append(line)
    while len(out) > 1 and out[-1] == "" and out[-2] == "":
        out.pop()
    return "\n".join(out).rstrip("\n") + "\n"


def _csv(text: str, keep: Set[str]) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    column = rows[0].index("client_id")
    # the one formula-safe writer (cells read back are already escaped; escaping is idempotent)
    return rows_to_csv(rows[0], [r for r in rows[1:] if r[column] in keep])


def narrow_digest(body: dict[str, Any], markdown: str, csv_text: str, *, keep: Set[str]) -> DigestView:
    """The digest without the clients not in ``keep`` (unchanged when it names none of them)."""
    named = {str(c["client_id"]) for c in body.get("clients", [])}
    dropped = named - set(keep)
    if not dropped:
        return DigestView(body, markdown, csv_text)
    clients = [c for c in body["clients"] if c["client_id"] not in dropped]
    totals = _totals(clients)
    narrowed = {**body, "clients": clients, "totals": totals}
    return DigestView(narrowed, _markdown(markdown, dropped, totals), _csv(csv_text, keep))
