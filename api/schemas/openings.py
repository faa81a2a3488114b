"""Employers, openings and the bulk CSV import report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas import examples
from api.schemas.clients import ACCOMMODATIONS, DIMENSIONS, LEVEL_NAMES, CapacityRatings
from api.schemas.common import Id, LatLon, Name, Note, Phrase, Phrases, Riasec, Strict, Zip

Window = Annotated[str, StringConstraints(max_length=40)]
#: An employer contact's e-mail: empty, or one address (the domain has a dot; no spaces).
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
#: A phone number as people write it: digits, spaces, + - ( ) . and an extension ("x12", "ext. 12").
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=40,
        pattern=r"^$|^\+?[0-9()\-. ]{3,}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$",
    ),
]
Codes = Annotated[list[Phrase], Field(max_length=50)]


class EmployerCreate(Strict):
    """A new employer; the caller becomes one of the liaisons who manage it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.EMPLOYER]})

    name: Name = Field(
        description="The employer's name as clients and specialists know it (1-200 characters)."
    )
    industry: Annotated[str, StringConstraints(max_length=120)] = Field(
        default="", description='Main industry, in everyday words (e.g. "animal care").'
    )
    notes: Note = Field(
        default="",
        description="The liaison's notes: contacts, what the employer offers, how hiring works "
        "(up to 4000 characters; never client data).",
    )
    fair_chance: bool = Field(
        default=False,
        description="The employer hires people with a criminal record. For people's information: the "
        "matching reads each opening's own fair_chance.",
    )
    contact_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = Field(
        default="", description="Who to talk to there (e.g. the hiring manager), up to 120 characters."
    )
    contact_phone: Phone = Field(default="", description='Their phone number (e.g. "(773) 555-0142 x12").')
    contact_email: Email = Field(default="", description="Their e-mail address.")
    contact_address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] = Field(
        default="", description="Where to visit them (street, city, ZIP), up to 400 characters."
    )


class EmployerUpdate(EmployerCreate):
    """A full replacement of an employer's details; ``version`` must be the current one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, **examples.EMPLOYER}]})

    version: int = Field(ge=1, description="The employer's current version; a stale one is a 409.")


class EmployerPublic(BaseModel):
    """An employer as liaisons and specialists see it (auditors never see its contact)."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description='The employer\'s id, assigned by the service (e.g. "E-5B9281F6FF").')
    name: str = Field(description="The employer's name.")
    industry: str = Field(description="Main industry, as entered.")
    notes: str = Field(description="The liaison's notes.")
    fair_chance: bool = Field(description="Whether the employer hires people with a criminal record.")
    contact_name: str = Field(description="Who to talk to there.")
    contact_phone: str = Field(description="Their phone number.")
    contact_email: str = Field(description="Their e-mail address.")
    contact_address: str = Field(description="Where to visit them.")
    developed_by: int | None = Field(
        description="User id of the specialist who recorded the employer (job development); null when "
        "a liaison or an import added it."
    )
    version: int = Field(description="Increases with every change; send it back when editing.")
    created_at: dt.datetime = Field(description="When the employer was added (UTC).")
    updated_at: dt.datetime = Field(description="When the employer last changed (UTC).")


class Paged(BaseModel):
    """Where one page of a list stands: the full total and how to get the next page."""

    total: int = Field(description="How many match in all, over every page.", examples=[131])
    limit: int = Field(description="The most this page could hold (the limit asked for).", examples=[100])
    offset: int = Field(description="How many matching items come before this page.", examples=[0])
    next: str | None = Field(
        description="The URL (path and query) of the next page, with the same filters; null on the "
        "last page.",
        examples=["/api/v1/employers?limit=100&offset=100"],
    )


class EmployersPublic(Paged):
    """One page of employers, by name."""

    data: list[EmployerPublic] = Field(description="The employers of this page.")
    count: int = Field(description="Number of employers in data (this page).")


