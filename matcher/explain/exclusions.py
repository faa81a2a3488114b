"""Why-nots of excluded openings, one reason per failed rule of the constraint table."""

from __future__ import annotations

import numpy as np

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


def single_failures(codes: np.ndarray, *, ignore: int = 0) -> np.ndarray:
    """Bool mask of the pairs that fail exactly one rule, that rule not among the bits ``ignore``.

    Parameters
    ----------
    codes : ndarray
        Failed-constraint bits, any shape (``constraints.failed_codes``).
    ignore : int
        Rules that do not count as a limit to relax (e.g. a specialist's rejection).

    Returns
    -------
    ndarray of bool, shaped like ``codes``
    """
    # in the codes' own unsigned type, no wider copy: 0 - 1 wraps around, but 0 is excluded anyway
    bits = np.asarray(codes)
    one, skip = bits.dtype.type(1), bits.dtype.type(ignore)
    mask: np.ndarray = (bits != 0) & ((bits & (bits - one)) == 0) & ((bits & skip) == 0)
    return mask


def best_columns(score: np.ndarray, n: int) -> np.ndarray:
    """Columns of the ``n`` highest non-NaN scores of a 1-d row, best first (ties by column)."""
    found = np.flatnonzero(~np.isnan(score))
    order = np.argsort(-score[found], kind="stable")
    return found[order[:n]]
