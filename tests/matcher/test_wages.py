"""Stated pay made hourly, with its basis; no amount is unknown, never zero."""

from __future__ import annotations

import pytest

from matcher.records.wages import HourlyWage, WageError, hourly_wage


@pytest.mark.parametrize(
    ("period", "kw", "low", "high"),
    [
        ("HOURLY", {"minimum": 16, "maximum": 18}, 16.0, 18.0),
        ("YEARLY", {"minimum": 41600, "maximum": 52000}, 20.0, 25.0),
        ("MONTHLY", {"median": "3,466.67"}, 20.0, 20.0),
        ("weekly", {"maximum": 800}, 20.0, 20.0),
        ("biweekly", {"minimum": 1600}, 20.0, 20.0),
        ("daily", {"minimum": 160}, 20.0, 20.0),
    ],
)
def test_every_basis_is_made_hourly(period: str, kw: dict[str, object], low: float, high: float) -> None:
    wage = hourly_wage(period=period, **kw)  # type: ignore[arg-type]
    assert wage is not None
    assert (wage.low, wage.high) == (low, high)
    assert wage.basis


def test_stated_weekly_hours_replace_full_time() -> None:
    wage = hourly_wage(period="weekly", minimum=400, hours_per_week=20)
    assert wage == HourlyWage(20.0, 20.0, "from weekly pay, 20 paid hours per period (stated weekly hours)")


@pytest.mark.parametrize("amounts", [{}, {"minimum": None, "maximum": float("nan")}, {"median": " "}])
def test_no_amount_is_unknown_not_zero(amounts: dict[str, object]) -> None:
    assert hourly_wage(period="HOURLY", **amounts) is None  # type: ignore[arg-type]
    assert hourly_wage(period=None, **amounts) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("period", "kw", "message"),
    [
        (None, {"minimum": 15}, "without a pay period"),
        ("fortnightly-ish", {"minimum": 15}, "unknown pay period"),
        ("HOURLY", {"minimum": 20, "maximum": 15}, "above maximum"),
        ("HOURLY", {"minimum": "lots"}, "not an amount"),
        ("HOURLY", {"minimum": -3}, "not an amount"),
    ],
)
def test_contradictory_pay_is_an_error_naming_the_problem(
    period: str | None, kw: dict[str, object], message: str
) -> None:
    with pytest.raises(WageError, match=message):
        hourly_wage(period=period, **kw)  # type: ignore[arg-type]
