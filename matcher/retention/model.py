"""The retention model: a logistic regression of 90-day retention on the engine's factor values.

Readable by design: one coefficient per factor, on the factor's own 0-1 scale (the change in the
log-odds of still working at day 90 between a factor value of 0 and 1), with a bootstrap 95 %
interval. A logistic regression fitted by maximum likelihood is calibrated on data like its
training data; the time-split evaluation (:mod:`matcher.retention.evaluate`) checks that on later
placements rather than assuming it.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy.special import expit
from scipy.stats import norm
from sklearn.base import BaseEstimator, ClassifierMixin, OneToOneFeatureMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

MAX_NEWTON_STEPS = 25
NEWTON_TOLERANCE = 1e-8


# scikit-learn ships no type stubs: its base classes are Any to mypy.
class RetentionModel(OneToOneFeatureMixin, ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Logistic regression with bootstrap intervals of its coefficients.

    Parameters
    ----------
    n_bootstrap : int
        Resamples (placements drawn with replacement) for the coefficient intervals.
    confidence : float
        Coverage of the intervals (normal bootstrap: coefficient +- z * resampled spread).
    C : float
        Inverse L2 penalty; large, so the coefficients are close to unpenalised maximum
        likelihood while a factor without variance still gets a finite (zero) coefficient.
    random_state : int
        Seed of the resampling.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    coef_interval_ : ndarray of shape (n_features, 2)
        Lower and upper bounds of each coefficient.
    """

    def __init__(
        self, *, n_bootstrap: int = 200, confidence: float = 0.95, C: float = 1e4, random_state: int = 0
    ) -> None:
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.C = C
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # kept or not: two outcomes only
        return tags

    def fit(self, X: Any, y: Any) -> Self:
        """Fit on factor values ``X`` (n, F) and retained-at-90-days ``y`` (n,)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        if self.n_bootstrap < 2 or not 0 < self.confidence < 1:
            raise ValueError("n_bootstrap must be >= 2 and confidence in (0, 1)")
        self.classes_ = np.unique(y)
        if len(self.classes_) > 2:
            raise ValueError("Only binary classification is supported: kept the job or not")
        if len(self.classes_) < 2:
            raise ValueError("y has 1 class only: retention needs both outcomes (kept and lost)")
        # One thread: a (n, 7) problem gains nothing from BLAS threads and loses to their contention.
        with threadpool_limits(1):
            full = LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=100).fit(X, y)
            self.coef_ = full.coef_[0].copy()
            self.intercept_ = float(full.intercept_[0])
            self.coef_interval_ = self._intervals(X, (y == self.classes_[1]).astype(np.float64))
        return self

    def _intervals(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Intervals from resamples, each refitted by Newton steps from the full fit."""
        rng = np.random.default_rng(self.random_state)
        X1 = np.column_stack([X, np.ones(len(X))])
        start = np.append(self.coef_, self.intercept_)
        draws = np.empty((self.n_bootstrap, X.shape[1]))
        n = len(y)
        for b in range(self.n_bootstrap):
            # A resample with replacement, as counts per placement (the same fit, no copy of X).
            counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
            draws[b] = _newton(X1, y, counts, start, 1.0 / self.C)[:-1]
        # Normal bootstrap interval (coefficient +- z * the resamples' spread): steadier than
        # percentiles of a few hundred resamples, whose tails rest on a handful of draws.
        half = norm.ppf(0.5 + self.confidence / 2.0) * draws.std(axis=0, ddof=1)
        return np.column_stack([self.coef_ - half, self.coef_ + half])

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of still working at day 90."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        result: np.ndarray = X @ self.coef_ + self.intercept_
        return result

    def predict_proba(self, X: Any) -> np.ndarray:
        """(n, 2): probability of leaving before day 90, and of still working then."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The more likely outcome."""
        kept = self.predict_proba(X)[:, 1] >= 0.5
        result: np.ndarray = self.classes_[kept.astype(int)]
        return result

    def coefficients(self) -> dict[str, dict[str, float]]:
        """Per feature: coefficient and interval bounds, by feature name."""
        check_is_fitted(self)
        names = self.get_feature_names_out()
        return {
            str(name): {"coef": float(c), "low": float(lo), "high": float(hi)}
            for name, c, (lo, hi) in zip(names, self.coef_, self.coef_interval_, strict=True)
        }


def _newton(
    X1: np.ndarray, y: np.ndarray, weights: np.ndarray, beta: np.ndarray, penalty: float
) -> np.ndarray:
    """Weighted L2-penalised logistic regression by Newton's method from ``beta`` (last: intercept).

    The objective scikit-learn's ``LogisticRegression`` minimises, ``sum_i w_i * log-loss_i +
    penalty / 2 * |coef|^2`` (the intercept unpenalised), written out here because each of a few
    hundred resamples starts next to the solution: two or three exact steps, without the
    estimator's per-call checks, which cost more than the steps on a program's few hundred rows.
    """
    ridge = np.full(len(beta), penalty)
    ridge[-1] = 0.0
    for _ in range(MAX_NEWTON_STEPS):
        p = expit(X1 @ beta)
        gradient = X1.T @ (weights * (p - y)) + ridge * beta
        hessian = (X1 * (weights * p * (1.0 - p))[:, None]).T @ X1 + np.diag(ridge)
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        beta = beta - step
        if np.max(np.abs(step)) < NEWTON_TOLERANCE:
            break
    return beta
