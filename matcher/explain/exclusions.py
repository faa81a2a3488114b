"""Why-nots of excluded openings, one reason per failed rule of the constraint table."""

from __future__ import annotations

from matcher.constraints import RULES
from matcher.explain.pair import Pair
from matcher.messages import render
from matcher.types import Reason


def exclusion_reasons(pair: Pair, bits: int) -> list[Reason]:
    """One reason per failed constraint; ``feasible_if`` where that limit alone blocks it."""
    alone = bits & (bits - 1) == 0
    out = []
    for rule in RULES:
        if bits & rule.code:
            ev, display, fix = rule.why_not(pair)
            text = render("exclusion", rule.name, {**ev, **display})
            out.append(Reason(rule.name, "exclusion", text, None, ev, fix if alone else None))
    return out
