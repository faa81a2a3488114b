"""Seeded outcome simulator: placements over time with the engine's factor values and a known truth.

Imported as ``matcher._data.outcome_sim`` (``data/`` is installed as the package ``matcher._data``),
for the retention model's tests, its benchmark and the demo. Pure: numpy only, no clock, no files.

Two ways in
-----------
* :func:`simulate` draws everything itself: the factor values of each placed pair and of the
  openings its shortlist came from are **simulated directly** (distributions below), so 100k
  placements take well under a second.
* :func:`simulate_tenure` takes factor values the **real engine** computed (the demo scores its
  clients against its openings) and draws tenure, end and reason with the same ground truth.

Ground truth (drawn from the field, ``DOMAIN.md``)
--------------------------------------------------
Tenure is Weibull (shape ``SHAPE`` = 0.8: the risk of leaving is highest early, as many first jobs
end within a year) in accelerated-failure-time form: each term of ``EFFECTS`` multiplies the expected
tenure by ``exp(effect * value)`` (values in [0, 1], as the engine's factors are)::

    log(scale) = log(BASE_DAYS) + sum_f EFFECTS[f] * factor_f
                 - LEFT_GAP_COST * left_gap - OFFSET_GAP_COST * offset_gap

* ``preference``: a job fully in the client's preferred areas (1) lasts **twice** as long as one
  with none (0): effect ln 2 = 0.69, the strongest effect (IPS: preferred jobs last about twice as long).
* ``commute``: a commute at the client's limit (fit 0.2) vs none shortens tenure (effect 0.35).
* ``accommodation``: preferred accommodations not given shorten tenure (effect 0.30 for all vs none).
* ``cognitive``: demand gaps left after accommodations shorten tenure; gaps an accommodation
  offsets cost a quarter as much (``LEFT_GAP_COST`` 0.05 vs ``OFFSET_GAP_COST`` 0.0125 per level;
  the engine's cognitive factor is ``1 - left / 6``, so 0.30 on the factor's scale).
* ``schedule`` (0.20) and ``wage`` (0.15): small effects.
* ``strengths`` has **no** effect on tenure (effect 0): skills decide who gets hired (below),
  cognitive fit decides who stays (DOMAIN.md). The learner must not find an effect there.

Hiring and shortlists
---------------------
Each placement comes from a pool of ``POOL`` feasible openings for the client (the pool a shortlist
is ranked from), whose factor values are drawn independently. The client is hired at one of them
with probability proportional to ``exp(HIRE_STRENGTHS * strengths)``: skills get people hired.
Hiring looks at no other factor, so among the placed pairs ``strengths`` stays independent of the
factors that act on tenure (a hire rule that also looked at, say, preference would tie the two
together among hires, and a model of tenure would then credit strengths with a little of
preference's effect). ``pool[i, hired[i]]`` is the placed pair's factors.

Time, censoring, reasons, pay
-----------------------------
Starts are spread uniformly over ``days`` before ``as_of``; a job still going at ``as_of`` is
ongoing (censored: ``ended`` False, ``tenure_days`` so far). Separation reasons are drawn with
weights that follow the pair's weak spots (a poor commute makes ``transport`` likely, unmet
accommodations or cognitive gaps ``quit_health``/``fired``). Hourly wages follow the wage
factor around a $15 reference; weekly hours 10-40 around 20; 95 % competitive integrated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matcher.config import FACTORS

EFFECTS = {
    "preference": float(np.log(2.0)),
    "strengths": 0.0,
    "cognitive": 0.0,  # acts through the gaps below, which the cognitive factor measures
    "accommodation": 0.30,
    "commute": 0.35,
    "schedule": 0.20,
    "wage": 0.15,
}
LEFT_GAP_COST = 0.05  # per demand level above capacity that no accommodation offsets
OFFSET_GAP_COST = 0.0125  # per level an accommodation offsets: matters a quarter as much
COGNITIVE_TOLERANCE = 6.0  # the engine's default: cognitive = 1 - left / 6
IGNORED = "strengths"  # the engine factor the simulator gives no effect
STRONGEST = "preference"

SHAPE = 0.8
BASE_DAYS = 120.0
POOL = 20
HIRE_STRENGTHS = 3.0

REASONS = (
    "quit_better_job",
    "quit_dissatisfied",
    "quit_health",
    "fired",
    "laid_off",
    "temporary_ended",
    "moved",
    "transport",
    "benefits",
    "other",
)
_BASE_REASON_WEIGHTS = np.array([3.0, 2.5, 1.5, 1.0, 1.0, 0.8, 0.5, 0.5, 0.4, 0.5])


@dataclass(frozen=True)
class Simulated:
    """Simulated placements (one row each) and the pools their shortlists were ranked from."""

    start: np.ndarray  # (n,) datetime64[D]
    tenure_days: np.ndarray  # (n,) days worked so far (to the end, or to as_of if ongoing)
    ended: np.ndarray  # (n,) bool; False: still employed at as_of (censored)
    reason: np.ndarray  # (n,) object: a separation reason, or None when ongoing
    hourly_wage: np.ndarray  # (n,)
    weekly_hours: np.ndarray  # (n,)
    competitive_integrated: np.ndarray  # (n,) bool
    factors: np.ndarray  # (n, F) the placed pair's factor values, in FACTORS order
    pool: np.ndarray  # (n, POOL, F) factor values of the pool's openings (float32)
    hired: np.ndarray  # (n,) position of the placed opening in its pool
    as_of: dt.date

    @property
    def end(self) -> np.ndarray:
        """(n,) datetime64[D] last day of work, NaT while ongoing."""
        end = self.start + self.tenure_days.astype("timedelta64[D]")
        return np.where(self.ended, end, np.datetime64("NaT"))


def _factor_draws(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Directly simulated factor values (..., F) and the cognitive gaps (..., 2): left, offset."""
    out = np.empty((*shape, len(FACTORS)))
    in_area = rng.random(shape) < 0.4
    out[..., 0] = np.where(in_area, rng.beta(6, 2, shape), rng.beta(2, 4, shape))
    out[..., 1] = rng.beta(3, 2, shape)
    raw_gap = rng.poisson(2.0, shape).astype(np.float64)
    offset = rng.binomial(raw_gap.astype(np.int64), 0.5).astype(np.float64)
    left = raw_gap - offset
    out[..., 2] = np.clip(1.0 - left / COGNITIVE_TOLERANCE, 0.0, 1.0)
    wants = rng.random(shape) < 0.7
    out[..., 3] = np.where(wants, rng.integers(0, 5, shape) / 4.0, 1.0)
    out[..., 4] = 1.0 - 0.8 * rng.beta(2, 2, shape)
    out[..., 5] = rng.beta(4, 2, shape)
    out[..., 6] = rng.beta(2, 3, shape)
    return out, np.stack([left, offset], axis=-1)


