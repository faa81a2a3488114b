"""The opening and employer forms: form fields <-> the API's request models, errors by field.

A form is read into the same dict a JSON client would send and validated by the same
pydantic models (then by the engine, through the service): every error is mapped to the
form field it belongs to and said in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from matcher.vocab import load_vocabulary

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = dict(
    zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
#: How an opening gives an accommodation, the four states of the engine (``matcher.types.Offer``):
#: to everyone, to a client who asks (and discloses), not at all (the employer says so), or not
#: stated (the default: a question for the specialist, never a refusal).
OFFER_CHOICES = (
    ("all", "Offered to everyone"),
    ("request", "On request"),
    ("not_possible", "Not possible (the employer says so)"),
    ("unstated", "Not stated"),
)
NOT_STATED_CHOICE = "unstated"
#: Each choice's list in the opening's details (not stated: in none of them).
_OFFER_LISTS = {"all": "offered_to_all", "request": "on_request", "not_possible": "not_possible"}
WHERE_CHOICES = (
    ("zip", "At a US ZIP code"),
    ("coords", "At a map point (latitude and longitude)"),
    ("remote", "Remote: from home"),
)
_WINDOW = re.compile(r"^([A-Za-z]{3})\s+(\d{2}:\d{2})-(\d{2}:\d{2})$")

Errors = dict[str, str]


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    question: str


@cache
def dimensions() -> tuple[Dimension, ...]:
    """The cognitive dimensions a job is rated on, with the question a liaison answers."""
    vocab = load_vocabulary()  # the one reader of data/dimensions.csv
    return tuple(
        Dimension(code, vocab.dimension_labels[code], vocab.demand_questions[code])
        for code in vocab.dimensions
    )


def level_choices() -> list[tuple[str, str]]:
    """The demand levels by name ("" = not known), for a select."""
    levels = load_vocabulary().level_labels
    return [("", "Not known"), *((str(n), f"{label.capitalize()} ({n})") for n, label in levels.items())]


def level_name(level: object) -> str:
    return (
        load_vocabulary().level_labels.get(int(level), str(level)) if isinstance(level, int) else "not known"
    )


def accommodations() -> dict[str, str]:
    """Accommodation codes and their names."""
    return dict(load_vocabulary().accommodations)


# ---------------------------------------------------------------- openings


def opening_values(record: Mapping[str, Any] | None) -> dict[str, Any]:
    """Form values showing a stored opening record (or an empty form)."""
    r = dict(record or {})
    location = r.get("location") or {}
    values: dict[str, Any] = {
        "title": r.get("title", ""),
        "description": r.get("description", ""),
        "industry": r.get("industry", ""),
        "onet_soc": r.get("onet_soc") or "",
        "where": "remote" if r.get("remote") else ("coords" if location else "zip"),
        "zip": r.get("zip") or "",
        "lat": location.get("lat", ""),
        "lon": location.get("lon", ""),
        "hours_per_week": _number_text(r.get("hours_per_week")),
        "hourly_wage": _number_text(r.get("hourly_wage")),
        "required_skills": ", ".join(r.get("required_skills", [])),
        "preferred_skills": ", ".join(r.get("preferred_skills", [])),
        "positions": str(r.get("positions", 1)),
        "expires": r.get("expires") or "",
        "background_check": bool(r.get("background_check")),
        "fair_chance": bool(r.get("fair_chance")),
    }
    more: list[str] = []
    for window in r.get("shifts") or []:
        m = _WINDOW.match(str(window))
        day = m.group(1) if m else ""
        if m and f"shift.{day}.start" not in values:
            values[f"shift.{day}.start"], values[f"shift.{day}.end"] = m.group(2), m.group(3)
        else:
            more.append(str(window))
    values["more_shifts"] = "\n".join(more)
    for dim, level in (r.get("demands") or {}).items():
        values[f"demand.{dim}"] = "" if level is None else str(level)
    # What O*NET filled in stays marked as such while the liaison leaves it unchanged.
    for dim in r.get("inferred_demands", []):
        values[f"inferred.{dim}"] = values.get(f"demand.{dim}", "")
    if r.get("skills_inferred"):
        values["inferred.skills"] = values["required_skills"] + "|" + values["preferred_skills"]
    for choice, name in _OFFER_LISTS.items():
        for code in r.get(name, []):
            values.setdefault(f"acc.{code}", choice)  # offered to everyone wins, as in the engine
    return values


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def form_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted form's values (text as typed, checkboxes as booleans), to show it again."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    for flag in ("background_check", "fair_chance"):
        values[flag] = flag in form
    return values


def details_from_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The OpeningDetails body the form describes, and the errors found reading it (shift times)."""
    errors: Errors = {}
    raw: dict[str, Any] = {"title": _text(values, "title")}
    for name in (
        "description",
        "industry",
        "onet_soc",
        "hours_per_week",
        "hourly_wage",
        "positions",
        "expires",
    ):
        if _text(values, name):
            raw[name] = _text(values, name)
    where = _text(values, "where")
    if where == "remote":
        raw["remote"] = True
    elif where == "coords":
        if _text(values, "lat") or _text(values, "lon"):
            raw["location"] = {"lat": _text(values, "lat"), "lon": _text(values, "lon")}
    elif _text(values, "zip"):
        raw["zip"] = _text(values, "zip")
    shifts: list[str] = []
    for day in DAYS:
        start, end = _text(values, f"shift.{day}.start"), _text(values, f"shift.{day}.end")
        if start and end:
            shifts.append(f"{day} {start}-{end}")
        elif start or end:
            errors[f"shift.{day}.start"] = f"Give both a start and an end time for {DAY_NAMES[day]}"
    shifts += [line.strip() for line in _text(values, "more_shifts").splitlines() if line.strip()]
    if shifts:  # none given: the shift times are unknown (specialists are asked to find out)
        raw["shifts"] = shifts
    for name in ("required_skills", "preferred_skills"):
        raw[name] = [p.strip() for p in re.split(r"[,;\n]", _text(values, name)) if p.strip()]
    raw["demands"] = {
        d.code: int(v) for d in dimensions() if (v := _text(values, f"demand.{d.code}")).isdigit()
    }
    offers = {code: _text(values, f"acc.{code}") for code in accommodations()}
    for choice, name in _OFFER_LISTS.items():
        raw[name] = [c for c, v in offers.items() if v == choice]
    raw["inferred_demands"] = [
        d for d in raw["demands"] if values.get(f"inferred.{d}") == _text(values, f"demand.{d}")
    ]
    skills = _text(values, "required_skills") + "|" + _text(values, "preferred_skills")
    raw["skills_inferred"] = bool(values.get("inferred.skills")) and values.get("inferred.skills") == skills
    raw["background_check"] = bool(values.get("background_check"))
    raw["fair_chance"] = bool(values.get("fair_chance"))
    return raw, errors


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def opening_field(loc: Sequence[Any]) -> str:
    """The form field an error at ``loc`` (within OpeningDetails) belongs to."""
    head = str(loc[0]) if loc else "form"
    rest = [str(p) for p in loc[1:]]
    if head == "location":
        return rest[0] if rest and rest[0] in ("lat", "lon") else "location"
    if head in ("remote", "zip") and not rest:
        return "location" if head == "remote" else "zip"
    if head == "demands":
        return f"demand.{rest[0]}" if rest else "demands"
    if head in ("offered_to_all", "on_request", "not_possible", "inferred_demands"):
        return "accommodations"
    if head in ("shifts", "required_skills", "preferred_skills"):
        return head
    return head


