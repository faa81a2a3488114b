"""The client profile form in plain language, and its conversions to and from the API's body.

The form speaks the specialist's words (ability levels by name, an availability grid by
day and part of day, accommodations as "would help" / "must have"); :func:`body_of`
turns what it posts into the same request body the JSON API takes (``ClientCreate`` /
``ClientUpdate``), and :func:`values_of` turns a stored client back into the form. Field
names are the body's paths (``profile.max_hours``), so an error's location names its field.
Every vocabulary (dimensions, levels, accommodations, travel modes) comes from the
engine's ``data/`` files through :mod:`matcher.vocab`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import zipcodes

from api.clients import Problem
from api.web.words import FACTOR_WORDS as FACTOR_WORDS  # the templates read it as f.FACTOR_WORDS
from matcher.config import FACTORS
from matcher.types import DAY_NAMES
from matcher.vocab import load_vocabulary

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_WORDS = dict(zip(DAY_NAMES, _DAYS, strict=True))


@dataclass(frozen=True)
class Part:
    """A part of the day in the availability grid (minutes after midnight; night ends next day)."""

    code: str
    label: str
    start: int
    end: int

    @property
    def hours(self) -> str:
        return f"{_hhmm(self.start)} to {_hhmm(self.end)}"


PARTS = (
    Part("early", "Early morning", 6 * 60, 9 * 60),
    Part("morning", "Morning", 9 * 60, 12 * 60),
    Part("afternoon", "Afternoon", 12 * 60, 17 * 60),
    Part("evening", "Evening", 17 * 60, 21 * 60),
    Part("night", "Night", 21 * 60, 6 * 60),  # into the next morning
)
_DAYTIME = PARTS[:-1]  # back to back: ticked neighbours make one window
_NIGHT = PARTS[-1]

#: What each scoring factor means to a client (the "what matters more" choice).
PRIORITY_WORDS = (("low", "Matters less"), ("normal", "Normal"), ("high", "Matters more"))
NEED_WORDS = (("", "Not needed"), ("preferred", "Would help"), ("required", "Must have"))
DISCLOSURE = (
    (
        "no",
        "No, the client does not disclose",
        "Only accommodations an employer gives every worker count (for example a job that is "
        "part-time for everyone). The client's needs stay private.",
    ),
    (
        "yes",
        "Yes, the client chooses to disclose",
        "Accommodations an employer gives on request count too, and one the employer has not "
        "mentioned is a question to ask rather than a reason to rule the job out, so more jobs can "
        'meet a "must have" need. The employer would learn that the client has a condition (not which).',
    ),
)
RIASEC = ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional")
#: Free-text lists: one phrase per line in a text box.
LISTS = (
    "profile.interests",
    "profile.preferred_industries",
    "profile.strengths",
    "profile.past_titles",
    "profile.inferred_strengths",
    "profile.exclusions.industries",
    "profile.exclusions.employers",
    "profile.exclusions.keywords",
)
NUMBERS = (
    "profile.max_commute_minutes",
    "profile.min_hours",
    "profile.max_hours",
    "profile.wage_floor",
    "profile.earnings_cap",
)
FLAGS = ("profile.receives_ssdi", "profile.receives_ssi", "profile.avoid_background_check")
#: A new client's form starts from the API's defaults.
DEFAULTS = {
    "profile.max_commute_minutes": "45",
    "profile.min_hours": "0",
    "profile.max_hours": "40",
    "profile.wage_floor": "0",
    "profile.discloses": "no",
}


@dataclass(frozen=True)
class Level:
    code: str
    label: str


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    question: str
    options: tuple[tuple[str, str], ...]  # (value, words); "" = not known


@cache
def dimensions() -> tuple[Dimension, ...]:
    """The ability dimensions, each with its question and its levels in words."""
    vocab = load_vocabulary()
    out = []
    for code in vocab.dimensions:
        options = [("", "Not known")]
        for level in vocab.levels:
            words = vocab.level_labels[level].capitalize()
            if code == "stamina":
                words += f" (about {vocab.stamina_hours[level]:g} hours a day)"
            options.append((str(level), words))
        question = vocab.capacity_questions[code]
        out.append(Dimension(code, vocab.dimension_labels[code], question, tuple(options)))
    return tuple(out)


def accommodations() -> dict[str, str]:
    return dict(load_vocabulary().accommodations)


def modes() -> dict[str, str]:
    return dict(load_vocabulary().modes)


#: Ticked avoidance topics, stored as keywords (each topic's label names it: ``matcher.topics``).
TOPICS_FIELD = "profile.exclusions.topics"


def avoidance_topics() -> dict[str, str]:
    """Avoidance topics offered as choices beside free keywords: label -> how a job of it is worded."""
    return {t.label: t.job_words for t in load_vocabulary().avoidance_topics}


def level_words(dimension: str, level: int | None) -> str:
    """A stored level in words ("Moderate"; stamina adds its hours), or "Not known"."""
    for dim in dimensions():
        if dim.code == dimension:
            return dict(dim.options).get("" if level is None else str(level), str(level))
    return str(level)


# ---- availability: grid and exact times <-> "Mon 09:00-15:00" lines -----------------------

_LINE = re.compile(r"^([A-Z][a-z]{2}) (\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def grid_lines(grid: Mapping[str, Iterable[str]], times: Mapping[str, str]) -> list[tuple[str, str]]:
    """Availability lines from ticked parts of days and exact times, each with its form field.

    Ticked neighbouring parts make one window ("Mon 09:00-17:00"); the night is a window of
    its own running into the next morning. Exact times are "09:30-14:00" items separated by
    commas; each becomes a line of its day, checked later by the engine like any other.
    """
    out: list[tuple[str, str]] = []
    for day in DAY_NAMES:
        ticked = set(grid.get(day, ()))
        run: list[Part] = []
        for part in (*_DAYTIME, None):
            if part is not None and part.code in ticked:
                run.append(part)
                continue
            if run:
                out.append((f"{day} {_hhmm(run[0].start)}-{_hhmm(run[-1].end)}", f"grid.{day}"))
                run = []
        if _NIGHT.code in ticked:
            out.append((f"{day} {_hhmm(_NIGHT.start)}-{_hhmm(_NIGHT.end)}", f"grid.{day}"))
        for item in re.split(r"[,;\n]", times.get(day, "")):
            if item.strip():
                out.append((f"{day} {' '.join(item.split())}", f"times.{day}"))
    return out


def lines_grid(lines: Iterable[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The grid and exact times showing stored availability lines (the inverse of :func:`grid_lines`).

    A line that is exactly a run of neighbouring parts (or the night) ticks them; any other
    goes to its day's exact times.
    """
    grid: dict[str, list[str]] = {day: [] for day in DAY_NAMES}
    exact: dict[str, list[str]] = {day: [] for day in DAY_NAMES}
    for line in lines:
        m = _LINE.match(line)
        if m is None or m.group(1) not in grid:
            continue
        day = m.group(1)
        start, end = int(m.group(2)) * 60 + int(m.group(3)), int(m.group(4)) * 60 + int(m.group(5))
        parts = _run_of(start, end)
        if parts is not None and not set(parts) & set(grid[day]):
            grid[day] += parts
        else:
            exact[day].append(f"{_hhmm(start)}-{_hhmm(end)}")
    ordered = {day: [p.code for p in PARTS if p.code in grid[day]] for day in DAY_NAMES}
    return ordered, {day: ", ".join(items) for day, items in exact.items()}


