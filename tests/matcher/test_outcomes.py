"""Outcome figures (Kaplan-Meier on a textbook example, a hand-made program) and the fairness audit
on simulated programs with and without a planted bias."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, selection_rate
from matcher._data.fairness_sim import TARGET, simulate_program

from matcher.outcomes import GROUPINGS, impact_ratios, km_median, outcome_table
from matcher.outcomes.fairness import _selection_frames

# Freireich et al. (1963), 6-MP arm of the leukemia remission trial, weeks in remission; a "+" in the
# textbooks (Kleinbaum & Klein, Survival Analysis, ch. 2) marks a censored time. KM median: 23 weeks.
SIX_MP = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_CENSORED = {3, 5, 7, 8, 11, 12, 13, 16, 17, 18, 19, 20}  # positions of 6+, 9+, 10+, 11+, 17+, ...
# Placebo arm: every remission ended; median 8 weeks.
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_kaplan_meier_median_of_the_freireich_6mp_trial() -> None:
    ended = np.array([i not in SIX_MP_CENSORED for i in range(len(SIX_MP))])
    assert ended.sum() == 9  # 9 relapses, 12 censored, as the textbooks give
    six_mp = km_median(np.array(SIX_MP, float), ended)
    assert (six_mp.days, six_mp.reached, six_mp.ended) == (23.0, True, 9)
    placebo = km_median(np.array(PLACEBO, float), np.ones(len(PLACEBO), bool))
    assert placebo.days == 8.0


def test_a_median_not_reached_says_more_than_the_longest_job() -> None:
    median = km_median(np.array([10.0, 40.0, 90.0]), np.array([True, False, False]))
    assert (median.days, median.reached) == (90.0, False)


AS_OF = dt.date(2026, 6, 30)


def _hand_made() -> tuple[pd.DataFrame, pd.DataFrame]:
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c", "d"],
            "specialist": ["Ann", "Ann", "Bo", "Bo"],
            "enrolled_on": [
                dt.date(2026, 1, 1),
                dt.date(2026, 1, 11),
                dt.date(2026, 2, 1),
                dt.date(2026, 6, 1),
            ],
            "active": [True, True, True, False],
        }
    )
    day = dt.date
    placements = pd.DataFrame(
        {
            "client_id": ["a", "a", "b", "c"],
            "start_date": [day(2026, 1, 31), day(2026, 4, 1), day(2026, 3, 1), day(2026, 2, 21)],
            "end_date": [day(2026, 3, 1), None, day(2026, 5, 30), None],
            "competitive_integrated": [True, True, True, False],
            "hourly_wage": [15.0, 17.0, 16.0, None],
            "weekly_hours": [20.0, 25.0, 10.0, 30.0],
            "separation_reason": ["quit_better_job", None, "fired", None],
            "in_stated_area": [True, False, True, None],
        }
    )
    return clients, placements


def test_program_figures_on_a_hand_made_caseload() -> None:
    clients, placements = _hand_made()
    (row,) = outcome_table(clients, placements, by="program", as_of=AS_OF)
    # 4 served; a and b held competitive integrated jobs, c's job is not CIE, d has none: 2/4.
    assert (row["clients_served"], row["clients_employed_cie"], row["cie_share"]) == (4, 2, 0.5)
    # First jobs: a 30 days (Jan 1 -> Jan 31), b 49 (Jan 11 -> Mar 1), c 20 (Feb 1 -> Feb 21): median 30.
    assert (row["first_jobs"], row["days_to_first_job_median"]) == (3, 30.0)
    # Hours 20, 25, 10, 30 -> median 22.5; wages 15, 17, 16 (one not recorded) -> 16.
    assert (row["weekly_hours_median"], row["hourly_wage_median"]) == (22.5, 16.0)
    # Tenure: a1 ended after 29 days, b after 90; a2 ongoing 90 days, c ongoing 129 days.
    # KM: S(29) = 3/4, S(90) = 3/4 * (1 - 1/3) = 1/2 -> median 90 days.
    assert (row["tenure_median_days"], row["tenure_median_reached"], row["tenure_jobs_ended"]) == (
        90.0,
        True,
        2,
    )
    # Stated areas: a1 yes, a2 no, b yes; c stated none (left out): 2/3.
    assert (row["jobs_with_stated_areas"], row["in_stated_area_share"]) == (3, pytest.approx(2 / 3))
    assert row["endings"] == {"fired": 1, "quit_better_job": 1}


def test_figures_per_specialist_and_per_month() -> None:
    clients, placements = _hand_made()
    ann, bo = outcome_table(clients, placements, by="specialist", as_of=AS_OF)
    assert (ann["group"], ann["clients_served"], ann["clients_employed_cie"], ann["jobs_started"]) == (
        "Ann",
        2,
        2,
        3,
    )
    assert (bo["group"], bo["clients_served"], bo["clients_employed_cie"], bo["first_jobs"]) == (
        "Bo",
        2,
        0,
        1,
    )
    months = {
        r["group"]: r
        for r in outcome_table(clients, placements, by="month", as_of=AS_OF, since=dt.date(2026, 1, 1))
    }
    assert list(months) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    # January: a and b enrolled; a's first job started Jan 31 (CIE): 1 of 2 employed.
    assert (months["2026-01"]["clients_served"], months["2026-01"]["clients_employed_cie"]) == (2, 1)
    # March: a's first job ended (Mar 1) and b's started: both held a CIE job; c is served too.
    assert (months["2026-03"]["clients_served"], months["2026-03"]["clients_employed_cie"]) == (3, 2)
    assert months["2026-03"]["endings"] == {"quit_better_job": 1}
    assert months["2026-05"]["endings"] == {"fired": 1}


def test_bad_grouping_is_refused_by_name() -> None:
    clients, placements = _hand_made()
    with pytest.raises(ValueError, match="by must be one of"):
        outcome_table(clients, placements, by="week", as_of=AS_OF)


def _flags(frame: pd.DataFrame, seed: int) -> set[tuple[str, str]]:
    rows = impact_ratios(
        frame, selections=["suggested", "approved", "hired"], groupings=GROUPINGS, n_boot=1000, seed=seed
    )
    return {(r["selection"], r["group"]) for r in rows if r["flag"]}


@pytest.mark.parametrize("seed", range(5))
def test_a_program_biased_against_one_group_trips_the_flag_and_an_unbiased_one_does_not(seed: int) -> None:
    biased = _flags(simulate_program(2000, seed=seed, bias=0.6), seed)
    assert ("suggested", TARGET[1]) in biased or ("approved", TARGET[1]) in biased
    assert {g for _, g in biased} <= {
        TARGET[1],
        f"female × {TARGET[1]}",
        f"male × {TARGET[1]}",
        f"another × {TARGET[1]}",
    }
    assert _flags(simulate_program(2000, seed=seed, bias=1.0), seed) == set()


def test_small_groups_are_suppressed_and_unstated_ones_never_compared() -> None:
    frame = simulate_program(300, seed=1)
    rows = impact_ratios(frame, selections=["hired"], groupings=[("race_ethnicity",)], n_boot=200)
    sizes = frame["race_ethnicity"].value_counts()
    for row in rows:
        small = sizes[row["group"]] < 10
        assert row["suppressed"] == small
        if small:
            assert (row["n"], row["rate"], row["impact_ratio"], row["flag"]) == (None, None, None, False)
    unstated = next(r for r in rows if r["group"] == "not_stated")
    assert unstated["impact_ratio"] is None and not unstated["compared"]


def test_selection_rates_are_fairlearns() -> None:
    frame = simulate_program(500, seed=3, bias=0.7)
    ours = _selection_frames(frame, ["approved"], ["sex", "race_ethnicity"])["approved"]
    theirs = MetricFrame(
        metrics=selection_rate,
        y_true=frame["approved"].astype(int),
        y_pred=frame["approved"].astype(int),
        sensitive_features=frame[["sex", "race_ethnicity"]],
    ).by_group.dropna()  # fairlearn lists every combination, empty ones as NaN
    assert list(ours["group"]) == list(theirs.index)
    assert np.allclose(ours["rate"].to_numpy(), theirs.to_numpy())


@pytest.mark.parametrize("seed", range(20))
def test_the_kaplan_meier_median_is_lifelines(seed: int) -> None:
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    durations = rng.integers(0, 200, n).astype(float)  # ties, zeros and censoring at event times
    ended = rng.random(n) < rng.uniform(0.1, 0.9)
    expected = float(KaplanMeierFitter().fit(durations, event_observed=ended).median_survival_time_)
    ours = km_median(durations, ended)
    assert (ours.days if ours.reached else np.inf) == expected