_MISSING = {
    "title": "Enter the job title",
    "hours_per_week": "Enter the hours of work a week",
    "hourly_wage": "Enter the pay per hour",
    "shifts": "Give at least one shift",
    "lat": "Enter the latitude",
    "lon": "Enter the longitude",
}


def plain_message(field: str, error: Mapping[str, Any]) -> str:
    """A pydantic error said in plain words."""
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _MISSING.get(field, "This is required")
    if kind == "too_short":
        return _MISSING.get(field, "Give at least one")
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return "Enter a number (for example 16.50)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Enter a whole number"
    if kind == "greater_than_equal":
        return f"Enter {ctx.get('ge')} or more"
    if kind == "less_than_equal":
        return f"Enter {ctx.get('le')} or less"
    if kind == "string_pattern_mismatch":
        if field == "zip":
            return "Enter a 5-digit ZIP code, for example 60647"
        if field == "onet_soc":
            return "Enter an O*NET code like 39-2021.00, or leave it empty"
        if field == "contact_email":
            return "Enter an e-mail address like name@example.org, or leave it empty"
        if field == "contact_phone":
            return "Enter a phone number like (773) 555-0142 or 773-555-0142 x12, or leave it empty"
        return "Remove the characters that are not allowed"
    if kind.startswith("date"):
        return "Enter a date (year-month-day)"
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"Give at most {ctx.get('max_length')}"
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")[:1].upper() + message.removeprefix("Value error, ")[1:]


def engine_message(message: str) -> str:
    """An engine validation message as a sentence."""
    return message[:1].upper() + message[1:]


def errors_of(
    exc_errors: Sequence[Mapping[str, Any]],
    *,
    prefix: int,
    field_of: Any = opening_field,
    engine: bool = False,
) -> Errors:
    """{field: message} of pydantic-style errors whose ``loc`` starts with ``prefix`` items to skip."""
    out: Errors = {}
    for error in exc_errors:
        loc = tuple(error.get("loc", ()))[prefix:]
        field = field_of(loc)
        message = engine_message(str(error.get("msg", ""))) if engine else plain_message(field, error)
        out.setdefault(field, message)
    return out


def model_errors(
    model: type[BaseModel], body: Mapping[str, Any], field_of: Any = opening_field
) -> tuple[Any, Errors]:
    """``model`` validated from ``body``, or None and the errors by form field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(dict(body)), {}
    except ValidationError as exc:
        return None, errors_of(exc.errors(), prefix=0, field_of=field_of)


def employer_field(loc: Sequence[Any]) -> str:
    return str(loc[0]) if loc else "form"
