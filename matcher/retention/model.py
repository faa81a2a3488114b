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
from scipy.stats import norm
from sklearn.base import BaseEstimator, ClassifierMixin, OneToOneFeatureMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits


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

    def _regression(self, *, warm_start: bool = False) -> LogisticRegression:
        # Newton's method: a handful of exact steps for a few features, so each resample is cheap.
        return LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=100, warm_start=warm_start)

    def fit(self, X: Any, y: Any) -> Self:
        """Fit on factor values ``X`` (n, F) and retained-at-90-days ``y`` (n,)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        if self.n_bootstrap < 2 or not 0 < self.confidence < 1:
            raise ValueError("n_bootstrap must be >= 2 and confidence in (0, 1)")
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("retention needs both outcomes (retained and not) in y")
        # One thread: a (n, 7) problem gains nothing from BLAS threads and loses to their contention.
        with threadpool_limits(1):
            full = self._regression().fit(X, y)
            self.coef_ = full.coef_[0].copy()
            self.intercept_ = float(full.intercept_[0])
            self.coef_interval_ = self._intervals(X, y)
        return self

    def _intervals(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Intervals from resamples, each a refit starting from the full fit (warm start)."""
        rng = np.random.default_rng(self.random_state)
        refit = self._regression(warm_start=True)
        draws = np.empty((self.n_bootstrap, X.shape[1]))
        n = len(y)
        for b in range(self.n_bootstrap):
            # A resample with replacement, as counts per placement (the same fit, no copy of X).
            counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
            refit.coef_, refit.intercept_ = self.coef_[None, :].copy(), np.array([self.intercept_])
            draws[b] = refit.fit(X, y, sample_weight=counts).coef_[0]
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
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The more likely outcome."""
        result: np.ndarray = self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]
        return result

    def coefficients(self) -> dict[str, dict[str, float]]:
        """Per feature: coefficient and interval bounds, by feature name."""
        check_is_fitted(self)
        names = self.get_feature_names_out()
        return {
            str(name): {"coef": float(c), "low": float(lo), "high": float(hi)}
            for name, c, (lo, hi) in zip(names, self.coef_, self.coef_interval_, strict=True)
        }
