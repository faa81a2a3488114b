"""The retention model is a scikit-learn estimator (binary classifier): the library's own checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sklearn.utils.estimator_checks import parametrize_with_checks

from matcher.retention import RetentionModel


@parametrize_with_checks([RetentionModel(n_bootstrap=5)])
def test_sklearn_compatible(estimator: RetentionModel, check: Callable[[Any], None]) -> None:
    check(estimator)
