"""Why-nots of excluded openings, one reason per failed rule of the constraint table."""

from __future__ import annotations

from matcher.constraints import RULES
from matcher.explain.pair import Pair
from matcher.messages import render
from matcher.types import Reason

# plain ints and names: an IntFlag ``&`` per rule and exclusion costs more than the why-not itself
_BY_BIT = [(int(rule.code), rule.name, rule.why_not) for rule in RULES]


def exclusion_reasons(pair: Pair, bits: int) -> list[Reason]:
    """One reason per failed constraint; ``feasible_if`` where that limit alone blocks it."""
    alone = bits & (bits - 1) == 0
    out = []
    for bit, name, why_not in _BY_BIT:
        if bits & bit:
            ev, display, fix = why_not(pair)
            text = render("exclusion", name, {**ev, **display})
            out.append(Reason(name, "exclusion", text, None, ev, fix if alone else None))
    return out
