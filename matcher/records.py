"""Build validated Client and Opening records from plain dicts (JSON, CSV, API).

Every problem raises :class:`ValidationError` naming the record, the field and
the value. ``load_clients``/``load_openings`` validate many records at once and
return the good ones with the errors of the bad ones, so one bad record never
stops a batch.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, TypeVar

import zipcodes

from matcher.config import FACTORS
from matcher.errors import MatcherWarning, ValidationError
from matcher.types import DAY_NAMES, Client, Location, Need, Opening, Status, TimeWindow
from matcher.vocab import Vocabulary, load_vocabulary

T = TypeVar("T")

CLIENT_FIELDS = {
    "id",
    "home",
    "zip",
    "modes",
    "max_commute_minutes",
    "availability",
    "min_hours",
    "max_hours",
    "capacity",
    "interests",
    "preferred_industries",
    "riasec",
    "strengths",
    "past_titles",
    "inferred_strengths",
    "accommodations",
    "discloses",
    "wage_floor",
    "earnings_cap",
    "receives_ssdi",
    "receives_ssi",
    "exclusions",
    "avoid_background_check",
    "priorities",
}
OPENING_FIELDS = {
    "id",
    "employer",
    "title",
    "description",
    "industry",
    "onet_soc",
    "location",
    "zip",
    "remote",
    "shifts",
    "hours_per_week",
    "hourly_wage",
    "required_skills",
    "preferred_skills",
    "skills_inferred",
    "demands",
    "inferred_demands",
    "offered_to_all",
    "on_request",
    "positions",
    "posted",
    "expires",
    "status",
    "background_check",
    "fair_chance",
    "riasec",
}
EXCLUSION_KINDS = ("industries", "employers", "keywords")

_WINDOW = re.compile(r"^\s*([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class _Fields:
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
                self.fail(field, v, f"unknown {what} code (known: {', '.join(sorted(allowed))})")
        return tuple(dict.fromkeys(values))

    def ratings(self, field: str, vocab: Vocabulary) -> dict[str, int]:
        value = self.get(field, {})
        if not isinstance(value, Mapping):
            self.fail(field, value, "must be an object of dimension: level")
        out: dict[str, int] = {}
        for dim, level in value.items():
            if dim not in vocab.dimensions:
                self.fail(f"{field}.{dim}", dim, "unknown dimension")
            if level is None:
                continue  # explicitly unknown
            if isinstance(level, bool) or not isinstance(level, int):
                self.fail(f"{field}.{dim}", level, "must be a whole number")
            if not vocab.min_level <= level <= vocab.max_level:
                self.fail(f"{field}.{dim}", level, f"out of range {vocab.min_level}-{vocab.max_level}")
            out[dim] = int(level)
        return out

    def windows(self, field: str, *, required: bool) -> tuple[TimeWindow, ...]:
        value = self.get(field, [])
        if isinstance(value, str):
            value = [w for w in value.split(";") if w.strip()]
        if not isinstance(value, list | tuple) or (required and not value):
            self.fail(field, value, "must be a non-empty list like ['Mon 09:00-17:00']")
        return tuple(self._window(field, w) for w in value)

    def _window(self, field: str, raw: Any) -> TimeWindow:
        m = _WINDOW.match(raw) if isinstance(raw, str) else None
        day = DAY_NAMES.index(m.group(1).title()) if m and m.group(1).title() in DAY_NAMES else -1
        if not m or day < 0:
            self.fail(field, raw, "malformed time window, expected like 'Mon 09:00-17:00'")
        assert m is not None
        h1, m1, h2, m2 = (int(g) for g in m.groups()[1:])
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 > 0):
            self.fail(field, raw, "malformed time: hours 00-24, minutes 00-59")
        if (h2, m2) == (23, 59):  # "until 23:59" means until midnight
            h2, m2 = 24, 0
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 % 5 or m2 % 5:
            self.fail(field, raw, "times must be on a 5-minute boundary (e.g. 09:15, 17:05)")
        if start == end % 1440 and start == end:
            self.fail(field, raw, "window has zero length")
        return TimeWindow(day, start, end)

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


@cache
def zip_location(zip_code: str) -> Location | None:
    """Centre of a US ZIP code (the zipcodes package's bundled data), or None."""
    if not re.fullmatch(r"\d{5}", zip_code):
        return None
    found = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    return Location(float(found[0]["lat"]), float(found[0]["long"])) if found else None


def client_from_record(raw: Mapping[str, Any], vocab: Vocabulary | None = None) -> Client:
    """Validate one raw client record and build a :class:`Client`."""
    vocab = vocab or load_vocabulary()
    f = _Fields("client", raw, CLIENT_FIELDS)
    client_id = f.text("id", required=True)
    modes = f.codes("modes", vocab.modes, "travel mode")
    if not modes:
        f.fail("modes", f.get("modes"), "at least one travel mode is needed")
    min_hours, max_hours = f.number("min_hours", default=0.0), f.number("max_hours", default=40.0)
    if min_hours > max_hours:
        f.fail("min_hours", min_hours, f"greater than max_hours ({max_hours:g})")
    accommodations: dict[str, Need] = {}
    raw_acc = f.get("accommodations", {})
    if not isinstance(raw_acc, Mapping):
        f.fail("accommodations", raw_acc, "must be an object of code: required|preferred")
    for code, need in raw_acc.items():
        if code not in vocab.accommodations:
            f.fail(f"accommodations.{code}", code, "unknown accommodation code")
        if need not in ("required", "preferred"):
            f.fail(f"accommodations.{code}", need, "must be 'required' or 'preferred'")
        accommodations[code] = Need(need)
    exclusions = f.get("exclusions", {})
    if not isinstance(exclusions, Mapping) or set(exclusions) - set(EXCLUSION_KINDS):
        f.fail("exclusions", exclusions, f"must be an object with keys {EXCLUSION_KINDS}")
    priorities = f.get("priorities", {})
    if not isinstance(priorities, Mapping):
        f.fail("priorities", priorities, "must be an object of factor: low|normal|high")
    for factor, level in priorities.items():
        if factor not in FACTORS:
            f.fail(f"priorities.{factor}", factor, f"unknown factor (known: {', '.join(FACTORS)})")
        if level not in ("low", "normal", "high"):
            f.fail(f"priorities.{factor}", level, "must be low, normal or high")
    cap = f.get("earnings_cap")
    home = f.location("home", required=True)
    assert home is not None
    return Client(
        id=client_id,
        home=home,
        modes=modes,
        max_commute_minutes=int(f.number("max_commute_minutes", default=45.0, low=1.0)),
        availability=f.windows("availability", required=True),
        min_hours=min_hours,
        max_hours=max_hours,
        capacity=f.ratings("capacity", vocab),
        interests=f.phrases("interests"),
        preferred_industries=f.phrases("preferred_industries"),
        riasec=f.riasec(),
        strengths=f.phrases("strengths"),
        past_titles=f.phrases("past_titles"),
        inferred_strengths=f.phrases("inferred_strengths"),
        accommodations=accommodations,
        discloses=f.flag("discloses"),
        wage_floor=f.number("wage_floor", default=0.0),
        earnings_cap=None if cap is None else f.number("earnings_cap"),
        receives_ssdi=f.flag("receives_ssdi"),
        receives_ssi=f.flag("receives_ssi"),
        excluded_industries=f.phrases("exclusions.industries", exclusions.get("industries", [])),
        excluded_employers=f.phrases("exclusions.employers", exclusions.get("employers", [])),
        excluded_keywords=f.phrases("exclusions.keywords", exclusions.get("keywords", [])),
        avoid_background_check=f.flag("avoid_background_check"),
        priorities=dict(priorities),
    )


def opening_from_record(raw: Mapping[str, Any], vocab: Vocabulary | None = None) -> Opening:
    """Validate one raw opening record and build an :class:`Opening`."""
    vocab = vocab or load_vocabulary()
    f = _Fields("opening", raw, OPENING_FIELDS)
    remote = f.flag("remote")
    status = f.get("status", "open")
    if status not in {s.value for s in Status}:
        f.fail("status", status, "must be open, filled or closed")
    positions = f.number("positions", default=1.0, low=1.0)
    if positions != int(positions):
        f.fail("positions", positions, "must be a whole number")
    demands = f.ratings("demands", vocab)
    inferred = set(f.phrases("inferred_demands"))
    if inferred - set(demands):
        f.fail("inferred_demands", sorted(inferred - set(demands)), "names unrated dimensions")
    posted, expires = f.date("posted"), f.date("expires")
    if posted and expires and expires < posted:
        f.fail("expires", str(expires), f"before posted date {posted}")
    return Opening(
        id=f.text("id", required=True),
        employer=f.text("employer", required=True),
        title=f.text("title", required=True),
        description=f.text("description"),
        industry=f.text("industry"),
        onet_soc=f.text("onet_soc") or None,
        location=f.location("location", required=not remote),
        remote=remote,
        shifts=f.windows("shifts", required=True),
        hours_per_week=f.number("hours_per_week", low=0.5),
        hourly_wage=f.number("hourly_wage"),
        required_skills=f.phrases("required_skills"),
        preferred_skills=f.phrases("preferred_skills"),
        skills_inferred=f.flag("skills_inferred"),
        demands=demands,
        inferred_demands=frozenset(inferred),
        offered_to_all=frozenset(f.codes("offered_to_all", vocab.accommodations, "accommodation")),
        on_request=frozenset(f.codes("on_request", vocab.accommodations, "accommodation")),
        positions=int(positions),
        posted=posted,
        expires=expires,
        status=Status(status),
        background_check=f.flag("background_check"),
        fair_chance=f.flag("fair_chance"),
        riasec=f.riasec(),
    )


def _load_many(
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


def load_clients(
    records: Iterable[Mapping[str, Any]], vocab: Vocabulary | None = None
) -> tuple[list[Client], list[ValidationError]]:
    """Validate many client records; bad ones are reported, not fatal."""
    vocab = vocab or load_vocabulary()
    return _load_many(records, lambda r: client_from_record(r, vocab))


def load_openings(
    records: Iterable[Mapping[str, Any]], vocab: Vocabulary | None = None
) -> tuple[list[Opening], list[ValidationError]]:
    """Validate many opening records; bad ones are reported, not fatal."""
    vocab = vocab or load_vocabulary()
    return _load_many(records, lambda r: opening_from_record(r, vocab))


def client_to_record(client: Client) -> dict[str, Any]:
    """The plain-dict form of a client (inverse of :func:`client_from_record`)."""
    return {
        "id": client.id,
        "home": {"lat": client.home.lat, "lon": client.home.lon},
        "modes": list(client.modes),
        "max_commute_minutes": client.max_commute_minutes,
        "availability": [str(w) for w in client.availability],
        "min_hours": client.min_hours,
        "max_hours": client.max_hours,
        "capacity": dict(client.capacity),
        "interests": list(client.interests),
        "preferred_industries": list(client.preferred_industries),
        "riasec": list(client.riasec) if client.riasec else None,
        "strengths": list(client.strengths),
        "past_titles": list(client.past_titles),
        "inferred_strengths": list(client.inferred_strengths),
        "accommodations": {k: v.value for k, v in client.accommodations.items()},
        "discloses": client.discloses,
        "wage_floor": client.wage_floor,
        "earnings_cap": client.earnings_cap,
        "receives_ssdi": client.receives_ssdi,
        "receives_ssi": client.receives_ssi,
        "exclusions": {
            "industries": list(client.excluded_industries),
            "employers": list(client.excluded_employers),
            "keywords": list(client.excluded_keywords),
        },
        "avoid_background_check": client.avoid_background_check,
        "priorities": dict(client.priorities),
    }


def opening_to_record(opening: Opening) -> dict[str, Any]:
    """The plain-dict form of an opening (inverse of :func:`opening_from_record`)."""
    loc = opening.location
    return {
        "id": opening.id,
        "employer": opening.employer,
        "title": opening.title,
        "description": opening.description,
        "industry": opening.industry,
        "onet_soc": opening.onet_soc,
        "location": None if loc is None else {"lat": loc.lat, "lon": loc.lon},
        "remote": opening.remote,
        "shifts": [str(w) for w in opening.shifts],
        "hours_per_week": opening.hours_per_week,
        "hourly_wage": opening.hourly_wage,
        "required_skills": list(opening.required_skills),
        "preferred_skills": list(opening.preferred_skills),
        "skills_inferred": opening.skills_inferred,
        "demands": dict(opening.demands),
        "inferred_demands": sorted(opening.inferred_demands),
        "offered_to_all": sorted(opening.offered_to_all),
        "on_request": sorted(opening.on_request),
        "positions": opening.positions,
        "posted": opening.posted.isoformat() if opening.posted else None,
        "expires": opening.expires.isoformat() if opening.expires else None,
        "status": opening.status.value,
        "background_check": opening.background_check,
        "fair_chance": opening.fair_chance,
        "riasec": list(opening.riasec) if opening.riasec else None,
    }
