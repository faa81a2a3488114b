"""JSON-ready dicts of the engine's answers (CLI, API and audit records use these)."""

from __future__ import annotations

from typing import Any

from matcher.messages import UNKNOWN, disclosure_text
from matcher.types import Exclusion, NearMiss, Reason, Shortlist, Suggestion


def reason_to_dict(reason: Reason) -> dict[str, Any]:
    """A reason with its code, text, factor, evidence and (for exclusions) feasible_if."""
    out: dict[str, Any] = {"code": reason.code, "text": reason.text}
    if reason.factor:
        out["factor"] = reason.factor
    if reason.evidence:
        out["evidence"] = reason.evidence
    if reason.feasible_if:
        out["feasible_if"] = reason.feasible_if
    return out


def unknown_codes(s: Suggestion) -> list[str]:
    """The codes of the questions a suggestion raises: terms the opening does not state
    (``matcher.constraints.Unknown``; each is also one of its concerns, with evidence)."""
    return [r.code for r in s.concerns if r.code in UNKNOWN]


def suggestion_to_dict(s: Suggestion) -> dict[str, Any]:
    """One suggestion: score, contributions (summing to the score), reasons by kind, and unknowns."""
    return {
        "opening_id": s.opening_id,
        "rank": s.rank,
        "score": s.score,
        "contributions": s.contributions,
        "factors": s.factors,
        "positives": [reason_to_dict(r) for r in s.positives],
        "concerns": [reason_to_dict(r) for r in s.concerns],
        "hints": [reason_to_dict(r) for r in s.hints],
        "unknowns": unknown_codes(s),
    }


def exclusion_to_dict(e: Exclusion) -> dict[str, Any]:
    """One excluded opening with every constraint it fails (and, when asked about, its questions)."""
    out: dict[str, Any] = {"opening_id": e.opening_id, "reasons": [reason_to_dict(r) for r in e.reasons]}
    if e.questions:  # terms the opening does not state: asked, never a reason it is ruled out
        out["questions"] = [reason_to_dict(r) for r in e.questions]
    return out


def near_miss_to_dict(m: NearMiss) -> dict[str, Any]:
    """An opening failing one limit: the score it would have, that limit's code, why-not and fix."""
    out: dict[str, Any] = {"opening_id": m.opening_id, "score": m.score, "code": m.reason.code}
    out["why"] = m.reason.text
    if m.reason.feasible_if:
        out["feasible_if"] = m.reason.feasible_if
    return out


def shortlist_to_dict(sl: Shortlist) -> dict[str, Any]:
    """A shortlist; exclusions (when explained) grouped by reason code, and the nearest misses."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for e in sl.exclusions:
        for r in e.reasons:
            item: dict[str, Any] = {"opening_id": e.opening_id, "why": r.text}
            if r.feasible_if:
                item["feasible_if"] = r.feasible_if
            if len(e.reasons) > 1:
                item["also_fails"] = [x.code for x in e.reasons if x.code != r.code]
            grouped.setdefault(r.code, []).append(item)
    return {
        "client_id": sl.client_id,
        "engine_version": sl.engine_version,
        "config_hash": sl.config_hash,
        "n_considered": sl.n_considered,
        "n_excluded": sl.n_excluded,
        "suggestions": [suggestion_to_dict(s) for s in sl.suggestions],
        "exclusion_counts": sl.exclusion_counts,
        "exclusions": grouped,
        "near_misses": [near_miss_to_dict(m) for m in sl.near_misses],
        "opened_by_disclosing": sl.opened_by_disclosing,
        "disclosure_note": disclosure_text(sl.opened_by_disclosing),
    }
