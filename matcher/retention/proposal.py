"""From retention coefficients to proposed factor weights, and the minimum data rule.

The mapping (documented in docs/outcomes.md):

1. A factor's *learned share* is its coefficient when the whole bootstrap interval is above 0
   (the data clearly say it helps people keep the job), else 0: a factor with no clear effect,
   or a negative one, gets no learned share, and a weight is never negative.
2. The learned shares are scaled to add up to the sum of the weights in force.
3. Proposed weight = ``(1 - BLEND) * current + BLEND * learned``: half the way from the weights in
   force towards what retention alone suggests, because the model knows retention only, not
   whether a suggestion leads to a hire, nor the client's own priorities.
4. Rounded to 4 decimals, the rounding difference put on the largest weight: the sum is kept.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from matcher.config import FACTORS

BLEND = 0.5
# Below these counts of known 90-day outcomes the model says "not enough outcomes" and proposes
# nothing: about 30 events per class keep each of 7 coefficients' interval meaningful (the usual
# rule of thumb is 10 or more events per predictor; 30 of the rarer class leaves room for noise).
MIN_OUTCOMES = 200
MIN_PER_CLASS = 30
NOT_ENOUGH = "not enough outcomes"


def enough_outcomes(retained: np.ndarray) -> str | None:
    """Why ``retained`` (known 90-day outcomes) is too few to learn from, or None when enough."""
    n, kept = len(retained), int(np.sum(retained))
    left = n - kept
    if n < MIN_OUTCOMES or min(kept, left) < MIN_PER_CLASS:
        return (
            f"{NOT_ENOUGH}: {n} known 90-day outcomes ({kept} still employed, {left} not); "
            f"at least {MIN_OUTCOMES} with {MIN_PER_CLASS} of each are needed"
        )
    return None


def learned_shares(coefficients: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Step 1: each factor's coefficient where its interval is above 0, else 0."""
    return {
        f: max(float(coefficients[f]["coef"]), 0.0) if coefficients[f]["low"] > 0 else 0.0 for f in FACTORS
    }


def propose_weights(current: Mapping[str, float], shares: Mapping[str, float]) -> dict[str, float] | None:
    """Steps 2-4: the proposed weights, or None when no factor has a learned share."""
    total = float(sum(current[f] for f in FACTORS))
    learned_total = float(sum(shares[f] for f in FACTORS))
    if learned_total <= 0 or total <= 0:
        return None
    proposed = {
        f: round((1 - BLEND) * current[f] + BLEND * total * shares[f] / learned_total, 4) for f in FACTORS
    }
    largest = max(FACTORS, key=lambda f: proposed[f])
    proposed[largest] = round(proposed[largest] + total - sum(proposed.values()), 4)
    return proposed
