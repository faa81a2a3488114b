"""Job tenure as a Kaplan-Meier median: many jobs are still going when a report is made.

A job that has ended contributes its length as an event; an ongoing job contributes the days
so far as a censored observation (it lasted *at least* that long). The plain median of the
lengths would count every ongoing job as ended today and understate tenure.

The median is the product-limit estimate in numpy (:func:`km_median`): a report needs one per
specialist and per period, and lifelines' ``KaplanMeierFitter`` costs tens of milliseconds a
fit (it validates and builds frames). The tests check it against lifelines on random data and
on the textbook example; the curve on the page is lifelines' (:func:`km_curve`, one fit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from lifelines import KaplanMeierFitter


@dataclass(frozen=True, slots=True)
class TenureMedian:
    """The Kaplan-Meier median of job lengths and what it rests on.

    ``days`` is None when there is no job, and ``reached`` False when fewer than half of the
    jobs have ended by the longest one observed (the median is then "more than ``days``").
    """

    days: float | None
    reached: bool
    jobs: int
    ended: int


def km_median(durations: np.ndarray, ended: np.ndarray) -> TenureMedian:
    """Kaplan-Meier median survival of ``durations`` (days), ``ended`` False for ongoing jobs.

    Parameters
    ----------
    durations : ndarray of float
        Days from start to end (ended jobs) or to the report date (ongoing jobs); >= 0.
    ended : ndarray of bool
        True where the job ended (an event), False where it is still going (censored).

    Returns
    -------
    TenureMedian
    """
    durations = np.asarray(durations, dtype=float)
    ended = np.asarray(ended, dtype=bool)
    if durations.size == 0:
        return TenureMedian(days=None, reached=False, jobs=0, ended=0)
    median = _product_limit_median(durations, ended)
    n_ended = int(ended.sum())
    if math.isinf(median):
        # Not reached: the curve stays above one half; say "more than the longest job seen".
        return TenureMedian(
            days=float(durations.max()), reached=False, jobs=int(durations.size), ended=n_ended
        )
    return TenureMedian(days=median, reached=True, jobs=int(durations.size), ended=n_ended)


def _product_limit_median(durations: np.ndarray, ended: np.ndarray) -> float:
    """The first time the product-limit survival S(t) falls to 1/2 or below (inf: never).

    At each distinct time t with d events among the n jobs still at risk (lasting t or more),
    S drops by the factor (1 - d / n); jobs censored at t are at risk at t, as in lifelines.
    """
    times, inverse = np.unique(durations, return_inverse=True)
    events = np.bincount(inverse, weights=ended.astype(float), minlength=len(times))
    leaving = np.bincount(inverse, minlength=len(times))
    at_risk = len(durations) - np.concatenate(([0], np.cumsum(leaving)[:-1]))
    surviving = np.cumprod(1.0 - events / at_risk)
    below = np.flatnonzero(surviving <= 0.5)
    return float(times[below[0]]) if below.size else math.inf


def km_curve(durations: np.ndarray, ended: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan-Meier survival curve: times (days) and the share of jobs still going."""
    if len(durations) == 0:
        return np.zeros(0), np.zeros(0)
    fitter = KaplanMeierFitter().fit(np.asarray(durations, float), event_observed=np.asarray(ended, bool))
    curve = fitter.survival_function_
    return curve.index.to_numpy(float), curve.iloc[:, 0].to_numpy(float)
