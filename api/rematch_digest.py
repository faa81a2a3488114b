"""What changed for each client between two shortlist versions, and a digest per specialist.

The diff compares a client's new top-k rows with their previous version's:
*new* suggestions, suggestions *gone* with why, and *moved* ranks. Why a
suggestion is gone, first match wins: the opening was ``filled``, ``closed``
or ``expired`` (or ``removed``); the ``client changed`` (their profile hash
differs) ; the ``commute changed`` (the engine now rules it out on commute);
``no longer feasible`` (another hard limit, with its codes); else it is still
feasible but ``outranked``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CSV_FIELDS = (
    "client_id",
    "label",
    "change",
    "opening_id",
    "title",
    "employer",
    "old_rank",
    "new_rank",
    "score",
    "why",
)

# (opening_id) -> None when still a suggestion, else the engine's exclusion codes.
ExplainFn = Callable[[str], "tuple[str, ...] | None"]


@dataclass(frozen=True)
class OpeningState:
    """An opening as it is now: status and expiry."""

    status: str
    expires: dt.date | None


def gone_why(
    opening_id: str,
    *,
    states: Mapping[str, OpeningState],
    as_of: dt.date,
    client_changed: bool,
    explain: ExplainFn,
) -> str:
    """Why an opening left a client's list (see the module doc for the order)."""
    state = states.get(opening_id)
    if state is None:
        return "removed"
    if state.status != "open":
        return state.status  # filled or closed
    if state.expires is not None and state.expires < as_of:
        return "expired"
    if client_changed:
        return "client changed"
    codes = explain(opening_id)
    if codes is None:
        return "outranked"
    if "COMMUTE_TOO_LONG" in codes:
        return "commute changed"
    return "no longer feasible: " + ", ".join(codes)


def diff_client(
    previous: Sequence[Mapping[str, Any]],
    current: Sequence[Mapping[str, Any]],
    *,
    why: Callable[[str], str],
) -> dict[str, list[dict[str, Any]]]:
    """New, gone (with why) and moved suggestions of one client."""
    old = {r["opening_id"]: r for r in previous}
    new = {r["opening_id"]: r for r in current}

    def brief(r: Mapping[str, Any]) -> dict[str, Any]:
        return {"opening_id": r["opening_id"], "title": r.get("title", ""), "employer": r.get("employer", "")}

    return {
        "new": [
            brief(r) | {"rank": r["rank"], "score": r["score"]} for r in current if r["opening_id"] not in old
        ],
        "gone": [
            brief(r) | {"old_rank": r["rank"], "why": why(r["opening_id"])}
            for r in previous
            if r["opening_id"] not in new
        ],
        "moved": [
            brief(r) | {"old_rank": old[r["opening_id"]]["rank"], "rank": r["rank"], "score": r["score"]}
            for r in current
            if r["opening_id"] in old and old[r["opening_id"]]["rank"] != r["rank"]
        ],
    }


def digest_body(
    *, run_id: int, as_of: dt.date, specialist_id: int, clients: list[dict[str, Any]]
) -> dict[str, Any]:
    """The JSON digest of one specialist: per client, what changed, and totals."""
    totals = {key: sum(len(c[key]) for c in clients) for key in ("new", "gone", "moved")}
    changed = sum(1 for c in clients if c["new"] or c["gone"] or c["moved"] or c["first_version"])
    return {
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "specialist_id": specialist_id,
        "clients": clients,
        "totals": totals | {"clients": len(clients), "clients_changed": changed},
    }


def to_markdown(body: Mapping[str, Any]) -> str:
    """A readable digest: one section per client with a change."""
    t = body["totals"]
    lines = [
        f"# What changed - run {body['run_id']}, {body['as_of']}",
        "",
        f"{t['clients']} clients on the caseload, {t['clients_changed']} with changes: "
        f"{t['new']} new suggestions, {t['gone']} gone, {t['moved']} moved.",
        "",
    ]
    for c in body["clients"]:
        if not (c["new"] or c["gone"] or c["moved"] or c["first_version"]):
            continue
        lines.append(f"## {c['label'] or c['client_id']} ({c['client_id']})")
        if c["first_version"]:
            lines.append("- first shortlist from a nightly run")
        if c["primary"]:
            lines.append(
                f"- lead with: {c['primary']['title']} at {c['primary']['employer']} "
                f"({c['primary']['opening_id']})"
            )
        lines += [
            f"- new: {r['title']} at {r['employer']} (rank {r['rank']}, score {r['score']:.2f})"
            for r in c["new"]
        ]
        lines += [
            f"- gone: {r['title']} at {r['employer']} (was rank {r['old_rank']}): {r['why']}"
            for r in c["gone"]
        ]
        lines += [
            f"- moved: {r['title']} at {r['employer']}: rank {r['old_rank']} -> {r['rank']}"
            for r in c["moved"]
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(body: Mapping[str, Any]) -> str:
    """One CSV row per change (new, gone, moved) with the columns of :data:`CSV_FIELDS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for c in body["clients"]:
        base = {"client_id": c["client_id"], "label": c["label"]}
        for change in ("new", "gone", "moved"):
            for r in c[change]:
                writer.writerow(
                    base
                    | {
                        "change": change,
                        "opening_id": r["opening_id"],
                        "title": r["title"],
                        "employer": r["employer"],
                        "old_rank": r.get("old_rank", ""),
                        "new_rank": r.get("rank", ""),
                        "score": r.get("score", ""),
                        "why": r.get("why", ""),
                    }
                )
    return out.getvalue()
