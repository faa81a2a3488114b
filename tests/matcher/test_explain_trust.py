"""Explanations say only what is true and worth saying: the limit reached, no empty positives."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from matcher import Matcher
from matcher.commute import TravelTimes
from matcher.types import Reason, Suggestion
from tests.matcher import worlds


def reasons(client_kw: dict[str, Any], opening_kw: dict[str, Any], **kwargs: Any) -> list[Reason]:
    opening = worlds.opening(**opening_kw)
    result = (
        Matcher().fit([opening], as_of=worlds.AS_OF).explain(worlds.client(**client_kw), opening.id, **kwargs)
    )
    assert isinstance(result, Suggestion), getattr(result, "codes", None)
    return list(result.reasons)


def routed(minutes: float) -> TravelTimes:
    return TravelTimes.from_frame(
        pd.DataFrame({"client_id": ["C-1"], "opening_id": ["O-1"], "mode": ["transit"], "minutes": [minutes]})
    )


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(45.0, "at the client's 45-minute limit"), (30.0, "over half the client's 45-minute limit")],
)
def test_a_long_commute_says_at_the_limit_when_it_reaches_it(minutes: float, words: str) -> None:
    (line,) = [r for r in reasons({}, {}, travel_times=routed(minutes)) if r.code == "COMMUTE_LONG"]
    assert line.text.endswith(words)


def _line(found: list[Reason], prefix: str) -> list[Reason]:
    return [r for r in found if r.code.startswith(prefix)]


def test_no_floor_compares_pay_with_the_minimum_wage_never_with_zero() -> None:
    (line,) = _line(reasons({"wage_floor": 0}, {"hourly_wage": 15.0}), "WAGE")
    assert (line.code, line.kind) == ("WAGE_ABOVE_MINIMUM", "positive")
    assert line.text == "$15.00/h, above the minimum wage $7.25"
    (line,) = _line(reasons({"wage_floor": 0}, {"hourly_wage": 7.25}), "WAGE")
    assert (line.code, line.kind) == ("WAGE_AT_MINIMUM", "concern")
    assert not any("$0.00" in r.text for r in reasons({"wage_floor": 0}, {}))


def test_a_floor_above_the_minimum_wage_is_named() -> None:
    (line,) = _line(reasons({"wage_floor": 12.0}, {"hourly_wage": 15.0}), "WAGE")
    assert line.text == "$15.00/h, above the client's floor $12.00"
    (line,) = _line(reasons({"wage_floor": 15.0}, {"hourly_wage": 15.0}), "WAGE")
    assert (line.code, line.kind) == ("WAGE_AT_FLOOR", "concern")


@pytest.mark.parametrize(
    ("low", "high", "words"),
    [
        (20, 20, "20 h/week as the client wants"),
        (0, 30, "20 h/week within the client's limit of 30"),
        (10, 30, "20 h/week within 10-30"),
    ],
)
def test_the_hours_line_never_quotes_an_empty_range(low: float, high: float, words: str) -> None:
    (line,) = [r for r in reasons({"min_hours": low, "max_hours": high}, {}) if r.code == "SCHEDULE_FIT"]
    assert line.text.endswith(words)


@pytest.mark.parametrize(("low", "high", "asked"), [(15, 15, "15"), (0, 20, "up to 20"), (10, 20, "10-20")])
def test_the_hours_question_never_quotes_a_range_of_one_value(low: float, high: float, asked: str) -> None:
    found = reasons({"min_hours": low, "max_hours": high}, {"hours_per_week": None})
    (line,) = [r for r in found if r.code == "HOURS_NOT_STATED"]
    assert line.text == f"Weekly hours not stated — ask whether {asked} hours a week is possible"


@pytest.mark.parametrize(("low", "high", "said"), [(15, 15, "15 h/week"), (10, 20, "10-20 h/week")])
def test_the_hours_why_not_never_quotes_a_range_of_one_value(low: float, high: float, said: str) -> None:
    client = worlds.client(min_hours=low, max_hours=high)
    result = Matcher().fit([worlds.opening(hours_per_week=24)], as_of=worlds.AS_OF).explain(client, "O-1")
    assert not isinstance(result, Suggestion)
    (reason,) = [r for r in result.reasons if r.code == "HOURS_OUT_OF_RANGE"]
    assert reason.text == f"24 h/week is outside the client's {said}"
