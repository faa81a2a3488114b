"""Clients: a functional profile (never a diagnosis) on a specialist's caseload."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas import examples
from api.schemas.common import LatLon, Phrase, Phrases, Ratings, Riasec, Strict, Zip

Window = Annotated[str, StringConstraints(max_length=40)]
Level = Literal["low", "normal", "high"]

DIMENSIONS = "attention, memory, pace, multitasking, complexity, public_contact, change, stamina"
ACCOMMODATIONS = (
    "flexible_schedule, part_time_hours, extra_breaks, appointment_time_off, quiet_workspace, "
    "written_instructions, job_coach, supervisor_checkins, predictable_routine, gradual_onboarding, "
    "reduced_public_contact, remote_work"
)
FACTORS = "preference, strengths, cognitive, accommodation, commute, schedule, wage"


class ClientExclusions(Strict):
    """Industries, employers and keywords the client does not want."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.EXCLUSIONS]})

    industries: Phrases = Field(
        default=[],
        description='Industries to avoid, in everyday words (e.g. "retail", "food service"); matched '
        "to the industries of data/industries.csv. An opening in one of them is excluded.",
    )
    employers: Phrases = Field(
        default=[],
        description="Employer names to avoid (near-spellings match too); their openings are excluded.",
    )
    keywords: Phrases = Field(
        default=[],
        description='Words to avoid in a job\'s title or description (e.g. "liquor", "night shift"): '
        "an opening containing every word of one keyword is excluded.",
    )


class ClientProfile(Strict):
    """What the engine matches on. Give ``home`` or a US ``zip``."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.CLIENT_PROFILE]})

    home: LatLon | None = Field(
        default=None,
        description="Where the client lives, for commute estimates. Give this or zip; if both are "
        "given, home is used. Shown only to the client's own specialist.",
    )
    zip: Zip | None = Field(
        default=None,
        description='A 5-digit US ZIP code instead of home (e.g. "60647"); stored as the ZIP\'s centre.',
    )
    modes: Annotated[list[Phrase], Field(min_length=1, max_length=10)] = Field(
        description="Ways the client can travel to work (at least one): walk, bike, transit (public "
        "transit), car, ride (a ride or paratransit). Codes from data/modes.csv.",
    )
    max_commute_minutes: int = Field(
        default=45,
        ge=1,
        le=240,
        description="Longest trip the client accepts, one way, in minutes. Longer commutes are excluded.",
    )
    availability: Annotated[list[Window], Field(min_length=1, max_length=50)] = Field(
        description='When the client can work: weekly windows "Day HH:MM-HH:MM", one per day and '
        'time range (e.g. "Mon 09:00-15:00"; "Fri 22:00-06:00" runs past midnight). Times on '
        "5-minute steps. An opening whose shifts fall outside them is excluded.",
    )
    min_hours: float = Field(
        default=0.0, ge=0, le=80, description="Fewest hours a week the client wants to work."
    )
    max_hours: float = Field(
        default=40.0,
        ge=0,
        le=80,
        description="Most hours a week the client wants to work (at least min_hours). Openings with "
        "hours outside min_hours to max_hours are excluded.",
    )
    capacity: Ratings = Field(
        default={},
        description="How the client manages each cognitive demand, from 1 (very low) to 5 (very high); "
        f"dimensions: {DIMENSIONS} (for stamina, 1-5 means about 3, 4, 6, 8, 10 hours a day). Leave "
        "a dimension out (or null) when unknown. Never excludes a job: a demand above capacity "
        "lowers the fit and adds a support-plan hint.",
    )
    interests: Phrases = Field(
        default=[],
        description='Kinds of work the client wants, in their own words (e.g. "working with '
        'animals", "cooking"); with preferred_industries and riasec they make the preference '
        "factor, which weighs most in the score.",
    )
    preferred_industries: Phrases = Field(
        default=[],
        description='Industries the client prefers, in everyday words (e.g. "animal care", '
        '"landscaping"); matched to data/industries.csv.',
    )
    riasec: Riasec | None = Field(
        default=None,
        description="Optional O*NET interest profile: six scores from 0 to 7 in the order Realistic, "
        "Investigative, Artistic, Social, Enterprising, Conventional.",
    )
    strengths: Phrases = Field(
        default=[],
        description='Skills and strengths the client has (e.g. "reliability", "cash handling"); '
        "matched (via data/skills.csv) to the skills openings require or prefer.",
    )
    past_titles: Phrases = Field(
        default=[],
        description='Job titles the client has held (e.g. "Dishwasher"). Used for the strengths '
        "factor, and to infer strengths when the service has an occupation store.",
    )
    inferred_strengths: Phrases = Field(
        default=[],
        description='Strengths inferred from past jobs (shown as "inferred from work history"). '
        "Usually left empty: the service infers them; see the inferred-strengths endpoints.",
    )
    accommodations: Annotated[dict[str, Literal["required", "preferred"]], Field(max_length=50)] = Field(
        default={},
        description=f'Workplace accommodations the client needs: code -> "required" or "preferred". '
        f"Codes: {ACCOMMODATIONS}. An opening that cannot give a required one to this client is "
        "excluded; preferred ones raise the score.",
    )
    discloses: bool = Field(
        default=False,
        description="Whether the client chooses to disclose a condition to employers. Without "
        "disclosure only accommodations an opening offers to everyone count; with it, those "
        "available on request count too.",
    )
    wage_floor: float = Field(
        default=0.0,
        ge=0,
        le=1000,
        description="Lowest hourly wage the client accepts, in US dollars; lower-paid openings are "
        "excluded (0: no floor).",
    )
    earnings_cap: float | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="Highest monthly earnings, in US dollars, the client chose to protect disability "
        "benefits (e.g. below SGA); openings paying more a month (hourly wage x weekly hours x "
        "4.345) are excluded. Null: no cap.",
    )
    receives_ssdi: bool = Field(
        default=False,
        description="The client receives SSDI: shortlists flag jobs that cross SGA or use trial work "
        "months, so a benefits counselor can be involved.",
    )
    receives_ssi: bool = Field(
        default=False,
        description="The client receives SSI: shortlists estimate how much a job would reduce it.",
    )
    exclusions: ClientExclusions = Field(
        default=ClientExclusions(),
        description="Industries, employers and keywords the client wants to avoid.",
    )
    avoid_background_check: bool = Field(
        default=False,
        description="Exclude openings with a background check, except at fair-chance employers.",
    )
    priorities: Annotated[dict[str, Level], Field(max_length=20)] = Field(
        default={},
        description=f'What matters more or less to this client: factor -> "low", "normal" or '
        f'"high" (weight x0.5, x1, x2). Factors: {FACTORS}.',
    )


Label = Annotated[str, StringConstraints(max_length=80)]
LABEL = "A short name the specialist recognises the client by, e.g. initials (up to 80 characters)."


class ClientCreate(Strict):
    """A new client on the caller's caseload; the id and status are assigned."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"label": "D.W.", "profile": examples.CLIENT_PROFILE},
                {"label": "J.T.", "profile": examples.MINIMAL_PROFILE},
            ]
        }
    )

    label: Label = Field(default="", description=LABEL)
    profile: ClientProfile = Field(description="What the engine matches on.")