class OpeningDetails(Strict):
    """A job posting as the engine reads it. Give ``location``, a US ``zip``, ``remote``, or a
    ``location_precision`` of state or country (location unknown). Shifts, weekly hours and pay
    may be left out when the posting does not state them: they are questions, never failures."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.OPENING_DETAILS]})

    title: Name = Field(description='The job title as posted (e.g. "Kennel attendant").')
    description: Annotated[str, StringConstraints(max_length=20_000)] = Field(
        default="", description="What the job involves, in the posting's words; the text model reads it."
    )
    industry: Annotated[str, StringConstraints(max_length=120)] = Field(
        default="",
        description='Industry, in everyday words (e.g. "animal care"); matched to data/industries.csv.',
    )
    onet_soc: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}(\.\d{2})?$")] | None = Field(
        default=None,
        description='O*NET-SOC occupation code, e.g. "39-2021.00" (Animal Caretakers); with an '
        "occupation store it fills in the demands not rated (and the skills, when none are given).",
    )
    location: LatLon | None = Field(
        default=None, description="Where the work is. Give this, a zip, or remote: true."
    )
    zip: Zip | None = Field(
        default=None, description='A 5-digit US ZIP code instead of location (e.g. "60647").'
    )
    remote: bool = Field(
        default=False, description="The work is done from home: no commute, no location needed."
    )
    location_precision: Literal["exact", "zip", "city", "area", "state", "country"] | None = Field(
        default=None,
        description="How precisely location is known (default exact). zip, city and area: location is "
        "the place's centre and the commute an estimate; state and country: leave location out, it is "
        "unknown (the commute is a question).",
    )
    location_uncertainty_km: float | None = Field(
        default=None, ge=0, le=500, description="Radius the location may be off by (default: by precision)."
    )
    shifts: Annotated[list[Window], Field(min_length=1, max_length=50)] | None = Field(
        default=None,
        description='Weekly shifts "Day HH:MM-HH:MM" (e.g. "Sat 10:00-16:00"; "Fri 22:00-06:00" runs '
        "past midnight), on 5-minute steps. A client must be available for all of them. Leave out "
        "when not stated.",
    )
    hours_per_week: float | None = Field(
        default=None, ge=0.5, le=80, description="Hours of work a week (0.5-80); leave out when not stated."
    )
    hourly_wage: float | None = Field(
        default=None, ge=0, le=1000, description="Pay per hour, in US dollars; leave out when not stated."
    )
    required_skills: Phrases = Field(
        default=[], description='Skills the job needs (e.g. "animal handling"); matched to data/skills.csv.'
    )
    preferred_skills: Phrases = Field(default=[], description="Skills that help but are not needed.")
    skills_inferred: bool = Field(
        default=False,
        description="True when the skills were filled in from the O*NET occupation rather than given "
        "by a liaison (normally set by the service).",
    )
    # A level by number or by name, as for a client's capacity (the engine's records check which).
    demands: CapacityRatings = Field(
        default={},
        description="How much the job asks on each cognitive dimension, from 1 (very low) to 5 (very "
        f"high), by number or by name ({LEVEL_NAMES}, in any case; stored as the number): "
        f"{DIMENSIONS}. Leave out what you do not know: it is shown as unknown, never as 0.",
    )
    inferred_demands: Codes = Field(
        default=[],
        description="The dimensions of demands filled in from the O*NET occupation (normally set by "
        "the service; each must be rated in demands).",
    )
    offered_to_all: Codes = Field(
        default=[],
        description="Accommodations the employer gives everyone, no disclosure needed. Codes: "
        f"{ACCOMMODATIONS}.",
    )
    on_request: Codes = Field(
        default=[],
        description="Accommodations available on request, to a client who discloses (same codes).",
    )
    not_possible: Codes = Field(
        default=[],
        description="Accommodations the employer states it cannot give (same codes): a client who needs "
        "one is ruled out. An accommodation in none of offered_to_all, on_request and not_possible is "
        "not stated: it rules out no client who discloses and is asked about instead.",
    )
    positions: int = Field(default=1, ge=1, le=10_000, description="How many people the employer will hire.")
    posted: dt.date | None = Field(
        default=None, description="Date the opening was posted (YYYY-MM-DD); default: the day it is stored."
    )
    expires: dt.date | None = Field(
        default=None,
        description="Last day to apply (YYYY-MM-DD, not before posted); after it the opening is no longer "
        "suggested. Null: no end date.",
    )
    background_check: bool = Field(
        default=False, description="The employer runs a criminal background check before hiring."
    )
    fair_chance: bool = Field(
        default=False, description="This opening is fair-chance: a record does not rule an applicant out."
    )
    riasec: Riasec | None = Field(
        default=None,
        description="Optional O*NET interest profile of the job: six scores from 0 to 7 (Realistic, "
        "Investigative, Artistic, Social, Enterprising, Conventional).",
    )


class OpeningCreate(Strict):
    """A new opening; id and status are assigned.

    A liaison posts for an employer they manage; a specialist records an opening they
    developed, for any employer (it is marked as developed by them).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"employer_id": examples.EMPLOYER_ID, "details": examples.OPENING_DETAILS}]
        }
    )

    employer_id: Id = Field(
        description="The employer posting it; a liaison must manage it, a specialist may name any."
    )
    details: OpeningDetails = Field(description="The job posting.")


