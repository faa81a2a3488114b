"""Recorded outcomes as the retention model reads them: one row per placement, plus its pool.

The label is "still employed 90 days after the start" (``RETAINED_DAYS``). A job that ended
before day 90 is 0, one that lasted 90 days or more is 1 (ended or not), and one still going
that started less than 90 days before the outcomes were counted is not known yet (censored):
it is left out of training and evaluation, never counted as a loss.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matcher.errors import ValidationError

RETAINED_DAYS = 90


@dataclass(frozen=True)
class Outcomes:
    """Placements with the engine's factor values of the placed pair and of its shortlist pool.

    ``pool[i]`` holds the factor values of the openings placement ``i``'s shortlist was ranked
    from (NaN rows pad shorter pools); ``pool[i, hired[i]]`` is the placed opening.
    """

    start: np.ndarray  # (n,) datetime64[D]
    tenure_days: np.ndarray  # (n,) float: to the end, or to as_of while ongoing
    ended: np.ndarray  # (n,) bool
    factors: np.ndarray  # (n, F)
    pool: np.ndarray  # (n, K, F), NaN-padded
    hired: np.ndarray  # (n,) int
    as_of: dt.date

    def __post_init__(self) -> None:
        n = len(self.start)
        for name in ("tenure_days", "ended", "factors", "pool", "hired"):
            if len(getattr(self, name)) != n:
                raise ValidationError("outcomes", name, len(getattr(self, name)), f"must have {n} rows")
        if n and np.any(self.tenure_days < 0):
            raise ValidationError("outcomes", "tenure_days", float(self.tenure_days.min()), "must be >= 0")

    def __len__(self) -> int:
        return len(self.start)

    @property
    def known(self) -> np.ndarray:
        """(n,) bool: whether the 90-day outcome is known (ended, or followed 90 days)."""
        result: np.ndarray = self.ended | (self.tenure_days >= RETAINED_DAYS)
        return result

    @property
    def retained(self) -> np.ndarray:
        """(n,) bool: still employed at day 90 (meaningful where :attr:`known`)."""
        result: np.ndarray = self.tenure_days >= RETAINED_DAYS
        return result

    def take(self, rows: np.ndarray) -> Outcomes:
        """The placements at ``rows`` (indices or a mask)."""
        return Outcomes(
            start=self.start[rows],
            tenure_days=self.tenure_days[rows],
            ended=self.ended[rows],
            factors=self.factors[rows],
            pool=self.pool[rows],
            hired=self.hired[rows],
            as_of=self.as_of,
        )


@dataclass(frozen=True)
class TimeSplit:
    """Known outcomes split at ``cutoff``: earlier starts train, later ones test."""

    train: Outcomes
    test: Outcomes
    cutoff: dt.date


def time_split(outcomes: Outcomes, *, test_share: float = 0.3) -> TimeSplit:
    """Known outcomes by start date: the latest ``test_share`` of them test, the rest train.

    All placements starting on the cutoff day go to the test side, so no day is on both.
    """
    known = outcomes.take(outcomes.known)
    if not len(known):
        raise ValidationError("outcomes", "known", 0, "no known outcomes to split")
    order = np.sort(known.start)
    cutoff = order[min(int(len(order) * (1.0 - test_share)), len(order) - 1)]
    later = known.start >= cutoff
    return TimeSplit(train=known.take(~later), test=known.take(later), cutoff=_date(cutoff))


def _date(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value.astype("datetime64[D]")))


def window(outcomes: Outcomes) -> tuple[dt.date, dt.date] | None:
    """First and last start date, or None without placements."""
    if not len(outcomes):
        return None
    return _date(outcomes.start.min()), _date(outcomes.start.max())
