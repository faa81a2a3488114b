"""A stored digest as its specialist may read it now: only clients still on their caseload.

Digests are written when a run finishes, for the caseloads of that moment; a client
reassigned since then must leave the former specialist's digest. The stored JSON is
narrowed to the clients the reader carries today (labels as they are today, the totals
recounted), and the Markdown and CSV are rendered from that narrowed JSON, so the former
specialist's digest never names the client again in any form.

Every rendering (JSON, Markdown, CSV here; the page and the e-mail from templates) reads
one :class:`~matcher.rematch.digest.Summary`, made by :func:`summary_of` with the
service's fit bands and words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.models import User
from api.rematch.models import RematchRun
from matcher.messages import EXCLUSION_WORDS
from matcher.rematch.digest import TOP_N, Summary, summarize, summary_to_csv, summary_to_markdown, totals_of

#: Who starts the scheduled run (``JobOptions.actor``); a run anyone else started is an extra one.
NIGHTLY_ACTOR = "system"


def display_name(user: User) -> str:
    """The name a digest's title gives a specialist: their full name, else their username."""
    return user.full_name or user.username


def run_kind(run: RematchRun) -> str:
    """``nightly`` for the scheduled run, ``extra`` for one an admin started."""
    return "nightly" if run.started_by == NIGHTLY_ACTOR else "extra"


@dataclass(frozen=True)
class DigestView:
    """One digest, narrowed to a caseload, in every form."""

    body: dict[str, Any]
    summary: Summary
    markdown: str
    csv: str


def summary_of(body: Mapping[str, Any], *, top_n: int = TOP_N) -> Summary:
    """What matters in a stored digest, with this service's bands and words."""
    return summarize(body, top_n=top_n, code_words=EXCLUSION_WORDS)


def narrow_body(body: Mapping[str, Any], *, keep: Mapping[str, str]) -> dict[str, Any]:
    """The digest without the clients not in ``keep`` (client id -> today's label), totals recounted."""
    clients = [c | {"label": keep[c["client_id"]]} for c in body.get("clients", []) if c["client_id"] in keep]
    return {**body, "clients": clients, "totals": totals_of(clients)}


def narrow_digest(
    body: Mapping[str, Any],
    *,
    keep: Mapping[str, str],
    run: RematchRun | None = None,
    reader: User | None = None,
    top_n: int = TOP_N,
) -> DigestView:
    """The digest as its specialist (``reader``) reads it now: only ``keep``'s clients, rendered.

    ``run`` and ``reader`` fill in the kind, start and name of digests stored before these were kept.
    """
    narrowed = narrow_body(body, keep=keep)
    if reader is not None and not narrowed.get("specialist_name"):
        narrowed["specialist_name"] = display_name(reader)
    if run is not None:
        narrowed.setdefault("run_kind", run_kind(run))
        narrowed.setdefault("started_at", run.started_at.isoformat())
    summary = summary_of(narrowed, top_n=top_n)
    return DigestView(narrowed, summary, summary_to_markdown(summary), summary_to_csv(summary))