def _run_of(start: int, end: int) -> list[str] | None:
    if (start, end) == (_NIGHT.start, _NIGHT.end):
        return [_NIGHT.code]
    starts = [i for i, p in enumerate(_DAYTIME) if p.start == start]
    ends = [i for i, p in enumerate(_DAYTIME) if p.end == end]
    if starts and ends and starts[0] <= ends[0]:
        return [p.code for p in _DAYTIME[starts[0] : ends[0] + 1]]
    return None


# ---- home: ZIP <-> the stored point ---------------------------------------------------------


@cache
def _zip_by_point() -> dict[tuple[float, float], str]:
    # A ZIP entered is stored as its centre (matcher.records.fields.zip_location): the same
    # zipcodes data gives the ZIP back for the form and the client page.
    out: dict[tuple[float, float], str] = {}
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        out.setdefault((float(row["lat"]), float(row["long"])), row["zip_code"])
    return out


def zip_of(home: Mapping[str, Any] | None) -> str | None:
    """The US ZIP code whose centre is ``home`` exactly (as a ZIP entered is stored), or None."""
    if not home:
        return None
    return _zip_by_point().get((float(home["lat"]), float(home["lon"])))


def place_of(zip_code: str) -> str:
    """ "Chicago, IL" for a ZIP code ("" if unknown)."""
    found = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    return f"{found[0]['city']}, {found[0]['state']}" if found else ""


# ---- the form's values <-> the request body -------------------------------------------------

Values = dict[str, Any]  # form field name -> text (or list of texts for checkboxes)


def values_from_form(form: Any) -> Values:
    """What a posted form holds (``starlette`` FormData or a dict of lists), as :data:`Values`."""
    multi = {"profile.modes", TOPICS_FIELD} | {f"grid.{d}" for d in DAY_NAMES}
    out: Values = {}
    for key in form.keys():  # noqa: SIM118 - FormData is a multi-dict
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = items if key in multi else (items[0] if items else "")
    return out


