"""The vectorised rounding equals the pipeline's per-suggestion rounding (plain-loop reference)."""

from __future__ import annotations

import numpy as np

from matcher.config import FACTORS
from matcher.pipeline import round_contributions
from matcher.rows import round_points


def test_round_points_matches_round_contributions_row_by_row() -> None:
    rng = np.random.default_rng(3)
    weights = rng.dirichlet(np.ones(len(FACTORS)), size=4000)
    factors = rng.random((4000, len(FACTORS)))
    factors[::7] = np.round(factors[::7], 2)  # exact halves and ties between remainders
    factors[::11, :3] = 0.5
    points = 100.0 * weights * factors
    contrib, score = round_points(points)
    for i in range(len(points)):
        want = round_contributions({f: float(points[i, k]) for k, f in enumerate(FACTORS)})
        assert list(contrib[i]) == [want[f] for f in FACTORS], i
        assert score[i] == round(sum(want.values()), 2), i


def test_rounded_parts_add_up_to_the_score() -> None:
    points = np.random.default_rng(4).random((500, len(FACTORS))) * 20
    contrib, score = round_points(points)
    assert np.all(np.round(contrib.sum(axis=1) * 100).astype(int) == np.round(score * 100).astype(int))
