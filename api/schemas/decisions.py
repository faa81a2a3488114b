"""Shortlist requests, decisions on suggestions and placements (outcomes)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from api.fit_bands import bands_text, fit_band
from api.schemas import examples
from api.schemas.common import Id, Note, Phrase, Strict


class Action(enum.StrEnum):
    """What happened with a suggested opening."""

    APPROVE = "approve"
    REJECT = "reject"
    APPLIED = "applied"
    INTERVIEW = "interview"
    HIRED = "hired"
    NOT_HIRED = "not_hired"


class RecordedAction(enum.StrEnum):
    """An :class:`Action`, or ``restore`` (an earlier rejection undone)."""

    APPROVE = "approve"
    REJECT = "reject"
    APPLIED = "applied"
    INTERVIEW = "interview"
    HIRED = "hired"
    NOT_HIRED = "not_hired"
    RESTORE = "restore"


class DecisionSource(enum.StrEnum):
    """Where the opening decided on came from."""

    SUGGESTION = "suggestion"
    SPECIALIST_FOUND = "specialist_found"


class RejectReason(enum.StrEnum):
    """Why a specialist rejected a suggestion (fixed list; add detail in ``note``)."""

    CLIENT_NOT_INTERESTED = "client_not_interested"
    COMMUTE = "commute"
    SCHEDULE = "schedule"
    HOURS = "hours"
    PAY = "pay"
    BENEFITS = "benefits"
    JOB_DEMANDS = "job_demands"
    WORK_ENVIRONMENT = "work_environment"
    EMPLOYER_CONCERN = "employer_concern"
    ALREADY_APPLIED = "already_applied"
    OTHER = "other"


class SeparationReason(enum.StrEnum):
    """Why a placement ended."""

    QUIT_BETTER_JOB = "quit_better_job"
    QUIT_DISSATISFIED = "quit_dissatisfied"
    QUIT_HEALTH = "quit_health"
    FIRED = "fired"
    LAID_OFF = "laid_off"
    TEMPORARY_ENDED = "temporary_ended"
    MOVED = "moved"
    TRANSPORT = "transport"
    BENEFITS = "benefits"
    OTHER = "other"


class ShortlistFilters(Strict):
    """Narrow the openings considered (all optional)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.SHORTLIST_FILTERS]})

    industries: Annotated[list[Phrase], Field(max_length=20)] = Field(
        default=[],
        description='Consider only openings in these industries (everyday words, e.g. "animal care"); '
        "empty: every industry.",
    )
    employer_ids: Annotated[list[Id], Field(max_length=50)] = Field(
        default=[], description="Consider only these employers' openings (employer ids); empty: all."
    )
    remote_only: bool = Field(default=False, description="Consider only remote openings.")
    min_hourly_wage: float | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="Consider only openings paying at least this much an hour, in US dollars.",
    )