def body_of(values: Values) -> tuple[dict[str, Any], list[str]]:
    """The request body a form's values stand for, and the form field each availability line came from.

    Empty number boxes leave the API's default; text is passed as typed, so the request
    model checks it exactly as it checks JSON.
    """
    profile: dict[str, Any] = {}
    zip_code = str(values.get("profile.zip", "")).strip()
    lat, lon = (str(values.get(f"profile.home.{k}", "")).strip() for k in ("lat", "lon"))
    if zip_code:
        profile["zip"] = zip_code
    elif lat or lon:
        profile["home"] = {"lat": lat, "lon": lon}
    profile["modes"] = list(values.get("profile.modes", []))
    for name in NUMBERS:
        text = str(values.get(name, "")).strip()
        if text:
            profile[name.removeprefix("profile.")] = text
    grid = {day: values.get(f"grid.{day}", []) for day in DAY_NAMES}
    times = {day: str(values.get(f"times.{day}", "")) for day in DAY_NAMES}
    lines = grid_lines(grid, times)
    profile["availability"] = [line for line, _ in lines]
    capacity = {}
    for dim in dimensions():
        level = str(values.get(f"profile.capacity.{dim.code}", "")).strip()
        if level:
            capacity[dim.code] = int(level) if level.isdigit() else level
    profile["capacity"] = capacity
    exclusions: dict[str, list[str]] = {}
    for name in LISTS:
        items = [line.strip() for line in str(values.get(name, "")).splitlines() if line.strip()]
        if name.startswith("profile.exclusions."):
            exclusions[name.rsplit(".", 1)[1]] = items
        else:
            profile[name.removeprefix("profile.")] = items
    ticked = [t for t in avoidance_topics() if t in values.get(TOPICS_FIELD, [])]
    exclusions["keywords"] = list(dict.fromkeys([*ticked, *exclusions.get("keywords", [])]))
    profile["exclusions"] = exclusions
    riasec = [str(values.get(f"profile.riasec.{i}", "")).strip() for i in range(len(RIASEC))]
    if any(riasec):
        profile["riasec"] = riasec
    profile["accommodations"] = {
        code: need
        for code in accommodations()
        if (need := str(values.get(f"profile.accommodations.{code}", "")))
    }
    profile["discloses"] = values.get("profile.discloses") == "yes"
    for name in FLAGS:
        profile[name.removeprefix("profile.")] = bool(values.get(name))
    profile["priorities"] = {
        factor: level
        for factor in FACTORS
        if (level := str(values.get(f"profile.priorities.{factor}", "normal"))) != "normal"
    }
    body: dict[str, Any] = {"label": str(values.get("label", "")), "profile": profile}
    if "version" in values:
        version = str(values["version"])
        body["version"] = int(version) if version.isdigit() else version
    return body, [field for _, field in lines]


def values_of(label: str, record: Mapping[str, Any], *, version: int | None = None) -> Values:
    """The form's values showing a stored client (its normalised engine record)."""
    values: Values = {"label": label}
    home = record.get("home")
    zip_code = zip_of(home)
    if zip_code:
        values["profile.zip"] = zip_code
    elif home:
        values["profile.home.lat"], values["profile.home.lon"] = _number(home["lat"]), _number(home["lon"])
    values["profile.modes"] = list(record.get("modes", []))
    for name in NUMBERS:
        number = record.get(name.removeprefix("profile."))
        values[name] = "" if number is None else _number(number)
    grid, times = lines_grid(record.get("availability", []))
    for day in DAY_NAMES:
        values[f"grid.{day}"], values[f"times.{day}"] = grid[day], times[day]
    for dim, level in (record.get("capacity") or {}).items():
        values[f"profile.capacity.{dim}"] = "" if level is None else str(level)
    exclusions = record.get("exclusions") or {}
    for name in LISTS:
        key = name.rsplit(".", 1)[1]
        items = exclusions.get(key, []) if name.startswith("profile.exclusions.") else record.get(key, [])
        values[name] = "\n".join(items or [])
    keywords = list(exclusions.get("keywords") or [])  # a topic's own label shows as its ticked box
    values[TOPICS_FIELD] = [k for k in keywords if k in avoidance_topics()]
    values["profile.exclusions.keywords"] = "\n".join(k for k in keywords if k not in avoidance_topics())
    for i, score in enumerate(record.get("riasec") or []):
        values[f"profile.riasec.{i}"] = _number(score)
    for code, need in (record.get("accommodations") or {}).items():
        values[f"profile.accommodations.{code}"] = need
    values["profile.discloses"] = "yes" if record.get("discloses") else "no"
    for name in FLAGS:  # as a ticked checkbox posts it
        values[name] = "yes" if record.get(name.removeprefix("profile.")) else ""
    for factor, level in (record.get("priorities") or {}).items():
        values[f"profile.priorities.{factor}"] = level
    if version is not None:
        values["version"] = str(version)
    return values


