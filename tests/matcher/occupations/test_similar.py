"""Related occupations (transferable skills)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.occupations import OccupationNotFound, OccupationStore, similar_occupations
from matcher.occupations.similar import ZONE_DOWN, ZONE_UP, transfer_scores


def test_tiny_ranking_and_reasons(tiny_store: OccupationStore) -> None:
    related = similar_occupations(tiny_store, "Dishwashers")
    assert [r.code for r in related] == ["35-9011.00", "41-2011.00", "15-1252.00"]
    assert related[0].shared[0] == "Clean tableware"
    assert related[0].job_zone == 1
    assert all(0 < r.score <= 1 for r in related)
    assert "35-9021.00" not in {r.code for r in related}  # never itself


def test_title_and_code_queries_agree(tiny_store: OccupationStore) -> None:
    assert similar_occupations(tiny_store, "dish washer") == similar_occupations(tiny_store, "35-9021.00")
    assert len(similar_occupations(tiny_store, "35-9021", top=1)) == 1


def test_unknown_query_raises(tiny_store: OccupationStore) -> None:
    with pytest.raises(OccupationNotFound, match="astronaut"):
        similar_occupations(tiny_store, "astronaut")
    with pytest.raises(OccupationNotFound, match="99-9999.00"):
        similar_occupations(tiny_store, "99-9999.00")


def test_moving_up_job_zones_costs_more_than_moving_down(tiny_store: OccupationStore) -> None:
    dish, dev = tiny_store.row("35-9021.00"), tiny_store.row("15-1252.00")
    up = transfer_scores(tiny_store, dish)[dev]
    down = transfer_scores(tiny_store, dev)[dish]
    # Same components both ways; only the Job Zone factor (1 -> 4 vs 4 -> 1) differs.
    assert up / down == pytest.approx((1 - 3 * ZONE_UP) / (1 - 3 * ZONE_DOWN))


def test_scores_are_bounded_and_self_is_best(tiny_store: OccupationStore) -> None:
    for row in range(len(tiny_store)):
        scores = transfer_scores(tiny_store, row)
        assert np.all((scores >= 0) & (scores <= 1 + 1e-9))
        assert scores[row] == pytest.approx(scores.max())


def test_real_dishwashers_related_to_kitchen_work(real_store: OccupationStore) -> None:
    related = similar_occupations(real_store, "Dishwashers", top=20)
    codes = [r.code for r in related]
    assert "35-9011.00" in codes[:5]  # Dining Room and Cafeteria Attendants and Bartender Helpers
    assert "35-2021.00" in codes[:10]  # Food Preparation Workers
    assert sum(c.startswith("35-") for c in codes[:10]) >= 6  # food preparation and serving
    assert all(r.shared for r in related[:10])
    assert related[0].job_zone is not None and related[0].job_zone <= 2


def test_real_code_query(real_store: OccupationStore) -> None:
    related = similar_occupations(real_store, "41-2011.00", top=10)
    assert "41-2031.00" in [r.code for r in related]  # cashiers -> retail salespersons
    assert [r.score for r in related] == sorted((r.score for r in related), reverse=True)