class ShortlistRequest(Strict):
    """How many suggestions to rank, from which openings."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"k": 5, "filters": examples.SHORTLIST_FILTERS}, {"k": 10}]}
    )

    k: int = Field(default=10, ge=1, le=50, description="How many suggestions to return at most (1-50).")
    filters: ShortlistFilters = Field(
        default=ShortlistFilters(),
        description="Narrow the openings considered; left out, every open, unexpired opening counts.",
    )
    options: bool = Field(
        default=False,
        description="Also say what would open more options (always given when fewer than k are suggested).",
    )


class ShortlistPublic(BaseModel):
    """A ranked shortlist as stored in the recommendation record ``recommendation_id``."""

    model_config = ConfigDict(extra="allow")

    recommendation_id: str = Field(
        description="Id of the audit record that keeps this shortlist and its inputs; send it with "
        "decisions on these suggestions."
    )
    client_id: str = Field(description="The client the shortlist is for.")
    as_of: dt.date = Field(description="The date the shortlist was made for (expiry is judged on it).")
    k: int = Field(description="The most suggestions asked for.")
    filters: ShortlistFilters = Field(description="The filters applied.")
    engine_version: str = Field(description="Version of the matching engine that ranked the openings.")
    config_hash: str = Field(
        description="Short hash of the program configuration used (with GTFS feeds configured: of the "
        "configuration and the feeds' versions, so a changed timetable gives another hash)."
    )
    config_version: int = Field(description="Version of the program configuration used (0: engine defaults).")
    travel: dict[str, Any] = Field(
        default_factory=lambda: {"gtfs_feeds": []},
        description="Where the transit minutes came from: gtfs_feeds, each {name, sha256} (the feed file's "
        "content hash); an empty list when transit is the straight-line estimate.",
    )
    suggestions: list[dict[str, Any]] = Field(
        description="The ranked openings, best first. Each has opening_id, title, employer, rank, score "
        "(0-100), contributions (points per factor, adding up to the score), factors (0-1 before "
        "weighting), positives, concerns and support-plan hints (each with a code and a plain "
        "text), on_other_lists (how many other clients' nightly lists hold the opening) and band "
        f"(the score in words: {bands_text()})."
    )
    exclusions: Any = Field(
        description="Openings ruled out by one of the client's own limits, summarised: n_excluded, "
        "counts by reason code (e.g. COMMUTE_TOO_LONG), nearest_misses (the best-scoring openings "
        "failing exactly one limit, each with opening_id, title, employer, score and its band, code, a "
        "plain why and feasible_if), all (the paged list of every exclusion with its reasons, GET "
        "/clients/{id}/exclusions?reason=&page=) and why_not (the why-not of any one opening)."
    )
    shown_opening_ids: list[str] = Field(
        default_factory=list, description="The suggested openings, best first (as the record keeps them)."
    )
    pool_hash: str = Field(
        default="",
        description="SHA-256 of the pool of openings ranked (stored once, referenced by the record).",
    )
    opened_by_disclosing: int = Field(
        default=0,
        description="For a client who does not disclose: how many of the openings ruled out disclosing "
        "alone would open (their accommodations are available on request, or not stated by the employer "
        "and to ask about); 0 for a client who discloses. A fact for the client's own choice.",
    )
    disclosure_note: str | None = Field(
        default=None,
        description="opened_by_disclosing in words (code DISCLOSING_WOULD_OPEN), or null when it is 0.",
    )
    options: list[dict[str, Any]] | None = Field(
        default=None,
        description="What would open more options, given when fewer than k are suggested or when asked "
        "(options=true), else null: single changes within the client's own reach (a longer commute "
        "limit, a mode the client could learn, a wider hours range, another availability window, a lower "
        "wage floor, disclosing to employers, dropping one exclusion), best first by how many more "
        "openings each would open. Each has kind, code (the limit it relaxes), text (a plain statement "
        "of fact, never advice), note (said after the openings it names: for disclosing, what would "
        "count and that disclosure is the client's own choice; otherwise empty), n_opened and best "
        "(the best-scoring openings it would open: opening_id, "
        "title, employer, score and its fit band). Computed on request; the record keeps the shortlist, "
        "not these.",
    )

    @field_validator("suggestions")
    @classmethod
    def _with_band(cls, suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "band": fit_band(float(s["score"]))} if "score" in s else s for s in suggestions]


class ExclusionPublic(BaseModel):
    """One opening ruled out for a client, with every limit it fails."""

    model_config = ConfigDict(extra="allow")

    opening_id: str = Field(description="The opening.")
    title: str = Field(description="Its title.")
    employer: str = Field(description="Its employer.")
    reasons: list[dict[str, Any]] = Field(
        description="One per failed limit: code, a plain text, evidence, and feasible_if when that limit "
        "alone blocks it."
    )


class ExclusionsPublic(BaseModel):
    """A page of the openings ruled out for a client (why-nots computed for this page only)."""

    client_id: str = Field(description="The client.")
    reason: str | None = Field(description="The reason code asked for, or null for all.")
    total: int = Field(description="Openings ruled out (with that reason) in all.")
    page: int = Field(description="This page (1 is the first).")
    per_page: int = Field(description="Openings per page.")
    data: list[ExclusionPublic] = Field(description="The openings of this page, in pool order.")


class DecisionCreate(Strict):
    """``reason_code`` is required for ``reject`` and refused for other actions.

    A decision is about an opening shown to the client (``recommendation_id`` names the
    shortlist that showed it) or one the specialist found (``source_reason`` says how).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opening_id": examples.OPENING_ID,
                    "action": "approve",
                    "note": "Liked the kennel; will apply on Thursday with the specialist.",
                    "recommendation_id": examples.RECOMMENDATION_ID,
                },
                {
                    "opening_id": examples.OPENING_ID,
                    "action": "reject",
                    "reason_code": "schedule",
                    "note": "Saturday shifts clash with family visits.",
                    "recommendation_id": examples.RECOMMENDATION_ID,
                },
                {
                    "opening_id": examples.OPENING_ID,
                    "action": "approve",
                    "source": "specialist_found",
                    "source_reason": "Client's neighbour runs the kennel and mentioned an opening.",
                },
            ]
        }
    )

    opening_id: Id = Field(description='The opening decided on (e.g. "O-E70C6F70A5").')
    action: Action = Field(
        description="What happened: approve (worth pursuing), reject (do not suggest again until "
        "restored), applied, interview, hired, not_hired."
    )
    reason_code: RejectReason | None = Field(
        default=None,
        validate_default=True,
        description="Why it was rejected: required with reject, refused with any other action.",
    )
    note: Note = Field(
        default="", description="Free-text detail, e.g. what the client said (up to 4000 characters)."
    )
    source: DecisionSource = Field(
        default=DecisionSource.SUGGESTION,
        description="suggestion (default): the opening was shown to this client in the shortlist "
        "recommendation_id; specialist_found: the specialist found it outside the suggestions "
        "(give source_reason).",
    )
    recommendation_id: Annotated[str, Field(max_length=64)] | None = Field(
        default=None,
        validate_default=True,
        description="The recommendation record (interactive or nightly shortlist) in which this "
        "opening was shown to this client: required with source suggestion, refused with "
        "specialist_found.",
    )
    source_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(
        default="",
        validate_default=True,
        description="How and why the specialist found the opening: required with source "
        "specialist_found, refused otherwise (up to 500 characters).",
    )

    @field_validator("reason_code")
    @classmethod
    def _reason_only_for_reject(cls, value: RejectReason | None, info: ValidationInfo) -> RejectReason | None:
        action = info.data.get("action")
        if action == Action.REJECT and value is None:
            raise ValueError("required when action is reject")
        if action is not None and action != Action.REJECT and value is not None:
            raise ValueError("only allowed when action is reject")
        return value

    @field_validator("recommendation_id")
    @classmethod
    def _record_for_suggestions(cls, value: str | None, info: ValidationInfo) -> str | None:
        source = info.data.get("source")
        if source == DecisionSource.SUGGESTION and not value:
            raise ValueError("required: the recommendation in which the opening was shown")
        if source == DecisionSource.SPECIALIST_FOUND and value is not None:
            raise ValueError("refused with source specialist_found")
        return value

    @field_validator("source_reason")
    @classmethod
    def _reason_for_found(cls, value: str, info: ValidationInfo) -> str:
        source = info.data.get("source")
        if source == DecisionSource.SPECIALIST_FOUND and not value:
            raise ValueError("required when source is specialist_found")
        if source == DecisionSource.SUGGESTION and value:
            raise ValueError("only allowed when source is specialist_found")
        return value


