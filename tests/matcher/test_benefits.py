"""Dated benefits figures: checked field by field, picked by the as-of date, out of date said plainly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from matcher.benefits import (
    BenefitsError,
    benefits_from_dict,
    dated,
    figures_for,
    figures_note,
    packaged_figures,
)
from matcher.config import MatcherConfig
from matcher.vocab import DATA_DIR


def raw_2026(**changes: Any) -> dict[str, Any]:
    raw = json.loads((DATA_DIR / "benefits_us_2026.json").read_text(encoding="utf-8"))
    return raw | changes


def test_the_2026_file_holds_ssa_s_2026_figures_and_its_source() -> None:
    # SSA's 2026 COLA fact sheet: SGA $1,690 (blind $2,830), trial work month $1,210, SSI $994
    raw = raw_2026()
    figures = benefits_from_dict(raw)
    assert (figures.sga_monthly, raw["sga_monthly_blind"]) == (1690, 2830)
    assert (figures.trial_work_month, figures.ssi_federal_benefit_rate) == (1210, 994)
    assert raw["source_url"].startswith("https://www.ssa.gov/")


def test_the_figures_are_picked_by_the_date_they_cover() -> None:
    years = {b.year: b for b in packaged_figures()}
    assert figures_for(dt.date(2026, 12, 1)) == years[2026]
    assert figures_for(dt.date(2025, 12, 31)) == years[2025]
    assert figures_note(years[2026], dt.date(2026, 12, 1)) is None


def test_outside_the_data_the_nearest_earlier_year_is_used_and_called_out_of_date() -> None:
    later = figures_for(dt.date(2028, 3, 1))
    assert later.year == max(b.year for b in packaged_figures())
    note = figures_note(later, dt.date(2028, 3, 1))
    assert note is not None and f"from {later.year}" in note and "out of date on 2028-03-01" in note
    earliest = figures_for(dt.date(2020, 6, 1))
    assert earliest.year == min(b.year for b in packaged_figures())
    assert figures_note(earliest, dt.date(2020, 6, 1)) is not None


def test_a_later_loaded_year_wins_over_a_packaged_one_for_the_same_period() -> None:
    packaged = list(packaged_figures())
    corrected = dataclasses.replace(packaged[-1], sga_monthly=1700.0)
    assert figures_for(dt.date(2026, 5, 1), [*packaged, corrected]) == corrected


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sga_monthly_non_blind": 16900}, "sga_monthly_non_blind"),
        ({"sga_monthly_blind": 1000}, "sga_monthly_blind"),
        ({"trial_work_month": True}, "trial_work_month"),
        ({"trial_work_month": 1800}, "trial_work_month"),  # above SGA
        ({"weeks_per_month": 52}, "weeks_per_month"),
        ({"effective_to": "2025-12-31"}, "effective_to"),
        ({"effective_to": "2027-01-31"}, "effective_to"),
        ({"effective_from": "2026-13-01"}, "effective_from"),
        ({"source": " "}, "source"),
        ({"effective_from": "2206-01-01", "effective_to": "2206-12-31"}, "effective_from"),
        ({"currency": "EUR"}, "currency"),
        ({"sga_monthly_nonblind": 1690}, "sga_monthly_nonblind"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(BenefitsError) as refused:
        benefits_from_dict(raw_2026(**changes))
    assert refused.value.field == field and str(refused.value).startswith(f"{field}: ")


def test_a_missing_field_is_named() -> None:
    raw = raw_2026()
    del raw["ssi_earned_income_exclusion"]
    with pytest.raises(BenefitsError, match="ssi_earned_income_exclusion: is missing"):
        benefits_from_dict(raw)


def test_the_commands_give_the_engine_the_figures_of_their_date() -> None:
    config = dated(MatcherConfig(), dt.date(2026, 11, 22))
    assert (config.benefits.year, config.benefits.sga_monthly) == (2026, 1690)
    own = {"benefits": {"sga_monthly": 1500.0}}
    assert dated(MatcherConfig.from_dict(own), dt.date(2026, 11, 22), given=own).benefits.sga_monthly == 1500