def log_scale(factors: np.ndarray, gaps: np.ndarray | None = None) -> np.ndarray:
    """The ground truth's log Weibull scale (days) for factor values (n, F) and gaps (n, 2).

    Without gaps (engine factor values only) the left gap is read back from the cognitive
    factor (``left = (1 - cognitive) * 6``) and no offset gap is counted.
    """
    effects = np.array([EFFECTS[f] for f in FACTORS])
    if gaps is None:
        left = (1.0 - factors[:, FACTORS.index("cognitive")]) * COGNITIVE_TOLERANCE
        gaps = np.stack([left, np.zeros_like(left)], axis=-1)
    result: np.ndarray = (
        np.log(BASE_DAYS) + factors @ effects - LEFT_GAP_COST * gaps[:, 0] - OFFSET_GAP_COST * gaps[:, 1]
    )
    return result


def _reasons(rng: np.random.Generator, factors: np.ndarray) -> np.ndarray:
    """A separation reason per row, more often the one its weak spot explains."""
    weights = np.tile(_BASE_REASON_WEIGHTS, (len(factors), 1))
    weights[:, REASONS.index("transport")] += 4.0 * (1.0 - factors[:, FACTORS.index("commute")])
    unmet = (1.0 - factors[:, FACTORS.index("accommodation")]) + (
        1.0 - factors[:, FACTORS.index("cognitive")]
    )
    weights[:, REASONS.index("quit_health")] += 1.5 * unmet
    weights[:, REASONS.index("fired")] += 1.0 * unmet
    weights[:, REASONS.index("quit_dissatisfied")] += 2.0 * (1.0 - factors[:, FACTORS.index("preference")])
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    picks = (rng.random((len(factors), 1)) > cumulative).sum(axis=1)
    return np.array(REASONS, dtype=object)[np.minimum(picks, len(REASONS) - 1)]


