"""The engine's codes in plain words for the shortlist pages (declared once, here).

The engine's reasons already come with texts; a few quote numbers a person should not
have to read ("text similarity 1.00", ability levels as digits). :func:`plain` rewrites
those from the reason's evidence and keeps every other text as the engine wrote it.
Factor names, exclusion codes, rejection reasons and outcomes get their words here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from api.schemas.decisions import Action, RejectReason, SeparationReason
from matcher.messages import EXCLUSION_WORDS as EXCLUSION_WORDS  # declared in the engine
from matcher.messages import minutes_text
from matcher.vocab import load_vocabulary

REJECT_WORDS: dict[RejectReason, str] = {
    RejectReason.CLIENT_NOT_INTERESTED: "The client is not interested",
    RejectReason.COMMUTE: "The journey is too hard",
    RejectReason.SCHEDULE: "The shifts do not suit",
    RejectReason.HOURS: "Too many or too few hours",
    RejectReason.PAY: "The pay is too low",
    RejectReason.BENEFITS: "It would affect the client's benefits",
    RejectReason.JOB_DEMANDS: "The job asks too much",
    RejectReason.WORK_ENVIRONMENT: "The workplace does not suit",
    RejectReason.EMPLOYER_CONCERN: "A concern about the employer",
    RejectReason.ALREADY_APPLIED: "The client already applied",
    RejectReason.OTHER: "Another reason (say which in the note)",
}

#: Outcomes a specialist records after an approval (a rejection and an approval have own forms).
OUTCOME_WORDS: dict[Action, str] = {
    Action.APPLIED: "The client applied",
    Action.INTERVIEW: "The client has an interview",
    Action.HIRED: "The client was hired",
    Action.NOT_HIRED: "The client was not hired",
}

SEPARATION_WORDS: dict[SeparationReason, str] = {
    SeparationReason.QUIT_BETTER_JOB: "Left for a better job",
    SeparationReason.QUIT_DISSATISFIED: "Left, not happy with the job",
    SeparationReason.QUIT_HEALTH: "Left for health reasons",
    SeparationReason.FIRED: "Let go by the employer",
    SeparationReason.LAID_OFF: "Laid off",
    SeparationReason.TEMPORARY_ENDED: "A temporary job that ended",
    SeparationReason.MOVED: "Moved away",
    SeparationReason.TRANSPORT: "Could no longer get there",
    SeparationReason.BENEFITS: "Because of benefits",
    SeparationReason.OTHER: "Another reason",
}

BENEFIT_CODES = frozenset({"BENEFITS_SGA", "BENEFITS_TRIAL_WORK", "BENEFITS_SSI_REDUCTION"})
COMMUTE_CODES = frozenset({"COMMUTE_SHORT", "COMMUTE_LONG", "REMOTE"})


def _level(value: object) -> str:
    return load_vocabulary().level_labels.get(int(str(value)), str(value))


def _cognitive_gap(ev: Mapping[str, Any]) -> str:
    vocab = load_vocabulary()
    label = vocab.dimension_labels.get(str(ev["dimension"]), str(ev["dimension"]))
    text = (
        f"{label}: the job asks for a {_level(ev['demand'])} level, "
        f"above the client's {_level(ev['capacity'])} level"
    )
    if ev.get("inferred"):
        text += " (estimated from similar jobs)"
    offsets = [vocab.accommodations.get(a, a).lower() for a in ev.get("offset_by") or []]
    return text + (f"; {', '.join(offsets)} can make up for it" if offsets else "")


def _hours(ev: Mapping[str, Any]) -> str:
    low, high = float(ev["low"]), float(ev["high"])
    wants = f"exactly {low:g}" if low == high else f"up to {high:g}" if low == 0 else f"{low:g} to {high:g}"
    return f"{ev['hours']:g} hours a week; the client wants {wants}"


_REWRITES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "PREFERENCE_TEXT": lambda ev: "Close to what the client says they want to do",
    "RIASEC_CONGRUENT": lambda ev: "Suits the client's interest profile",
    "RIASEC_DIFFERENT": lambda ev: "Differs from the client's interest profile",
    "COGNITIVE_GAP": _cognitive_gap,
    "DEMANDS_UNKNOWN": lambda ev: "Not known how much the job asks for: " + ", ".join(ev["dimensions"]),
    "SCHEDULE_FIT": lambda ev: f"Shifts fit the client's availability ({_hours(ev)})",
    "HOURS_OUT_OF_RANGE": lambda ev: f"Outside the client's hours: {_hours(ev)}",
    "COMMUTE_SHORT": lambda ev: (
        f"About {minutes_text(float(ev['minutes']))} by {ev['mode']}"
        + (f", {ev['source']}" if ev.get("source") else "")  # older records do not say
        + f" (the client's limit is {ev['limit']} minutes)"
    ),
}


def plain(reason: Mapping[str, Any]) -> str:
    """A reason's text for people: rewritten from its evidence where the engine quotes numbers."""
    rewrite = _REWRITES.get(str(reason.get("code")))
    if rewrite is not None:
        try:
            return rewrite(reason.get("evidence") or {})
        except (KeyError, TypeError, ValueError):  # evidence of another shape: the engine's text
            pass
    return str(reason.get("text", ""))


def commute_words(suggestion: Mapping[str, Any]) -> str | None:
    """ "About 12 minutes by public transit", "Remote: no journey", or None when not known."""
    for kind in ("positives", "concerns"):
        for reason in suggestion.get(kind, []):
            ev = reason.get("evidence") or {}
            if reason["code"] == "REMOTE":
                return "Remote work: no journey"
            if reason["code"] in COMMUTE_CODES and "minutes" in ev and "mode" in ev:
                return f"About {minutes_text(float(ev['minutes']))} by {ev['mode']}"
    return None
