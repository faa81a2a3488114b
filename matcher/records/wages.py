"""Pay as job boards state it, made hourly: a range with the basis it came from.

A posting may give a minimum, a maximum and/or a median, per hour, day, week, two weeks,
month or year. :func:`hourly_wage` turns that into an hourly range ``low``-``high`` and
records how (e.g. "from yearly pay, 2,080 paid hours a year"), so an explanation can say
where a figure came from. Without any amount the wage is unknown (None), never zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Paid hours per period for a full-time schedule (40 h a week, 52 weeks), unless the posting
# states its weekly hours, which then replace the 40.
FULL_TIME_HOURS = 40.0
WEEKS_PER_YEAR = 52.0
PERIODS = {
    "hourly": ("hourly", 1.0),
    "hour": ("hourly", 1.0),
    "hr": ("hourly", 1.0),
    "daily": ("daily", 8.0),
    "day": ("daily", 8.0),
    "weekly": ("weekly", None),
    "week": ("weekly", None),
    "biweekly": ("every two weeks", None),
    "bi-weekly": ("every two weeks", None),
    "monthly": ("monthly", None),
    "month": ("monthly", None),
    "yearly": ("yearly", None),
    "year": ("yearly", None),
    "annual": ("yearly", None),
    "annually": ("yearly", None),
}
_WEEKS_OF = {"weekly": 1.0, "every two weeks": 2.0, "monthly": WEEKS_PER_YEAR / 12, "yearly": WEEKS_PER_YEAR}


@dataclass(frozen=True, slots=True)
class HourlyWage:
    low: float  # dollars an hour
    high: float
    basis: str  # how it was worked out, in words

    @property
    def midpoint(self) -> float:
        return round((self.low + self.high) / 2, 2)


class WageError(ValueError):
    """The pay fields contradict each other or name no known period."""


def _amount(value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", "").replace("$", "").strip())
    except ValueError:
        raise WageError(f"not an amount: {value!r}") from None
    if math.isnan(number):
        return None
    if not math.isfinite(number) or number < 0:
        raise WageError(f"not an amount: {value!r}")
    return number


def hourly_wage(
    *,
    period: str | None,
    minimum: object = None,
    maximum: object = None,
    median: object = None,
    hours_per_week: float | None = None,
) -> HourlyWage | None:
    """The hourly range of a stated pay, or None when no amount is stated (unknown)."""
    low, high, mid = _amount(minimum), _amount(maximum), _amount(median)
    if low is None and high is None and mid is None:
        return None
    if period is None or not str(period).strip():
        raise WageError("an amount without a pay period (hourly, weekly, monthly, yearly, ...)")
    key = str(period).strip().lower()
    if key not in PERIODS:
        raise WageError(
            f"unknown pay period {period!r} (known: hourly, daily, weekly, biweekly, monthly, yearly)"
        )
    name, hours = PERIODS[key]
    if low is not None and high is not None and low > high:
        raise WageError(f"minimum {low:g} above maximum {high:g}")
    if hours is None:
        weekly = hours_per_week if hours_per_week and hours_per_week > 0 else FULL_TIME_HOURS
        hours = _WEEKS_OF[name] * weekly
        stated = "stated weekly hours" if hours_per_week else f"{FULL_TIME_HOURS:g} h a week"
        basis = f"from {name} pay, {hours:,.0f} paid hours per period ({stated})"
    elif name == "daily":
        basis = "from daily pay, 8 paid hours a day"
    else:
        basis = "stated hourly"
    # A range without one end is that end; a median alone is a point.
    bottom = next(v for v in (low, mid, high) if v is not None)
    top = next(v for v in (high, mid, low) if v is not None)
    return HourlyWage(round(bottom / hours, 2), round(top / hours, 2), basis)