class DecisionPublic(BaseModel):
    """A recorded decision on one opening for one client."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="The decision's id.")
    client_id: str = Field(description="The client it is about.")
    opening_id: str = Field(description="The opening it is about.")
    action: RecordedAction = Field(
        description="What happened; restore means an earlier rejection was undone."
    )
    reason_code: RejectReason | None = Field(description="Why it was rejected (reject only).")
    note: str = Field(description="Free-text detail.")
    recommendation_id: str | None = Field(
        description="The recommendation record in which the opening was shown; null for a "
        "specialist-found opening (its reason is in the audit trail) and for restore."
    )
    actor_id: int = Field(description="User id of the specialist who recorded it.")
    at: dt.datetime = Field(description="When it was recorded (UTC).")


class DecisionsPublic(BaseModel):
    """A client's decisions."""

    data: list[DecisionPublic] = Field(description="The decisions, oldest first.")
    count: int = Field(description="Number of decisions in data.")


class RejectionsPublic(BaseModel):
    """Openings currently rejected for a client (not suggested until restored)."""

    opening_ids: list[str] = Field(description="Ids of the openings rejected and not restored.")


def _check_end(end: dt.date | None, info: ValidationInfo) -> dt.date | None:
    start = info.data.get("start_date")
    if end is not None and start is not None and end < start:
        raise ValueError("before start_date")
    return end


def _check_separation(value: SeparationReason | None, info: ValidationInfo) -> SeparationReason | None:
    if "end_date" not in info.data:
        return value  # end_date itself was invalid; that error is reported
    if info.data["end_date"] is not None and value is None:
        raise ValueError("required when end_date is given")
    if info.data["end_date"] is None and value is not None:
        raise ValueError("only allowed with an end_date")
    return value


END_DATE = "Last day of work, if it has ended (YYYY-MM-DD, not before start_date); null while ongoing."
#: The hint shown beside the flag (API and outcome form): what IPS counts as competitive integrated.
COMPETITIVE_INTEGRATED = (
    "Competitive integrated employment: an ordinary job open to anyone (not set aside for people "
    "with disabilities), paid at least minimum wage, working alongside people without disabilities."
)
JobTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Wage = Annotated[float, Field(ge=0, le=1000)]
WeeklyHours = Annotated[float, Field(ge=0.5, le=80)]


