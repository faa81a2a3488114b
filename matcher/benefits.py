"""Dated benefits figures: read and check a year's SSA figures, pick the ones for a date.

The figures change every January. Each year is a file ``data/benefits_us_<year>.json`` (or a
year an admin loaded into the service); :func:`figures_for` picks the one whose period covers
the as-of date, and when none does, the nearest earlier year, which :func:`figures_note` then
calls out of date in every benefits explanation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from matcher.config import BENEFITS_GLOB, BenefitsConfig, MatcherConfig
from matcher.errors import ConfigError
from matcher.resources import data_dir


class BenefitsError(ConfigError):
    """A year's figures are incomplete or implausible; ``field`` names the first bad one."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class Bounds:
    """The plausible range of one monthly dollar figure (or ratio), and the config field it fills."""

    attribute: str
    low: float
    high: float


# File field -> (BenefitsConfig attribute, plausible range). The ranges are wide (several years of
# cost-of-living growth either way) but catch a yearly figure typed as a weekly one or a typo.
FIELDS: dict[str, Bounds] = {
    "sga_monthly_non_blind": Bounds("sga_monthly", 800, 6000),
    "sga_monthly_blind": Bounds("", 1200, 10000),
    "trial_work_month": Bounds("trial_work_month", 500, 4000),
    "ssi_federal_benefit_rate": Bounds("ssi_federal_benefit_rate", 500, 3000),
    "ssi_general_income_exclusion": Bounds("ssi_general_income_exclusion", 0, 500),
    "ssi_earned_income_exclusion": Bounds("ssi_earned_income_exclusion", 0, 1000),
    "ssi_reduction_per_dollar_above_exclusion": Bounds("", 0.01, 1),
    "weeks_per_month": Bounds("weeks_per_month", 4, 4.5),
}
REQUIRED = ("effective_from", "effective_to", "source", *FIELDS)
OPTIONAL = ("currency", "source_url", "source_urls")  # kept as given, for the reader
YEARS = range(2000, 2101)  # a year outside is a typo (2206 for 2026)


def _date(raw: Mapping[str, Any], name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw[name]))
    except ValueError:
        raise BenefitsError(name, f"must be a date YYYY-MM-DD, got {raw[name]!r}") from None


def _number(raw: Mapping[str, Any], name: str) -> float:
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BenefitsError(name, f"must be a number, got {value!r}")
    bounds = FIELDS[name]
    if not bounds.low <= value <= bounds.high:
        raise BenefitsError(name, f"{value:g} is not plausible (expected {bounds.low:g} to {bounds.high:g})")
    return float(value)


def check_figures(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of ``raw`` (a year's file as a dict), checked; raises BenefitsError naming the field."""
    if not isinstance(raw, Mapping):
        raise BenefitsError("figures", "must be a JSON object")
    for name in REQUIRED:
        if name not in raw:
            raise BenefitsError(name, "is missing")
    for name in raw:
        if name not in REQUIRED and name not in OPTIONAL:
            raise BenefitsError(str(name), "is not a benefits figure (a typo?)")
    if raw.get("currency", "USD") != "USD":
        raise BenefitsError("currency", "must be USD (these are US SSA figures)")
    start, end = _date(raw, "effective_from"), _date(raw, "effective_to")
    if start.year not in YEARS:
        raise BenefitsError("effective_from", f"the year {start.year} is not plausible")
    if end < start:
        raise BenefitsError("effective_to", "must not be before effective_from")
    if (start.year, end.year) != (start.year, start.year):
        raise BenefitsError("effective_to", f"must be in the same year as effective_from ({start.year})")
    numbers = {name: _number(raw, name) for name in FIELDS}
    if numbers["sga_monthly_blind"] < numbers["sga_monthly_non_blind"]:
        raise BenefitsError("sga_monthly_blind", "must not be below sga_monthly_non_blind")
    if numbers["trial_work_month"] > numbers["sga_monthly_non_blind"]:
        raise BenefitsError("trial_work_month", "must not be above sga_monthly_non_blind")
    if not str(raw["source"]).strip():
        raise BenefitsError("source", "must say where the figures come from")
    return {**dict(raw), **numbers, "effective_from": start.isoformat(), "effective_to": end.isoformat()}


def benefits_from_dict(raw: Mapping[str, Any]) -> BenefitsConfig:
    """The engine's figures from a year's file (checked by :func:`check_figures`)."""
    checked = check_figures(raw)
    values = {b.attribute: checked[name] for name, b in FIELDS.items() if b.attribute}
    return BenefitsConfig(
        effective_from=checked["effective_from"], effective_to=checked["effective_to"], **values
    )


@cache
def packaged_figures() -> tuple[BenefitsConfig, ...]:
    """Every year of figures shipped in ``data/``, oldest first."""
    files = sorted(data_dir().glob(BENEFITS_GLOB))
    return tuple(benefits_from_dict(json.loads(f.read_text(encoding="utf-8"))) for f in files)


def covers(figures: BenefitsConfig, as_of: dt.date) -> bool:
    """Whether ``as_of`` falls in the figures' period."""
    return figures.effective_from <= as_of.isoformat() <= figures.effective_to


def figures_for(as_of: dt.date, figures: Iterable[BenefitsConfig] | None = None) -> BenefitsConfig:
    """The figures whose period covers ``as_of`` (a later-loaded year wins a tie); else the newest
    year before ``as_of``, else the oldest year (both out of date: see :func:`figures_note`)."""
    years = sorted(packaged_figures() if figures is None else figures, key=lambda b: b.effective_from)
    if not years:
        raise ConfigError("no benefits figures")
    covering = [b for b in years if covers(b, as_of)]
    if covering:
        return covering[-1]
    earlier = [b for b in years if b.effective_from <= as_of.isoformat()]
    return earlier[-1] if earlier else years[0]


def dated(config: MatcherConfig, as_of: dt.date, *, given: Mapping[str, Any] | None = None) -> MatcherConfig:
    """``config`` with the packaged figures for ``as_of``, unless ``given`` (the raw
    configuration it was built from) names figures of its own."""
    if given is not None and "benefits" in given:
        return config
    return dataclasses.replace(config, benefits=figures_for(as_of))


def figures_note(figures: BenefitsConfig, as_of: dt.date) -> str | None:
    """A plain warning when ``as_of`` is outside the figures' period, else None."""
    if covers(figures, as_of):
        return None
    return (
        f"these benefits figures are from {figures.year} and may be out of date on {as_of.isoformat()}; "
        "check the current SSA figures"
    )
