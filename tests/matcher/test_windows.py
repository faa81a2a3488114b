"""Availability and shifts as people write them, read into the canonical day windows."""

from __future__ import annotations

import pytest

from matcher.errors import ValidationError
from matcher.records import client_from_record, client_to_record, opening_from_record
from matcher.records.windows import WindowError, parse_entry
from matcher.vocab import load_vocabulary
from tests.matcher.worlds import opening_record

WEEKDAYS_9_3 = ["Mon 09:00-15:00", "Tue 09:00-15:00", "Wed 09:00-15:00", "Thu 09:00-15:00", "Fri 09:00-15:00"]


@pytest.mark.parametrize(
    ("entry", "windows"),
    [
        ("Mon-Fri 9am-3pm", WEEKDAYS_9_3),
        ("Mon\u2013Fri 09:00\u201315:00", WEEKDAYS_9_3),  # en dashes, as word processors write them
        ("weekdays 9 a.m. to 3 p.m.", WEEKDAYS_9_3),
        ("Sat 10:00-16:00", ["Sat 10:00-16:00"]),
        ("Mon, Wed, Fri 12pm-8pm", ["Mon 12:00-20:00", "Wed 12:00-20:00", "Fri 12:00-20:00"]),
        ("Tue 22:00-06:00", ["Tue 22:00-06:00"]),
        ("Fri 10pm-6am", ["Fri 22:00-06:00"]),
        ("Monday 9.30am-noon", ["Mon 09:30-12:00"]),
        ("Sun noon-midnight", ["Sun 12:00-00:00"]),
        ("Thurs 12am-6am", ["Thu 00:00-06:00"]),
        ("Sat & Sun 10-11am", ["Sat 10:00-11:00", "Sun 10:00-11:00"]),
        ("Fri-Mon 1-5pm", ["Fri 13:00-17:00", "Sat 13:00-17:00", "Sun 13:00-17:00", "Mon 13:00-17:00"]),
        ("Mon 9-17", ["Mon 09:00-17:00"]),  # past 12: plainly 24-hour
        ("weekends 8am-2pm", ["Sat 08:00-14:00", "Sun 08:00-14:00"]),
    ],
)
def test_forgiving_forms_read_into_one_window_per_day(entry: str, windows: list[str]) -> None:
    assert [str(w) for w in parse_entry(entry)] == windows


@pytest.mark.parametrize(
    "canonical",
    ["Mon 09:00-15:00", "Fri 22:00-06:00", "Mon 22:00-00:00", "Sun 00:00-24:00", "Wed 9:30-14:05"],
)
def test_the_canonical_form_reads_back_as_before(canonical: str) -> None:
    (window,) = parse_entry(canonical)
    day, times = canonical.split(" ")
    start, end = times.split("-")
    assert str(window).startswith(day)
    assert str(window).endswith(f"{int(start[:-3]):02d}{start[-3:]}-{end}")


def test_until_23_59_means_until_midnight_as_before() -> None:
    assert [str(w) for w in parse_entry("Mon 18:00-23:59")] == ["Mon 18:00-24:00"]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("Mon-Fri 9-3", "'Mon-Fri 9-3': say am or pm, e.g. 9am-3pm"),
        ("Mon 9-3pm", "say am or pm for both times"),
        ("9am-3pm", "name the days"),
        ("Someday 9am-3pm", "unknown day 'someday'"),
        ("Mon 13pm-5pm", "with am or pm the hour is 1-12"),
        ("Mon 9:07-12:00", "5-minute boundary"),
        ("Mon 9am-9am", "zero length"),
        ("Mon 25:00-26:00", "hours 00-24"),
        ("Mon all day", "malformed time window"),
    ],
)
def test_unreadable_entries_are_refused_saying_how_to_write_them(entry: str, words: str) -> None:
    with pytest.raises(WindowError, match=words):
        parse_entry(entry)


def test_a_record_stores_the_canonical_windows_and_hashes_as_if_typed_so() -> None:
    base = {"id": "C-1", "home": {"lat": 41.9, "lon": -87.7}, "modes": ["walk"]}
    forgiving = client_to_record(client_from_record(base | {"availability": ["Mon-Fri 9am-3pm"]}))
    canonical = client_to_record(client_from_record(base | {"availability": WEEKDAYS_9_3}))
    assert forgiving == canonical
    assert forgiving["availability"] == WEEKDAYS_9_3


def test_the_error_names_the_record_field_and_entry() -> None:
    raw = {
        "id": "C-1",
        "home": {"lat": 41.9, "lon": -87.7},
        "modes": ["walk"],
        "availability": ["Mon-Fri 9-3"],
    }
    with pytest.raises(ValidationError) as info:
        client_from_record(raw)
    assert info.value.field == "availability" and info.value.value == "Mon-Fri 9-3"
    assert "say am or pm" in info.value.message


@pytest.mark.parametrize(
    ("given", "level"), [("moderate", 3), ("Average", 3), ("VERY HIGH", 5), ("very-low", 1), (4, 4)]
)
def test_ability_levels_by_name_or_number(given: object, level: int) -> None:
    raw = {
        "id": "C-1",
        "home": {"lat": 41.9, "lon": -87.7},
        "modes": ["walk"],
        "availability": ["Mon 9am-1pm"],
    }
    client = client_from_record(raw | {"capacity": {"attention": given}})
    assert client.capacity == {"attention": level}


def test_an_unknown_level_lists_the_levels_there_are() -> None:
    raw = {
        "id": "C-1",
        "home": {"lat": 41.9, "lon": -87.7},
        "modes": ["walk"],
        "availability": ["Mon 9am-1pm"],
    }
    with pytest.raises(
        ValidationError, match=r"unknown level 'so-so' \(known: 1-5 or very low, low, moderate"
    ):
        client_from_record(raw | {"capacity": {"attention": "so-so"}})


def test_the_vocabulary_gives_the_pages_their_level_names_and_questions() -> None:
    vocab = load_vocabulary()
    assert [vocab.level_of(label) for label in vocab.level_labels.values()] == list(vocab.levels)
    assert set(vocab.capacity_questions) == set(vocab.dimensions)
    assert vocab.demand_questions["change"].startswith("How often do tasks, places or routines change")


def test_an_openings_shifts_read_the_same_forms() -> None:
    opening = opening_from_record(opening_record(shifts=["Sat & Sun 10pm-6am", "Mon 09:00-13:00"]))
    assert [str(w) for w in opening.shifts] == ["Sat 22:00-06:00", "Sun 22:00-06:00", "Mon 09:00-13:00"]
    with pytest.raises(ValidationError, match="say am or pm"):
        opening_from_record(opening_record(shifts=["Mon-Fri 9-5"]))
