"""Reading the fields of one raw record, with errors that name the record, field and value."""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, TypeVar

import zipcodes

from matcher.errors import MatcherWarning, ValidationError
from matcher.records.windows import EXAMPLE, WindowError, parse_entry
from matcher.types import Location, TimeWindow
from matcher.vocab import Vocabulary

T = TypeVar("T")


class Fields:
    """Reads fields of one raw record, raising errors that name the record."""

    def __init__(self, kind: str, raw: Mapping[str, Any], allowed: set[str]) -> None:
        if not isinstance(raw, Mapping):
            raise ValidationError(kind, "(record)", raw, "must be an object")
        self.raw = raw
        self.name = f"{kind} {raw.get('id', '?')}"
        unknown = sorted(set(raw) - allowed)
        if unknown:
            self.fail(unknown[0], raw[unknown[0]], "unknown field")

    def fail(self, field: str, value: object, message: str) -> None:
        raise ValidationError(self.name, field, value, message)

    def get(self, field: str, default: Any = None) -> Any:
        value = self.raw.get(field, default)
        return default if value is None else value

    def text(self, field: str, *, required: bool = False) -> str:
        value = self.get(field, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(field, value, "must be a non-empty string" if required else "must be a string")
        return str(value).strip()

    def number(self, field: str, *, default: float | None = None, low: float = 0.0) -> float:
        value = self.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.fail(field, value, "must be a number")
        if value < low or math.isinf(value):
            self.fail(field, value, f"must be a finite number >= {low:g}")
        return float(value)

    def flag(self, field: str) -> bool:
        value = self.get(field, False)
        if not isinstance(value, bool):
            self.fail(field, value, "must be true or false")
        return bool(value)

    def phrases(self, field: str, value: Any = None) -> tuple[str, ...]:
        value = self.get(field, []) if value is None else value
        if isinstance(value, str):
            value = list(value.split(";"))
        if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
            self.fail(field, value, "must be a list of strings")
        return tuple(p.strip() for p in value if p.strip())

    def codes(self, field: str, allowed: Iterable[str], what: str) -> tuple[str, ...]:
        values = self.phrases(field)
        allowed = set(allowed)
        for v in values:
            if v not in allowed:
                self.fail(field, v, f"unknown {what} code {v!r} (known: {', '.join(sorted(allowed))})")
        return tuple(dict.fromkeys(values))

    def ratings(self, field: str, vocab: Vocabulary) -> dict[str, int]:
        """Dimension -> level; a level may be given by number or by name ("moderate")."""
        value = self.get(field, {})
        if not isinstance(value, Mapping):
            self.fail(field, value, "must be an object of dimension: level")
        out: dict[str, int] = {}
        for dim, level in value.items():
            if dim not in vocab.dimensions:
                self.fail(
                    f"{field}.{dim}", dim, f"unknown dimension {dim!r} (known: {', '.join(vocab.dimensions)})"
                )
            if level is None:
                continue  # explicitly unknown
            number = vocab.level_of(level)
            if number is None:
                self.fail(f"{field}.{dim}", level, _level_problem(level, vocab))
            assert number is not None  # fail raises
            out[dim] = number
        return out

    def windows(self, field: str, *, required: bool) -> tuple[TimeWindow, ...]:
        value = self.get(field, [])
        if isinstance(value, str):
            value = [w for w in value.split(";") if w.strip()]
        if not isinstance(value, list | tuple) or (required and not value):
            self.fail(field, value, "must be a non-empty list like ['Mon 09:00-17:00']")
        return tuple(w for entry in value for w in self._window(field, entry))

    def _window(self, field: str, raw: Any) -> tuple[TimeWindow, ...]:
        """The day windows of one entry ("Mon-Fri 9am-3pm" is five; see :mod:`.windows`)."""
        if not isinstance(raw, str):
            self.fail(field, raw, f"malformed time window, write it like {EXAMPLE}")
        try:
            return parse_entry(raw)
        except WindowError as exc:
            self.fail(field, raw, str(exc))
            raise  # unreachable: fail raises

    def location(self, loc_field: str, *, required: bool) -> Location | None:
        loc, zip_code = self.raw.get(loc_field), self.raw.get("zip")
        if loc is None and zip_code:
            found = zip_location(str(zip_code))
            if found is None:
                self.fail("zip", zip_code, "unknown US ZIP code")
            return found
        if loc is None:
            if required:
                self.fail(loc_field, None, "missing location: give lat/lon or a US ZIP code")
            return None
        if not isinstance(loc, Mapping) or not {"lat", "lon"} <= set(loc):
            self.fail(loc_field, loc, "must be an object with lat and lon")
        lat, lon = loc["lat"], loc["lon"]
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon))
        if not ok or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.fail(loc_field, loc, "lat must be in [-90, 90] and lon in [-180, 180]")
        return Location(float(lat), float(lon))

    def riasec(self) -> tuple[float, ...] | None:
        value = self.get("riasec")
        if value is None:
            return None
        if isinstance(value, Mapping):
            value = [value.get(k) for k in "RIASEC"]
        if (
            not isinstance(value, list | tuple)
            or len(value) != 6
            or not all(isinstance(v, int | float) and 0 <= v <= 7 for v in value)
        ):
            self.fail("riasec", value, "must be six scores 0-7 in R, I, A, S, E, C order")
        return tuple(float(v) for v in value)

    def date(self, field: str) -> dt.date | None:
        value = self.get(field)
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(field, value, "must be a date YYYY-MM-DD")
            raise  # unreachable: fail raises


def _level_problem(level: object, vocab: Vocabulary) -> str:
    if isinstance(level, int) and not isinstance(level, bool):
        return f"level {level} out of range {vocab.min_level}-{vocab.max_level}"
    known = f"(known: {vocab.level_choices()})"
    if isinstance(level, str):
        return f"unknown level {level!r} {known}"
    return f"must be a whole number or a level name {known}"


@cache
def zip_location(zip_code: str) -> Location | None:
    """Centre of a US ZIP code (the zipcodes package's bundled data), or None."""
    if not re.fullmatch(r"\d{5}", zip_code):
        return None
    found = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    return Location(float(found[0]["lat"]), float(found[0]["long"])) if found else None


def load_many(
    records: Iterable[Mapping[str, Any]], build: Callable[[Mapping[str, Any]], T]
) -> tuple[list[T], list[ValidationError]]:
    good: list[T] = []
    errors: list[ValidationError] = []
    for raw in records:
        try:
            good.append(build(raw))
        except ValidationError as exc:
            warnings.warn(f"skipped: {exc}", MatcherWarning, stacklevel=3)
            errors.append(exc)
    return good, errors
