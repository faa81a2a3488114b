"""Related occupations (transferable skills)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.occupations import OccupationNotFound, OccupationStore, similar_occupations
from matcher.occupations.profile import OFFICE_COMMODITIES, technology_share
from matcher.occupations.similar import transfer_scores, zone_factor


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
    assert up / down == pytest.approx(zone_factor(np.asarray(3.0)) / zone_factor(np.asarray(-3.0)))
    assert up < down


def test_a_two_zone_jump_costs_far_more_than_one() -> None:
    one, two, down = zone_factor(np.asarray([1.0, 2.0, -2.0]))
    assert 1.0 > one > two and two <= 0.5  # a jump needing much more preparation keeps half or less
    assert down > one  # moving to a job needing less preparation costs little


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


def test_real_every_code_gets_related_occupations(real_store: OccupationStore) -> None:
    text_only = []
    for code in real_store.codes:
        related = similar_occupations(real_store, code, top=5)
        assert related, code
        assert code not in {r.code for r in related}
        if related[0].basis == "text":
            text_only.append(code)
    # the "All Other" and military codes have no ratings: compared on text, and they say so
    assert "11-9199.00" in text_only and "55-1011.00" in text_only
    assert "35-9021.00" not in text_only
    assert all(r.basis == "profile" for r in similar_occupations(real_store, "35-9021.00"))


def test_real_human_service_assistants_stay_in_human_services(real_store: OccupationStore) -> None:
    row = real_store.row("21-1093.00")
    related = similar_occupations(real_store, "21-1093.00", top=10)
    zone = real_store.job_zone[row]
    assert all(r.job_zone is None or r.job_zone < zone + 2 for r in related)
    assert "29-1141.00" not in {r.code for r in related[:5]}  # registered nurses need licensure
    assert sum(r.code.startswith("21-") for r in related[:5]) >= 4


def test_real_top_related_never_jump_two_zones_up(real_store: OccupationStore) -> None:
    jumps = 0
    for row, code in enumerate(real_store.codes):
        if not np.isfinite(real_store.job_zone[row]):
            continue
        for r in similar_occupations(real_store, code, top=3):
            jumps += r.job_zone is not None and r.job_zone >= real_store.job_zone[row] + 2
    assert jumps == 0


def test_real_reasons_are_never_office_tools(real_store: OccupationStore) -> None:
    share = technology_share(real_store)
    office = {
        t.example
        for techs in real_store.technology
        for t in techs
        if t.commodity in OFFICE_COMMODITIES or share[t.example] >= 0.3
    }
    assert {"Microsoft Excel", "Google Docs", "Microsoft Word"} <= office
    for code in ("53-7062.00", "21-1093.00", "41-2011.00", "43-4051.00", "15-1252.00"):
        for r in similar_occupations(real_store, code, top=10):
            assert not office & set(r.shared), (code, r.code, r.shared)
    laborers = similar_occupations(real_store, "53-7062.00", top=20)
    assert not any("AutoCAD" in s for r in laborers for s in r.shared)