def _number(value: float) -> str:
    """A stored number as typed: 12 not 12.0, every digit kept (no exponent)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ---- problems -> {field: plain message} -----------------------------------------------------


def field_errors(
    problems: Iterable[Problem], body: Mapping[str, Any], line_fields: list[str], values: Values
) -> dict[str, str]:
    """Each problem beside the form field it is about, in plain words (the first per field).

    ``line_fields`` names the field each of the body's availability lines came from.
    """
    lines = list(body.get("profile", {}).get("availability", []))
    out: dict[str, str] = {}
    for problem in problems:
        field = _field_of(problem, lines, line_fields)
        out.setdefault(field, _words(problem, field, values))
    return out


def _field_of(problem: Problem, lines: list[str], line_fields: list[str]) -> str:
    loc = list(problem.loc)
    if loc[:2] == ["profile", "availability"]:
        at = loc[2] if len(loc) > 2 and isinstance(loc[2], int) else None
        if at is None and problem.value in lines:
            at = lines.index(problem.value)  # the engine names the line, not its place
        return line_fields[at] if at is not None and at < len(line_fields) else "profile.availability"
    if loc[:2] == ["profile", "home"] and len(loc) == 2:
        return "profile.zip"  # no place at all: the ZIP box is where one is given
    if len(loc) > 2 and isinstance(loc[-1], int) and loc[1] != "riasec":
        loc = loc[:-1]  # one phrase of a list: the list's box
    if loc[:2] == ["profile", "exclusions"] and len(loc) == 2:
        return "profile.exclusions.industries"
    return ".".join(str(p) for p in loc) or "profile"


# The engine's messages (matched by a part of their text) in the specialist's words.
_RECORD_WORDS = (
    ("unknown US ZIP code", "There is no US ZIP code {value}: check the number."),
    ("missing location", "Enter the client's ZIP code (or an exact location)."),
    ("zero length", "A time range must end later than it starts."),
    ("5-minute boundary", "Use times on 5-minute steps, like 09:15 or 17:05."),
    ("hours 00-24", "Hours go from 00 to 24 and minutes from 00 to 59."),
    ("out of range", "Choose one of the levels."),
    ("unknown accommodation", "Choose one of the listed accommodations."),
    ("unknown travel mode", "Choose from the listed ways to travel."),
)
_MODEL_WORDS = {
    "missing": "This is needed.",
    "float_parsing": "Enter a number, like 12 or 12.5.",
    "float_type": "Enter a number, like 12 or 12.5.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "greater_than_equal": "Enter {ge:g} or more.",
    "less_than_equal": "Enter {le:g} or less.",
    "string_too_long": "Use at most {max_length} characters.",
    "too_long": "Give at most {max_length}.",
    "string_pattern_mismatch": "Enter a ZIP code of 5 digits, like 60647.",
    "literal_error": "Choose one of the options.",
}


def _words(problem: Problem, field: str, values: Values) -> str:
    """A problem in plain words (the engine's and pydantic's wording are for developers)."""
    message = problem.message
    if field == "profile.modes":
        return "Choose at least one way the client can travel."
    if field.startswith("times.") and (
        "malformed time window" in message or problem.kind == "string_too_long"
    ):
        return f"Write each time range like 09:00-15:00, several separated by commas ({_item(problem)})."
    if field == "profile.availability" and (problem.kind == "too_short" or "non-empty" in message):
        return "Tick at least one part of a day, or give exact times."
    if field == "profile.availability" and problem.kind == "too_long":
        return "Give at most 50 time ranges in all."
    if problem.kind == "record" and field == "profile.min_hours" and "greater than max_hours" in message:
        most = values.get("profile.max_hours") or "40"
        return f"The fewest hours must not be more than the most hours ({most})."
    if "NUL" in message:
        return "Remove the invisible control characters from this text."
    if problem.kind == "record":
        template = next((words for part, words in _RECORD_WORDS if part in message), None)
    else:
        template = _MODEL_WORDS.get(problem.kind)
    if template is not None:
        try:
            return template.format(value=problem.value, **problem.context)
        except (KeyError, ValueError):
            pass
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _item(problem: Problem) -> str:
    text = str(problem.value).split(" ", 1)[-1]
    return f"not “{text[:40]}”"
