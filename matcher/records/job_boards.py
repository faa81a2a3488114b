"""Postings exported from job boards, read into the project's opening fields.

Two export schemas are known, each a :class:`Profile` chosen by name or detected from the
header: LinkedIn's postings table (``job_id, company_name, title, description, min_salary,
max_salary, med_salary, pay_period, location, remote_allowed, listed_time, expiry,
closed_time, ...``) and JobSpy's (``title, company, location, job_type, interval,
min_amount, max_amount, is_remote, date_posted, description, job_url``).

:func:`read_posting` maps one row to a :class:`Posting`: the opening's fields as the
project's own import takes them, where it came from (source and external id, for
re-imports), how its place and pay were read (:mod:`matcher.geocode`,
:mod:`matcher.records.wages`), and every problem of the row at once. What a posting does not
state (shifts, weekly hours, pay) is left out, never invented: the engine treats it as
unknown. A posting already expired or closed on arrival is a warning, never stored as open.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from matcher.geocode import Place, Precision, geocode
from matcher.records.wages import HourlyWage, WageError, hourly_wage

# Exports repeat a few thousand place names over and over ("New York, NY" 818 times in 33k rows):
# each is geocoded once per process (a Place is immutable, so it is safely shared).
_geocode = lru_cache(maxsize=100_000)(geocode)
# A location naming only the country (or a remote region of it): placed, not wrong.
_COUNTRY_ONLY = re.compile(r"\b(united states|usa|us|remote|anywhere|nationwide)\b", re.IGNORECASE)

#: The employer of postings that name none (one employer record per source collects them).
UNNAMED_EMPLOYER = "Employer not named"
#: Days a posting without an expiry date stays open after it was posted (configurable per import).
DEFAULT_TTL_DAYS = 30


@dataclass(frozen=True)
class Profile:
    name: str
    required: frozenset[str]  # header columns that identify the schema
    id_column: str
    employer_columns: tuple[str, ...]  # the first non-empty one names the employer


# LinkedIn's columns shared by its full postings table and the 33k export without descriptions
# or pay (``job_id, company_id, title, location, remote_allowed, ...``).
LINKEDIN = Profile(
    "linkedin",
    frozenset({"job_id", "title", "location", "remote_allowed"}),
    "job_id",
    ("company_name", "company_id"),
)
JOBSPY = Profile(
    "jobspy",
    frozenset({"title", "company", "location", "interval", "min_amount", "max_amount", "date_posted"}),
    "job_url",
    ("company",),
)
PROFILES = {p.name: p for p in (LINKEDIN, JOBSPY)}


def detect_profile(header: Sequence[str]) -> Profile | None:
    """The job-board schema whose identifying columns ``header`` has, or None."""
    columns = {c.strip().lower() for c in header}
    return next((p for p in PROFILES.values() if p.required <= columns), None)


@dataclass(frozen=True, slots=True)
class Problem:
    column: str
    value: str
    message: str
    kind: str = ""  # a stable code: the reason a row is rejected, or the kind of a warning


# Warning kinds: what an opening stored from a posting leaves unknown or needs checking.
LOCATION_CITY_LEVEL = "location_city_level"  # a city or area centre: commutes are estimates
LOCATION_UNKNOWN = "location_unknown"  # a state, the country or nothing: no commute to estimate
WAGE_UNKNOWN = "wage_unknown"
SHIFTS_UNKNOWN = "shifts_unknown"  # job boards never state shift times
NO_EXPIRY = "no_expiry"  # open for the time-to-live after posting
EXPIRED_ON_ARRIVAL = "expired_on_arrival"
CLOSED_ON_ARRIVAL = "closed_on_arrival"
EMPLOYER_UNNAMED = "employer_unnamed"


@dataclass
class Posting:
    source: str
    external_id: str
    employer: str
    fields: dict[str, Any]  # opening fields in the project's import format (no id)
    place: Place | None
    wage: HourlyWage | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if _blank(value) else str(value).strip()


def _flag(value: Any) -> bool:
    return not _blank(value) and str(value).strip().lower() in {"1", "1.0", "true", "yes", "y", "t"}


def _date(value: Any) -> dt.date:
    """A date from epoch milliseconds (LinkedIn) or an ISO date/time text (JobSpy)."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return dt.date.fromisoformat(text[:10])
    return dt.datetime.fromtimestamp(number / 1000, tz=dt.UTC).date()


