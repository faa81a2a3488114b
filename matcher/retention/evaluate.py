"""Time-split evaluation: calibration of the later outcomes and ranking of the later hires.

Everything here reads only the *later* placements (``TimeSplit.test``); the model and the weights
it proposes were learned on the earlier ones.

Ranking: each later placement's shortlist is its pool (the openings its client could be offered,
``Outcomes.pool``) ranked by ``sum_f weight_f * factor_f``; the top ``K`` = 10 are the shortlist.
A *kept hire* (the placed opening, still worked at day 90) is the relevant item: recall@10 is the
share of kept hires inside their shortlist, NDCG@10 the mean of ``1 / log2(1 + rank)`` (0 beyond
10; one relevant item per pool, so the ideal DCG is 1). Ties rank the hire after the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from matcher.config import FACTORS
from matcher.retention.outcomes import Outcomes

K = 10
RECALL, NDCG, LOST_RECALL = f"recall@{K}", f"ndcg@{K}", f"lost recall@{K}"  # the ranking metrics
BINS = 10
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def bootstrap(statistic: Callable[[np.ndarray], float], n: int, *, n_bootstrap: int, seed: int) -> Interval:
    """``statistic(rows)`` on all ``n`` rows, with a percentile bootstrap interval over rows."""
    rng = np.random.default_rng(seed)
    value = statistic(np.arange(n))
    draws = np.array([statistic(rng.integers(0, n, n)) for _ in range(n_bootstrap)])
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return Interval(value, value, value)
    tail = (1.0 - CONFIDENCE) / 2.0 * 100.0
    low, high = np.percentile(draws, [tail, 100.0 - tail])
    return Interval(value, float(low), float(high))


def reliability(p: np.ndarray, y: np.ndarray, *, bins: int = BINS) -> list[dict[str, float]]:
    """Equal-width bins of predicted probability: count, mean predicted and observed rate."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            out.append(
                {
                    "low": b / bins,
                    "high": (b + 1) / bins,
                    "count": int(inside.sum()),
                    "predicted": float(p[inside].mean()),
                    "observed": float(y[inside].mean()),
                }
            )
    return out


def hire_ranks(outcomes: Outcomes, weights: Mapping[str, float]) -> np.ndarray:
    """(n,) rank of each placed opening in its pool under ``weights`` (1 = first)."""
    w = np.array([weights[f] for f in FACTORS], dtype=np.float64)
    scores = np.nan_to_num(outcomes.pool.astype(np.float64) @ w, nan=-np.inf)  # padded rows last
    hire = scores[np.arange(len(outcomes)), outcomes.hired]
    result: np.ndarray = (scores >= hire[:, None]).sum(axis=1)  # the hire and all at least as high
    return result


def _ndcg(ranks: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.where(ranks <= K, 1.0 / np.log2(1.0 + ranks), 0.0)
    return result


def ranking(
    outcomes: Outcomes,
    current: Mapping[str, float],
    proposed: Mapping[str, float],
    *,
    n_bootstrap: int,
    seed: int,
) -> dict[str, dict[str, dict[str, float]]]:
    """recall@10 and NDCG@10 of the kept hires under both weightings, and their difference.

    ``lost recall@10`` is the same share for the hires that ended before day 90: weights that
    serve retention raise the kept hires more than the lost ones.
    """
    kept, lost = outcomes.retained, ~outcomes.retained
    now, new = hire_ranks(outcomes, current), hire_ranks(outcomes, proposed)
    metrics: dict[str, tuple[Callable[[np.ndarray], np.ndarray], np.ndarray]] = {
        RECALL: (lambda r: (r <= K).astype(np.float64), kept),
        NDCG: (_ndcg, kept),
        LOST_RECALL: (lambda r: (r <= K).astype(np.float64), lost),
    }
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, (per_hire, which) in metrics.items():
        a, b = per_hire(now[which]), per_hire(new[which])

        def mean_of(values: np.ndarray) -> Callable[[np.ndarray], float]:
            return lambda rows: float(values[rows].mean()) if len(rows) else float("nan")

        out[name] = {
            "current": bootstrap(mean_of(a), len(a), n_bootstrap=n_bootstrap, seed=seed).as_dict(),
            "proposed": bootstrap(mean_of(b), len(b), n_bootstrap=n_bootstrap, seed=seed).as_dict(),
            "difference": bootstrap(mean_of(b - a), len(a), n_bootstrap=n_bootstrap, seed=seed).as_dict(),
        }
    return out


class _Auc:
    """Area under the ROC curve of any resample, in one pass: the ranks are sorted once.

    A resample is given as rows; each row's count weighs it, tied predictions count half.
    """

    def __init__(self, p: np.ndarray, y: np.ndarray) -> None:
        _, self.group = np.unique(p, return_inverse=True)  # groups of equal p, in increasing order
        self.y = y.astype(np.float64)
        self.n_groups = int(self.group.max()) + 1 if len(p) else 0

    def __call__(self, rows: np.ndarray) -> float:
        counts = np.bincount(rows, minlength=len(self.y)).astype(np.float64)
        pos = np.bincount(self.group, weights=counts * self.y, minlength=self.n_groups)
        neg = np.bincount(self.group, weights=counts * (1.0 - self.y), minlength=self.n_groups)
        below = np.cumsum(neg) - neg
        total = pos.sum() * neg.sum()
        return float((pos * (below + 0.5 * neg)).sum() / total) if total > 0 else float("nan")


def calibration(
    p: np.ndarray, y: np.ndarray, *, base_rate: float, n_bootstrap: int, seed: int
) -> dict[str, object]:
    """Brier score (with a base-rate reference), AUC and the reliability bins of later outcomes."""
    y = y.astype(bool)
    target = y.astype(np.float64)
    brier = bootstrap(
        lambda r: float(np.mean((p[r] - target[r]) ** 2)), len(p), n_bootstrap=n_bootstrap, seed=seed
    )
    auc = bootstrap(_Auc(p, y), len(p), n_bootstrap=n_bootstrap, seed=seed)
    return {
        "brier": brier.as_dict(),
        "brier_base_rate": float(np.mean((base_rate - target) ** 2)),
        "auc": auc.as_dict(),
        "bins": reliability(p, target),
        "observed_rate": float(target.mean()) if len(target) else float("nan"),
        "mean_predicted": float(p.mean()) if len(p) else float("nan"),
    }