def simulate_tenure(
    factors: np.ndarray,
    start: np.ndarray,
    *,
    as_of: dt.date,
    seed: int,
    gaps: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tenure days (to the end, or to ``as_of``), ended flags and reasons for placed pairs.

    Parameters
    ----------
    factors : ndarray of shape (n, F)
        Factor values of the placed pairs (the engine's, or simulated), in ``FACTORS`` order.
    start : ndarray of shape (n,), datetime64[D]
        First days of work (none after ``as_of``).
    as_of : date
        The day the outcomes are counted: jobs still going then are ongoing.
    seed : int
    gaps : ndarray of shape (n, 2), optional
        Cognitive gaps (left, offset); default read back from the cognitive factor.
    """
    rng = np.random.default_rng(seed)
    scale = np.exp(log_scale(factors, gaps))
    tenure = np.maximum(np.ceil(scale * rng.weibull(SHAPE, len(factors))), 1.0)
    followed = (np.datetime64(as_of, "D") - start).astype(np.float64)
    ended = tenure <= followed
    reasons = np.where(ended, _reasons(rng, factors), None)
    return np.where(ended, tenure, followed), ended, reasons


def hire(strengths: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The opening each pool's client is hired at (last axis: the pool), drawn ~ exp(3 * strengths)."""
    appeal = HIRE_STRENGTHS * strengths
    result: np.ndarray = np.argmax(appeal + rng.gumbel(size=strengths.shape), axis=-1)  # Gumbel-max
    return result


def simulate(n: int, *, seed: int, as_of: dt.date, days: int = 730) -> Simulated:
    """``n`` placements started over ``days`` days before ``as_of``, with their pools and outcomes.

    Parameters
    ----------
    n : int
        Placements to simulate.
    seed : int
        The same seed gives the same placements.
    as_of : date
        The day outcomes are counted (jobs still going then are censored).
    days : int
        Starts are spread uniformly over this many days before ``as_of``.
    """
    rng = np.random.default_rng(seed)
    pool, gaps = _factor_draws(rng, (n, POOL))
    hired = hire(pool[..., FACTORS.index("strengths")], rng)
    rows = np.arange(n)
    factors, pair_gaps = pool[rows, hired], gaps[rows, hired]
    start = np.datetime64(as_of, "D") - rng.integers(1, days + 1, n).astype("timedelta64[D]")
    tenure, ended, reasons = simulate_tenure(factors, start, as_of=as_of, seed=seed + 1, gaps=pair_gaps)
    wage = 15.0 * (1.0 + 0.5 * (factors[:, FACTORS.index("wage")] - 0.25) / 0.75)
    hours = np.clip(np.round(rng.normal(20.0, 7.0, n) * 2) / 2, 10.0, 40.0)
    return Simulated(
        start=start,
        tenure_days=tenure,
        ended=ended,
        reason=reasons,
        hourly_wage=np.round(np.maximum(wage, 7.25), 2),
        weekly_hours=hours,
        competitive_integrated=rng.random(n) < 0.95,
        factors=factors,
        pool=pool.astype(np.float32),
        hired=hired,
        as_of=as_of,
    )