class OpeningUpdate(Strict):
    """A full replacement of the details; ``version`` must be the current one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 1, "details": examples.OPENING_DETAILS | {"hourly_wage": 17.75}}]
        }
    )

    version: int = Field(ge=1, description="The opening's current version; a stale one is a 409.")
    details: OpeningDetails = Field(description="The whole new posting (it replaces the old one).")


class OpeningPublic(BaseModel):
    """An opening with its employer, status and stored details."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.OPENING_PUBLIC]})

    id: str = Field(description='The opening\'s id, assigned by the service (e.g. "O-E70C6F70A5").')
    employer_id: str = Field(description="The employer's id.")
    employer_name: str = Field(description="The employer's name.")
    status: Literal["open", "filled", "closed"] = Field(
        description="open: may be suggested; filled or closed: no longer suggested."
    )
    expired: bool = Field(description="Its expires date has passed (it is no longer suggested).")
    developed_by: int | None = Field(
        default=None,
        description="User id of the specialist who developed it (job development); null for a "
        "liaison's posting or an import.",
    )
    developed_by_name: str | None = Field(
        default=None, description="That specialist's name, for the liaison's lists."
    )
    version: int = Field(description="Increases with every change; send it back when editing.")
    created_at: dt.datetime = Field(description="When the opening was stored (UTC).")
    updated_at: dt.datetime = Field(description="When it last changed (UTC).")
    details: dict[str, Any] = Field(
        description="The stored posting: the OpeningDetails fields, normalised (a ZIP resolved to "
        "location, posted filled in, demands and skills inferred from O*NET marked as such)."
    )


class OpeningsPublic(Paged):
    """One page of openings, in the order asked for."""

    data: list[OpeningPublic] = Field(description="The openings of this page.")
    count: int = Field(description="Number of openings in data (this page).")


class ImportRowError(BaseModel):
    """One problem in one CSV row (``row`` counts the header as row 1)."""

    row: int = Field(description="The row's line in the file; the header is row 1, the first opening row 2.")
    field: str = Field(description="The column (field) that is wrong.")
    message: str = Field(description="What is wrong with it.")
    value: str | None = Field(default=None, description="The cell as read (job-board imports).")
    kind: str | None = Field(
        default=None,
        description="Job-board imports: a stable code of the reason (errors: e.g. location_not_us, "
        "wage_invalid) or of the warning (location_city_level, location_unknown, wage_unknown, "
        "shifts_unknown, no_expiry, expired_on_arrival, closed_on_arrival, employer_unnamed).",
    )


class ImportDuplicate(BaseModel):
    """A row that near-duplicates an existing opening or an earlier row."""

    row: int = Field(description="The row's line in the file (the header is row 1).")
    duplicate_of: str = Field(
        description="Id of the open opening it near-duplicates (stored before, or from an earlier row)."
    )


class ImportReport(BaseModel):
    """What a bulk import stored (``committed``) and what it refused, row by row."""

    committed: bool = Field(
        description="Whether the openings in created were stored. False when the header is wrong, or "
        "with atomic=true when any row is bad (then nothing is stored)."
    )
    n_rows: int = Field(description="Number of opening rows read (the header not counted).")
    created: list[str] = Field(description="Ids of the openings stored.")
    errors: list[ImportRowError] = Field(description="Every problem found, by row and field.")
    duplicates: list[ImportDuplicate] = Field(description="Rows not stored as near-duplicates.")
    # Job-board imports (profile linkedin or jobspy) also fill these.
    file_format: str = Field(default="native", description="The file's format: native, linkedin or jobspy.")
    dry_run: bool = Field(default=False, description="Nothing was stored: this is what the import would do.")
    updated: list[str] = Field(
        default_factory=list, description="Ids of stored openings a re-imported posting changed."
    )
    n_unchanged: int = Field(default=0, description="Re-imported postings identical to their stored opening.")
    closed: list[str] = Field(
        default_factory=list,
        description="full_feed: ids of this source's open openings missing from the file.",
    )
    employers_created: list[str] = Field(
        default_factory=list, description="Ids of the employers created from the file's company names."
    )
    warnings: list[ImportRowError] = Field(
        default_factory=list, description="What each stored row leaves unknown or asks to check."
    )
    warning_counts: dict[str, int] = Field(default_factory=dict, description="Warnings by kind.")
    rejected: dict[str, int] = Field(
        default_factory=dict, description="Rejected rows by the kind of their first error."
    )
