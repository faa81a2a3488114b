"""Weekly time windows as people write them: "Mon-Fri 9am-3pm" -> one window per day.

Accepted, case-insensitive: days as names or abbreviations ("Monday", "Mon", "Tues"),
ranges ("Mon-Fri", "Fri-Mon" wraps), lists ("Mon, Wed, Fri", "Sat & Sun"), "weekdays",
"weekends", "daily"; times as 24-hour ("09:00", "9:30", "22.00") or 12-hour ("9am",
"9.30 pm", "12pm") clocks, "noon" and "midnight", separated by "-", an en or em dash or
"to". An end before the start runs past midnight ("Tue 22:00-06:00").

Refused, with a message saying how to write it: a bare hour ("9-3": 9 in the morning or
at night?), 12-hour hours above 12, a time without days. The canonical form of each
window is ``str(TimeWindow)`` ("Mon 09:00-15:00"), so records written in it read back
unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from matcher.types import DAY_NAMES, TimeWindow

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_GROUPS = {
    "weekday": range(5),
    "weekend": range(5, 7),
    "daily": range(7),
    "everyday": range(7),
}
_TIME = r"(?:noon|midnight|\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)"
_ENTRY = re.compile(rf"^(?P<days>.*?)\s*(?P<start>{_TIME})\s*(?:-|to)\s*(?P<end>{_TIME})$")
_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<half>[ap])?\.?(?:m\.?)?$")
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-")
)  # as word processors write them
EXAMPLE = "'Mon-Fri 9am-3pm' or 'Mon 09:00-15:00'"


class WindowError(ValueError):
    """An availability or shift entry that cannot be read; the message says why."""


@lru_cache(maxsize=4096)  # programs reuse a few entries across thousands of records
def parse_entry(entry: str) -> tuple[TimeWindow, ...]:
    """The day windows one entry stands for, in day order as written."""
    text = " ".join(entry.translate(_DASHES).lower().split())
    m = _ENTRY.match(text)
    if m is None:
        raise WindowError(f"{entry!r}: malformed time window, write it like {EXAMPLE}")
    if not m.group("days"):
        raise WindowError(f"{entry!r}: name the days, e.g. 'Mon-Fri {m.group('start')}-{m.group('end')}'")
    days = _days(entry, m.group("days"))
    start, end = _times(entry, m.group("start"), m.group("end"))
    if start == end:
        raise WindowError(f"{entry!r}: window has zero length")
    return tuple(TimeWindow(day, start, end) for day in days)


def _day(entry: str, word: str) -> int:
    word = word.removesuffix("s") if len(word) > 3 else word  # "Mondays", "Tues"
    if word == "wed":  # "weds" above
        return 2
    for i, full in enumerate(_FULL_DAYS):
        if len(word) >= 3 and full.startswith(word):
            return i
    raise WindowError(
        f"{entry!r}: unknown day {word!r} (use {', '.join(DAY_NAMES)}, 'weekdays' or 'weekends')"
    )


def _days(entry: str, text: str) -> list[int]:
    out: list[int] = []
    text = re.sub(r"\s*(?:-|\bto\b|\bthrough\b|\bthru\b)\s*", "-", text.replace("every day", "everyday"))
    for item in re.split(r"\s*(?:,|&|/|\band\b|\s)\s*", text.strip(" ,")):
        if not item:
            continue
        group = _GROUPS.get(item.removesuffix("s"))
        if group is not None:
            out += group
            continue
        first, sep, last = item.partition("-")
        a = _day(entry, first)
        b = _day(entry, last) if sep else a
        out += [(a + k) % 7 for k in range((b - a) % 7 + 1)]
    return list(dict.fromkeys(out))


def _times(entry: str, start_text: str, end_text: str) -> tuple[int, int]:
    (start, start_half), (end, end_half) = _clock(entry, start_text), _clock(entry, end_text)
    if start_half is None and end_half in ("a", "p") and start < 13 * 60:
        # "10-11am", "1-5pm": a start without am/pm shares the end's, if it then comes first
        start_half = end_half
        if _half(entry, start, end_half, start_text) >= _half(entry, end, end_half, end_text):
            raise WindowError(f"{entry!r}: say am or pm for both times, e.g. 9am-3pm")
    bare = [h for h, t in ((start, start_text), (end, end_text)) if re.fullmatch(r"\d{1,2}", t)]
    if bare and start_half is None and end_half is None and all(0 < h <= 12 * 60 for h in (start, end)):
        # "9-3": both readings are real times; a 0 or an hour past 12 is plainly 24-hour
        h1, h2 = start // 60, end // 60
        raise WindowError(
            f"{entry!r}: say am or pm, e.g. {h1}am-{h2}pm (or write 24-hour times like 09:00-15:00)"
        )
    if bare and (start_half is None) != (end_half is None):
        raise WindowError(f"{entry!r}: say am or pm for both times, e.g. 9am-3pm")
    if start_half in ("a", "p"):
        start = _half(entry, start, start_half, start_text)
    if end_half in ("a", "p"):
        end = _half(entry, end, end_half, end_text)
    if start >= 24 * 60:
        raise WindowError(f"{entry!r}: malformed time: hours 00-24, minutes 00-59")
    if end == 23 * 60 + 59:  # "until 23:59" means until midnight
        end = 24 * 60
    if start % 5 or end % 5:
        raise WindowError(f"{entry!r}: times must be on a 5-minute boundary (e.g. 09:15, 17:05)")
    return start, end


def _clock(entry: str, text: str) -> tuple[int, str | None]:
    """Minutes after midnight as written and "a"/"p" if given ("fixed" for noon and midnight)."""
    if text in ("noon", "midnight"):
        return (12 * 60 if text == "noon" else 0), "fixed"
    m = _CLOCK.match(text)
    if m is None:  # pragma: no cover - _ENTRY lets only clocks through
        raise WindowError(f"{entry!r}: malformed time {text!r}")
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise WindowError(f"{entry!r}: malformed time: hours 00-24, minutes 00-59")
    return hour * 60 + minute, m.group("half")


def _half(entry: str, minutes: int, half: str, text: str) -> int:
    """A 12-hour clock time in minutes after midnight ("12am" is 0, "12pm" is noon)."""
    hour, minute = divmod(minutes, 60)
    if not 1 <= hour <= 12:
        raise WindowError(f"{entry!r}: with am or pm the hour is 1-12, not {text!r}")
    return (hour % 12) * 60 + minute + (12 * 60 if half == "p" else 0)
