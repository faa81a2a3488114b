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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.geocode import Place, Precision, geocode
from matcher.records.wages import HourlyWage, WageError, hourly_wage

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


LINKEDIN = Profile(
    "linkedin",
    frozenset({"job_id", "title", "location", "listed_time", "pay_period"}),
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
) -> Posting:
    """One exported row as a :class:`Posting` (every problem of the row listed at once)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    external_id = _text(row, profile.id_column)
    if not external_id:
        errors.append(Problem(profile.id_column, "", "missing: the posting's id on the job board"))
    title = _text(row, "title")
    if not title:
        errors.append(Problem("title", "", "missing: every opening needs a title"))
    employer = _text(row, profile.employer_columns[0])
    if not employer:  # only a company number (LinkedIn's 33k export): named by it
        number = next((_text(row, c) for c in profile.employer_columns[1:] if _text(row, c)), "")
        employer = f"Company {number}" if number else ""
    if not employer:  # still a real job: the specialist can find out who posted it
        employer = UNNAMED_EMPLOYER
        warnings.append(Problem(profile.employer_columns[0], "", "employer not named: ask the job board"))

    fields: dict[str, Any] = {"title": title, "employer": employer, "description": _text(row, "description")}
    remote = _flag(row.get("remote_allowed" if profile is LINKEDIN else "is_remote"))
    fields["remote"] = remote
    place = geocode(_text(row, "location"))
    if place is not None and place.location is not None:
        fields["location"] = {"lat": place.location.lat, "lon": place.location.lon}
    elif not remote:
        what = place.name if place is not None else _text(row, "location") or "nothing"
        warnings.append(
            Problem("location", _text(row, "location"), f"location unknown: the posting says only {what}")
        )

    wage: HourlyWage | None = None
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
                errors.append(Problem("currency", currency, "pay in another currency than US dollars"))
        else:
            wage = hourly_wage(
                period=_text(row, "interval") or None,
                minimum=row.get("min_amount"),
                maximum=row.get("max_amount"),
            )
    except WageError as exc:
        column = "pay_period" if profile is LINKEDIN else "interval"
        errors.append(Problem(column, _text(row, column), str(exc)))
    if wage is not None:
        # The low end: an opening is never assumed to pay the best of its range.
        fields["hourly_wage"] = wage.low

    posted_column, expiry_column = ("listed_time", "expiry") if profile is LINKEDIN else ("date_posted", "")
    posted = expires = None
    try:
        if not _blank(row.get(posted_column)):
            posted = _date(row[posted_column])
            fields["posted"] = posted.isoformat()
    except (ValueError, OverflowError, OSError):
        errors.append(Problem(posted_column, _text(row, posted_column), "not a date"))
    try:
        if expiry_column and not _blank(row.get(expiry_column)):
            expires = _date(row[expiry_column])
    except (ValueError, OverflowError, OSError):
        errors.append(Problem(expiry_column, _text(row, expiry_column), "not a date"))
    if expires is None and posted is not None:
        expires = posted + dt.timedelta(days=ttl_days)
        warnings.append(
            Problem(
                expiry_column or posted_column, "", f"no expiry date: open for {ttl_days} days after posting"
            )
        )
    if expires is not None:
        fields["expires"] = expires.isoformat()
        if posted is not None and expires < posted:
            errors.append(Problem(expiry_column, expires.isoformat(), f"before the posting date {posted}"))
        elif expires < as_of:
            warnings.append(
                Problem(
                    expiry_column or posted_column,
                    expires.isoformat(),
                    f"already expired on arrival ({expires})",
                )
            )
    if profile is LINKEDIN and not _blank(row.get("closed_time")):
        fields["status"] = "closed"
        warnings.append(Problem("closed_time", _text(row, "closed_time"), "already closed on the job board"))
    return Posting(profile.name, external_id, employer, fields, place, wage, errors, warnings)


__all__ = [
    "DEFAULT_TTL_DAYS",
    "JOBSPY",
    "LINKEDIN",
    "PROFILES",
    "Posting",
    "Precision",
    "Problem",
    "Profile",
    "UNNAMED_EMPLOYER",
    "detect_profile",
    "read_posting",
]
