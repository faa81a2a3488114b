"""Weekly schedules as half-hour bit masks: night shifts, rounding, uncovered shifts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import schedule
from matcher.types import TimeWindow
from tests.matcher.reference import shift_inside


def w(day: int, start: str, end: str) -> TimeWindow:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return TimeWindow(day, h1 * 60 + m1, h2 * 60 + m2)


def fit_table(avails: list[list[TimeWindow]], shift_lists: list[list[TimeWindow]]) -> np.ndarray:
    """(C, J) fits of many schedules, through the engine's pattern gathering."""
    patterns, inverse = schedule.patterns(schedule.masks(shift_lists, cover=True))
    return schedule.fits(schedule.masks(avails, cover=False), patterns, inverse)


def fits(avail: list[TimeWindow], shifts: list[TimeWindow]) -> bool:
    return bool(fit_table([avail], [shifts])[0, 0])


MON, TUE, WED, FRI, SAT, SUN = 0, 1, 2, 4, 5, 6


def test_night_shift_runs_past_midnight_into_the_next_day() -> None:
    night = w(FRI, "22:00", "06:00")
    assert night.minutes == 480
    assert fits([w(FRI, "22:00", "06:00")], [night])
    assert fits([w(FRI, "20:00", "24:00"), w(SAT, "00:00", "07:00")], [night])
    assert not fits([w(FRI, "20:00", "24:00")], [night])  # Saturday morning missing
    assert not fits([w(SAT, "22:00", "06:00")], [night])  # the wrong night


def test_sunday_night_wraps_to_monday_morning() -> None:
    night = w(SUN, "22:00", "06:00")
    assert fits([w(SUN, "21:00", "24:00"), w(MON, "00:00", "07:00")], [night])
    assert not fits([w(SUN, "21:00", "24:00")], [night])


def test_five_minute_times_are_exact() -> None:
    assert not fits([w(MON, "09:10", "17:00")], [w(MON, "09:00", "13:00")])
    assert fits([w(MON, "09:10", "17:00")], [w(MON, "09:10", "13:00")])
    assert fits([w(MON, "09:00", "13:15")], [w(MON, "09:00", "13:10")])
    assert not fits([w(MON, "09:00", "13:05")], [w(MON, "09:00", "13:10")])


def test_a_shift_inside_the_availability_fits_at_any_minute() -> None:
    """A client available Mon 09:15-13:45 can work the Mon 09:15-13:45 shift."""
    assert fits([w(MON, "09:15", "13:45")], [w(MON, "09:15", "13:45")])
    assert fits([w(MON, "08:00", "12:20")], [w(MON, "08:10", "12:20")])


def test_every_shift_must_fit_and_uncovered_lists_the_others() -> None:
    avail = [w(MON, "08:00", "17:00"), w(WED, "08:00", "17:00")]
    shifts = [w(MON, "09:00", "13:00"), w(TUE, "09:00", "13:00"), w(WED, "16:00", "18:00")]
    assert not fits(avail, shifts)
    assert schedule.uncovered(avail, shifts) == [shifts[1], shifts[2]]
    assert schedule.uncovered(avail, shifts[:1]) == []


def test_shift_service_span_and_longest_shift() -> None:
    shifts = [w(MON, "09:00", "13:00"), w(FRI, "22:00", "06:00")]
    assert schedule.shift_service_span(shifts) == (9 * 60, 22 * 60 + 480)
    assert schedule.longest_shift_hours(shifts) == 8.0


def windows(step: int) -> st.SearchStrategy[TimeWindow]:
    return st.builds(
        TimeWindow,
        day=st.integers(0, 6),
        start=st.integers(0, 1439).map(lambda m: m - m % step),
        end=st.integers(1, 1440).map(lambda m: m - m % step),
    ).filter(lambda x: x.start != x.end)


@settings(max_examples=40, deadline=None)
@given(
    avail=st.lists(windows(5), min_size=1, max_size=4),
    shifts=st.lists(windows(5), min_size=1, max_size=3),
)
def test_masks_agree_with_minute_sets(avail: list[TimeWindow], shifts: list[TimeWindow]) -> None:
    """The packed masks and pattern gathering give the minute-exact answer (times validated to 5 min)."""
    expected = all(shift_inside(s, tuple(avail)) for s in shifts)
    assert fits(avail, shifts) == expected
    assert (schedule.uncovered(avail, shifts) == []) == expected


@settings(max_examples=40, deadline=None)
@given(
    avail=st.lists(windows(1), min_size=1, max_size=4),
    shifts=st.lists(windows(1), min_size=1, max_size=3),
)
def test_off_boundary_times_never_look_feasible_when_they_are_not(
    avail: list[TimeWindow], shifts: list[TimeWindow]
) -> None:
    """Windows built directly (not validated) round conservatively: never a false "fits"."""
    if fits(avail, shifts):
        assert all(shift_inside(s, tuple(avail)) for s in shifts)


def test_fits_gathers_back_to_every_pair() -> None:
    avails = [[w(MON, "08:00", "17:00")], [w(FRI, "20:00", "08:00")], [w(MON, "08:00", "17:00")]]
    shift_lists = [[w(MON, "09:00", "12:00")], [w(FRI, "22:00", "06:00")], [w(MON, "09:00", "12:00")]]
    table = fit_table(avails, shift_lists)
    expected = np.array([[True, False, True], [False, True, False], [True, False, True]])
    np.testing.assert_array_equal(table, expected)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=6), st.integers(0, 1))
def test_one_schedules_pattern_is_what_numpy_unique_gives(words: list[int], rows: int) -> None:
    """The one-row shortcut (a single client's call) gives np.unique's pattern and index."""
    masks = np.array([words] * rows, dtype=np.uint64).reshape(rows, len(words))
    patterns, inverse = schedule.patterns(masks)
    expected, expected_inverse = np.unique(masks, axis=0, return_inverse=True)
    assert np.array_equal(patterns, expected) and patterns is not masks
    assert np.array_equal(inverse, expected_inverse.reshape(-1)) and inverse.dtype == expected_inverse.dtype
