"""Shortlist requests, decisions on suggestions and placements (outcomes)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

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

    industries: Annotated[list[Phrase], Field(max_length=20)] = []
    employer_ids: Annotated[list[Id], Field(max_length=50)] = []
    remote_only: bool = False
    min_hourly_wage: float | None = Field(default=None, ge=0, le=1000)


class ShortlistRequest(Strict):
    k: int = Field(default=10, ge=1, le=50)
    filters: ShortlistFilters = ShortlistFilters()


class ShortlistPublic(BaseModel):
    """A ranked shortlist as stored in the recommendation record ``recommendation_id``."""

    model_config = ConfigDict(extra="allow")

    recommendation_id: str
    client_id: str
    as_of: dt.date
    k: int
    filters: ShortlistFilters
    engine_version: str
    config_hash: str
    config_version: int
    suggestions: list[dict[str, Any]]
    exclusions: Any


class DecisionCreate(Strict):
    """``reason_code`` is required for ``reject`` and refused for other actions."""

    opening_id: Id
    action: Action
    reason_code: RejectReason | None = Field(default=None, validate_default=True)
    note: Note = ""
    recommendation_id: Annotated[str, Field(max_length=64)] | None = None

    @field_validator("reason_code")
    @classmethod
    def _reason_only_for_reject(cls, value: RejectReason | None, info: ValidationInfo) -> RejectReason | None:
        action = info.data.get("action")
        if action == Action.REJECT and value is None:
            raise ValueError("required when action is reject")
        if action is not None and action != Action.REJECT and value is not None:
            raise ValueError("only allowed when action is reject")
        return value


class DecisionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: str
    opening_id: str
    action: RecordedAction
    reason_code: RejectReason | None
    note: str
    recommendation_id: str | None
    actor_id: int
    at: dt.datetime


class DecisionsPublic(BaseModel):
    data: list[DecisionPublic]
    count: int


class RejectionsPublic(BaseModel):
    """Openings currently rejected for a client (not suggested until restored)."""

    opening_ids: list[str]


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


class PlacementCreate(Strict):
    """A started job; give ``end_date`` with a ``separation_reason`` once it ends."""

    opening_id: Id
    start_date: dt.date
    end_date: dt.date | None = None
    separation_reason: SeparationReason | None = Field(default=None, validate_default=True)
    note: Note = ""

    _end = field_validator("end_date")(_check_end)
    _separation = field_validator("separation_reason")(_check_separation)


class PlacementUpdate(Strict):
    """Record or correct how a placement ended; ``version`` must be the current one."""

    version: int = Field(ge=1)
    end_date: dt.date | None = None
    separation_reason: SeparationReason | None = Field(default=None, validate_default=True)
    note: Note = ""

    _separation = field_validator("separation_reason")(_check_separation)


class PlacementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: str
    opening_id: str
    start_date: dt.date
    end_date: dt.date | None
    separation_reason: SeparationReason | None
    note: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PlacementsPublic(BaseModel):
    data: list[PlacementPublic]
    count: int
