"""The one rounding of contributions, against a plain-loop reference written independently here."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from matcher.config import FACTORS
from matcher.rows import round_contributions, round_points


def largest_remainder(contrib: Mapping[str, float]) -> dict[str, float]:
    """Reference: hundredths by largest remainder, ties to the earlier factor, one pair at a time."""
    cents = {f: v * 100.0 for f, v in contrib.items()}
    total = round(sum(cents.values()))
    floors = {f: int(np.floor(v)) for f, v in cents.items()}
    short = total - sum(floors.values())
    by_remainder = sorted(cents, key=lambda f: (-(cents[f] - floors[f]), FACTORS.index(f)))
    for f in by_remainder[: max(short, 0)]:
        floors[f] += 1
    return {f: floors[f] / 100.0 for f in contrib}


def test_round_points_matches_round_contributions_row_by_row() -> None:
    rng = np.random.default_rng(3)
    weights = rng.dirichlet(np.ones(len(FACTORS)), size=4000)
    factors = rng.random((4000, len(FACTORS)))
    factors[::7] = np.round(factors[::7], 2)  # exact halves and ties between remainders
    factors[::11, :3] = 0.5
    points = 100.0 * weights * factors
    contrib, score = round_points(points)
    for i in range(len(points)):
        want = largest_remainder({f: float(points[i, k]) for k, f in enumerate(FACTORS)})
        assert list(contrib[i]) == [want[f] for f in FACTORS], i
        assert score[i] == round(sum(want.values()), 2), i


def test_round_contributions_is_one_row_of_round_points() -> None:
    rng = np.random.default_rng(5)
    for values in rng.random((300, len(FACTORS))) * 30:
        contrib = dict(zip(FACTORS, values.tolist(), strict=True))
        assert round_contributions(contrib) == largest_remainder(contrib)
    some = dict(zip(FACTORS[:3], [10.004, 10.004, 10.004], strict=True))  # a subset of the factors
    assert round_contributions(some) == largest_remainder(some)
    assert list(round_contributions(some).values()) == [10.01, 10.0, 10.0]  # 30.012 shows as 30.01


def test_rounded_parts_add_up_to_the_score() -> None:
    points = np.random.default_rng(4).random((500, len(FACTORS))) * 20
    contrib, score = round_points(points)
    assert np.all(np.round(contrib.sum(axis=1) * 100).astype(int) == np.round(score * 100).astype(int))