class PlacementJob(Strict):
    """The job of a placement as IPS outcome reports count it.

    Left out on a new placement, the job title, employer, wage and hours are taken from the
    opening (as it stood when the placement was recorded).
    """

    job_title: JobTitle | None = Field(
        default=None, description="The job title (default: the opening's title; up to 200 characters)."
    )
    employer_name: JobTitle | None = Field(
        default=None, description="The employer's name (default: the opening's employer)."
    )
    hourly_wage: Wage | None = Field(
        default=None, description="Pay per hour in US dollars (default: the opening's wage, if stated)."
    )
    weekly_hours: WeeklyHours | None = Field(
        default=None, description="Hours of work a week, 0.5-80 (default: the opening's, if stated)."
    )


SEPARATION = "Why the job ended: required with end_date, refused without one."


class PlacementCreate(PlacementJob):
    """A started job; give ``end_date`` with a ``separation_reason`` once it ends.

    For an opening, the client was hired there: it leaves their shortlist, and it counts against
    the opening's positions (once placements fill them all, the opening is marked filled). A job
    found outside the openings names no opening and gives its job title and employer.

    The client was hired for the opening: it leaves their shortlist, and it counts against the
    opening's positions (once placements fill them all, the opening is marked filled).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opening_id": examples.OPENING_ID,
                    "start_date": "2026-03-16",
                    "hourly_wage": 17.5,
                    "weekly_hours": 20,
                    "competitive_integrated": True,
                    "note": "Job coach on site for the first two weeks.",
                },
                {
                    "opening_id": examples.OPENING_ID,
                    "start_date": "2025-06-02",
                    "end_date": "2025-11-14",
                    "separation_reason": "transport",
                    "note": "Bus route cut; looking for a job closer to home.",
                },
                {
                    "job_title": "Stock clerk",
                    "employer_name": "Milwaukee Ave Hardware",
                    "hourly_wage": 16.0,
                    "weekly_hours": 12,
                    "start_date": "2026-04-06",
                    "note": "The client found it through a neighbour.",
                },
            ]
        }
    )

    opening_id: Id | None = Field(
        default=None,
        description="The opening the client was hired for; null for a job found outside the openings "
        "(then give job_title and employer_name).",
    )
    competitive_integrated: bool = Field(default=True, description=COMPETITIVE_INTEGRATED)
    start_date: dt.date = Field(description="First day of work (YYYY-MM-DD).")
    end_date: dt.date | None = Field(default=None, description=END_DATE)
    separation_reason: SeparationReason | None = Field(
        default=None, validate_default=True, description=SEPARATION
    )
    note: Note = Field(default="", description="Free-text detail (up to 4000 characters).")

    _end = field_validator("end_date")(_check_end)
    _separation = field_validator("separation_reason")(_check_separation)


class PlacementUpdate(PlacementJob):
    """Record or correct how a placement ended; ``version`` must be the current one.

    The job fields (title, employer, wage, hours, competitive_integrated) are corrected when
    given and kept as they are when left out.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 1,
                    "end_date": "2026-09-30",
                    "separation_reason": "quit_better_job",
                    "note": "Left for a full-time kennel job closer to home.",
                }
            ]
        }
    )

    version: int = Field(ge=1, description="The placement's current version; a stale one is a 409.")
    competitive_integrated: bool | None = Field(
        default=None, description=f"{COMPETITIVE_INTEGRATED} Left out: kept as it is."
    )
    end_date: dt.date | None = Field(default=None, description=END_DATE)
    separation_reason: SeparationReason | None = Field(
        default=None, validate_default=True, description=SEPARATION
    )
    note: Note = Field(default="", description="Free-text detail (replaces the old note).")

    _separation = field_validator("separation_reason")(_check_separation)


class PlacementPublic(BaseModel):
    """A job a client got: when it started and, once over, when and why it ended."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="The placement's id.")
    client_id: str = Field(description="The client who got the job.")
    opening_id: str | None = Field(description="The opening filled; null for a job found elsewhere.")
    job_title: str = Field(description="The job title.")
    employer_name: str = Field(description="The employer's name.")
    hourly_wage: float | None = Field(description="Pay per hour in US dollars; null when not known.")
    weekly_hours: float | None = Field(description="Hours of work a week; null when not known.")
    competitive_integrated: bool = Field(description=COMPETITIVE_INTEGRATED)
    start_date: dt.date = Field(description="First day of work.")
    end_date: dt.date | None = Field(description="Last day of work; null while the job goes on.")
    separation_reason: SeparationReason | None = Field(description="Why the job ended (with end_date).")
    note: str = Field(description="Free-text detail.")
    version: int = Field(description="Increases with every change; send it back when editing.")
    created_at: dt.datetime = Field(description="When it was recorded (UTC).")
    updated_at: dt.datetime = Field(description="When it last changed (UTC).")


class PlacementsPublic(BaseModel):
    """A client's placements."""

    data: list[PlacementPublic] = Field(description="The placements, oldest first.")
    count: int = Field(description="Number of placements in data.")
