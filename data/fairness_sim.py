"""Seeded simulator of a program's fairness-audit table: one row per client, a known bias or none.

Imported as ``matcher._data.fairness_sim`` (``data/`` installs as ``matcher._data``). Pure: numpy
and pandas, no clock, no files. It feeds the fairness audit's tests and docs.

Each client gets self-reported groups drawn from :data:`SHARES` (a few per cent "not stated",
as optional questions get) and three nested selections with program-wide rates
:data:`RATES`: got at least one suggestion, then approved by the specialist, then hired. With
``bias`` below 1 the clients of ``target`` (an ``(attribute, code)`` pair) are selected at
``bias`` times the rate of everyone else at every stage's marginal (0.6 gives an impact ratio
of about 0.6 for that group on all three selections); with ``bias`` 1 nobody is. Best
suggestion scores are normal around 0.62 (sd 0.12), ``score_gap`` lower for the target group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNSTATED = "not_stated"
SHARES: dict[str, dict[str, float]] = {
    "sex": {"female": 0.46, "male": 0.49, "another": 0.03, UNSTATED: 0.02},
    "race_ethnicity": {
        "white": 0.44,
        "black": 0.24,
        "hispanic_latino": 0.18,
        "asian": 0.06,
        "two_or_more": 0.03,
        "american_indian_alaska": 0.01,
        "native_hawaiian_pacific": 0.01,
        UNSTATED: 0.03,
    },
    "age_band": {
        "18_24": 0.12,
        "25_34": 0.28,
        "35_44": 0.25,
        "45_54": 0.19,
        "55_64": 0.12,
        "65_plus": 0.02,
        UNSTATED: 0.02,
    },
    "disability": {
        "emotional_social": 0.55,
        "cognitive": 0.2,
        "several": 0.12,
        "mobility": 0.04,
        "seeing": 0.02,
        "hearing": 0.02,
        UNSTATED: 0.05,
    },
}
#: Program-wide marginal rates of the three selections (nested: hired implies approved, ...).
RATES = {"suggested": 0.85, "approved": 0.55, "hired": 0.35}
TARGET = ("race_ethnicity", "black")
SCORE_MEAN, SCORE_SD = 0.62, 0.12


def simulate_program(
    n_clients: int,
    *,
    seed: int,
    bias: float = 1.0,
    target: tuple[str, str] = TARGET,
    score_gap: float = 0.0,
) -> pd.DataFrame:
    """One row per client: group columns, ``suggested``/``approved``/``hired`` and ``top_score``.

    Parameters
    ----------
    n_clients : int
        Clients in the program.
    seed : int
        Everything drawn follows from it.
    bias : float
        The target group's selection rate as a multiple of everyone else's (1: no bias).
    target : (str, str)
        The attribute and code of the group selected less.
    score_gap : float
        How much lower the target group's suggestion scores are on average.
    """
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            attribute: rng.choice(
                list(shares), size=n_clients, p=np.array(list(shares.values())) / sum(shares.values())
            )
            for attribute, shares in SHARES.items()
        }
    )
    factor = np.where(frame[target[0]] == target[1], bias, 1.0)
    u = rng.random(n_clients)
    # One uniform per client makes the stages nested: hired ⊂ approved ⊂ suggested.
    for name, rate in RATES.items():
        frame[name] = u < rate * factor
    scores = rng.normal(SCORE_MEAN, SCORE_SD, n_clients) - np.where(factor < 1.0, score_gap, 0.0)
    frame["top_score"] = np.where(frame["suggested"], np.clip(scores, 0.0, 1.0), np.nan)
    return frame