def read_posting(
    row: Mapping[str, Any],
    profile: Profile,
    *,
    as_of: dt.date,
    ttl_days: int = DEFAULT_TTL_DAYS,
    first_seen: dt.date | None = None,
) -> Posting:
    """One exported row as a :class:`Posting`, every problem of the row listed at once.

    Parameters
    ----------
    row : mapping
        Column name -> cell (text, or a number as pandas reads it).
    profile : Profile
        The export schema the row follows.
    as_of : date
        The day of the import: a posting whose last day is before it is expired on arrival.
    ttl_days : int
        Days a posting without an expiry date stays open after it was posted (after
        ``first_seen`` when it states no posting date either).
    first_seen : date, optional
        The day the posting was first imported (default ``as_of``): a re-import of a posting
        without dates keeps the expiry its first import gave it.

    Returns
    -------
    Posting
        Its ``errors`` reject the row; its ``warnings`` say what is unknown or needs checking.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    external_id = _text(row, profile.id_column)
    if not external_id:
        errors.append(
            Problem(profile.id_column, "", "missing: the posting's id on the job board", "missing_id")
        )
    title = _text(row, "title")
    if not title:
        errors.append(Problem("title", "", "missing: every opening needs a title", "missing_title"))
    employer = _employer(row, profile, warnings)
    fields: dict[str, Any] = {"title": title, "employer": employer, "description": _text(row, "description")}
    fields["remote"] = _flag(row.get("remote_allowed" if profile is LINKEDIN else "is_remote"))
    place = _place(row, fields, errors, warnings)
    wage = _wage(row, profile, errors)
    if wage is not None:
        # The low end: an opening is never assumed to pay the best of its range.
        fields["hourly_wage"] = wage.low
    elif not any(e.kind == "wage_invalid" for e in errors):
        warnings.append(Problem("pay", "", "pay not stated: ask the employer", WAGE_UNKNOWN))
    warnings.append(Problem("shifts", "", "shift times not stated: ask the employer", SHIFTS_UNKNOWN))
    _dates(row, profile, fields, errors, warnings, as_of=as_of, ttl=(ttl_days, first_seen or as_of))
    if profile is LINKEDIN and not _blank(row.get("closed_time")):
        fields["status"] = "closed"
        warnings.append(
            Problem(
                "closed_time", _text(row, "closed_time"), "already closed on the job board", CLOSED_ON_ARRIVAL
            )
        )
    return Posting(profile.name, external_id, employer, fields, place, wage, errors, warnings)


def _employer(row: Mapping[str, Any], profile: Profile, warnings: list[Problem]) -> str:
    employer = _text(row, profile.employer_columns[0])
    if not employer:  # only a company number (LinkedIn's 33k export): named by it
        number = next((_text(row, c) for c in profile.employer_columns[1:] if _text(row, c)), "")
        employer = f"Company {number.removesuffix('.0')}" if number else ""
    if not employer:  # still a real job: the specialist can find out who posted it
        employer = UNNAMED_EMPLOYER
        warnings.append(
            Problem(
                profile.employer_columns[0], "", "employer not named: ask the job board", EMPLOYER_UNNAMED
            )
        )
    return employer


def _place(
    row: Mapping[str, Any], fields: dict[str, Any], errors: list[Problem], warnings: list[Problem]
) -> Place | None:
    """Where the posting is, written into ``fields`` with its precision (unknown when unplaceable)."""
    text = _text(row, "location")
    place = _geocode(text)
    if place is None and text and not _COUNTRY_ONLY.search(text):
        errors.append(Problem("location", text, "place not found (US places only)", "location_not_found"))
        return None
    if place is not None and place.location is not None:
        fields["location"] = {"lat": place.location.lat, "lon": place.location.lon}
        fields["location_precision"] = place.precision.value
        if place.precision is not Precision.ZIP:
            fields["location_uncertainty_km"] = place.uncertainty_km
            warnings.append(
                Problem(
                    "location",
                    text,
                    f"only the {place.precision.value} is known: {place.name}",
                    LOCATION_CITY_LEVEL,
                )
            )
        return place
    fields["location_precision"] = (place.precision if place is not None else Precision.COUNTRY).value
    if not fields["remote"]:
        what = place.name if place is not None else "nothing"
        warnings.append(
            Problem("location", text, f"location unknown: the posting says only {what}", LOCATION_UNKNOWN)
        )
    return place


def _wage(row: Mapping[str, Any], profile: Profile, errors: list[Problem]) -> HourlyWage | None:
    column = "pay_period" if profile is LINKEDIN else "interval"
    try:
        if profile is LINKEDIN:
            wage = hourly_wage(
                period=_text(row, "pay_period") or None,
                minimum=row.get("min_salary"),
                maximum=row.get("max_salary"),
                median=row.get("med_salary"),
            )
            currency = _text(row, "currency")
            if wage is not None and currency and currency.upper() != "USD":
                errors.append(
                    Problem("currency", currency, "pay in another currency than US dollars", "currency")
                )
            return wage
        return hourly_wage(
            period=_text(row, "interval") or None,
            minimum=row.get("min_amount"),
            maximum=row.get("max_amount"),
        )
    except WageError as exc:
        errors.append(Problem(column, _text(row, column), str(exc), "wage_invalid"))
        return None


def _dates(
    row: Mapping[str, Any],
    profile: Profile,
    fields: dict[str, Any],
    errors: list[Problem],
    warnings: list[Problem],
    *,
    as_of: dt.date,
    ttl: tuple[int, dt.date],
) -> None:
    """Posted and expiry dates into ``fields``; no expiry: the time-to-live; expired: a warning."""
    posted_column, expiry_column = ("listed_time", "expiry") if profile is LINKEDIN else ("date_posted", "")
    posted = _read_date(row, posted_column, errors)
    expires = _read_date(row, expiry_column, errors) if expiry_column else None
    if posted is not None:
        fields["posted"] = posted.isoformat()
    if expires is None and not (expiry_column and _text(row, expiry_column)):
        ttl_days, first_seen = ttl
        expires = (posted or first_seen) + dt.timedelta(days=ttl_days)
        since = "posting" if posted is not None else "its first import"
        warnings.append(
            Problem(
                expiry_column or posted_column,
                "",
                f"no expiry date: open for {ttl_days} days after {since}",
                NO_EXPIRY,
            )
        )
    if expires is None:
        return
    fields["expires"] = expires.isoformat()
    if posted is not None and expires < posted:
        errors.append(
            Problem(expiry_column, expires.isoformat(), f"before the posting date {posted}", "date_invalid")
        )
    elif expires < as_of:
        warnings.append(
            Problem(
                expiry_column or posted_column,
                expires.isoformat(),
                f"already expired on arrival ({expires}): stored as expired, never suggested",
                EXPIRED_ON_ARRIVAL,
            )
        )


def _read_date(row: Mapping[str, Any], column: str, errors: list[Problem]) -> dt.date | None:
    if not column or _blank(row.get(column)):
        return None
    try:
        return _date(row[column])
    except (ValueError, OverflowError, OSError):
        errors.append(Problem(column, _text(row, column), "not a date", "date_invalid"))
        return None


__all__ = [
    "CLOSED_ON_ARRIVAL",
    "DEFAULT_TTL_DAYS",
    "EMPLOYER_UNNAMED",
    "EXPIRED_ON_ARRIVAL",
    "JOBSPY",
    "LINKEDIN",
    "LOCATION_CITY_LEVEL",
    "LOCATION_UNKNOWN",
    "NO_EXPIRY",
    "PROFILES",
    "Posting",
    "Precision",
    "Problem",
    "Profile",
    "SHIFTS_UNKNOWN",
    "UNNAMED_EMPLOYER",
    "WAGE_UNKNOWN",
    "detect_profile",
    "read_posting",
]