class ClientUpdate(Strict):
    """A full replacement of label and profile; ``version`` must be the current one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"version": 1, "label": "D.W.", "profile": examples.CLIENT_PROFILE | {"max_hours": 28}}
            ]
        }
    )

    version: int = Field(
        ge=1, description="The version this edit starts from (from the client as read); a stale one is a 409."
    )
    label: Label = Field(default="", description=LABEL)
    profile: ClientProfile = Field(description="The whole new profile (it replaces the old one).")


class ClientPublic(BaseModel):
    """A client as its own specialist sees it (``profile.home`` included)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.CLIENT_PUBLIC]})

    id: str = Field(description='The client\'s id, assigned by the service (e.g. "C-3F9A0B12C4").')
    label: str = Field(description=LABEL)
    status: Literal["active", "paused", "closed"] = Field(
        description="active: gets shortlists; paused: none until resumed; closed: final, no more edits."
    )
    version: int = Field(description="Increases with every change; send it back when editing.")
    specialist_id: int = Field(description="User id of the specialist whose caseload holds the client.")
    created_at: dt.datetime = Field(description="When the client was added (UTC).")
    updated_at: dt.datetime = Field(description="When the client last changed (UTC).")
    profile: dict[str, Any] = Field(
        description="The stored profile: the ClientProfile fields, normalised (a ZIP resolved to home, "
        'defaults filled in, availability written as "Mon 09:00-15:00").'
    )


class ClientsPublic(BaseModel):
    """A list of clients."""

    data: list[ClientPublic] = Field(description="The clients, oldest first.")
    count: int = Field(description="Number of clients in data.")


class InferredStrength(BaseModel):
    """A strength inferred from a past job title, with the O*NET occupation it comes from.

    ``kind``, ``source_title``, ``code`` and ``occupation`` are null for a phrase
    the stored profile holds as inferred that the occupation store does not explain.
    """

    phrase: str = Field(description='The strength, as O*NET words it (e.g. "Clean tableware").')
    kind: Literal["activity", "skill", "knowledge", "technology"] | None = Field(
        default=None,
        description="What the phrase is in O*NET: a work activity, skill, knowledge or technology.",
    )
    source_title: str | None = Field(
        default=None, description='The client\'s past job title it was inferred from (e.g. "Dishwasher").'
    )
    code: str | None = Field(
        default=None, description='O*NET-SOC code of the occupation behind it (e.g. "35-9021.00").'
    )
    occupation: str | None = Field(
        default=None, description='Name of that O*NET occupation (e.g. "Dishwashers").'
    )


class InferredStrengthsPublic(BaseModel):
    """A client's inferred strengths as the engine uses them (removed ones left out)."""

    client_id: str = Field(description="The client's id.")
    version: int = Field(description="The client's current version (send it when accepting).")
    occupation_store: bool = Field(
        description="Whether the service has an O*NET occupation store; without one, only the "
        "profile's own inferred_strengths are listed, without sources."
    )
    data: list[InferredStrength] = Field(description="The inferred strengths the engine uses now.")
    count: int = Field(description="Number of strengths in data.")
    removed: list[str] = Field(
        description="Phrases the specialist removed: never inferred again for this client."
    )


InferredPhrases = Annotated[list[Phrase], Field(min_length=1, max_length=50)]


class InferredStrengthsAccept(Strict):
    """Inferred strengths the specialist confirms; they become the client's own ``strengths``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "phrases": ["Feed animals"]}]})

    version: int = Field(ge=1, description="The client's current version; a stale one is a 409.")
    phrases: InferredPhrases = Field(
        description="Current inferred strengths to keep, spelled as listed (case does not matter)."
    )


class InferredStrengthsRemove(Strict):
    """Inferred strengths the specialist removes; they are not inferred for the client again."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"phrases": ["Clean tableware"]}]})

    phrases: InferredPhrases = Field(
        description="Inferred strengths that do not fit the client, spelled as listed (case does not matter)."
    )
