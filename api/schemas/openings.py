"""Employers, openings and the bulk CSV import report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import Id, LatLon, Name, Note, Phrase, Phrases, Ratings, Riasec, Strict, Zip

Window = Annotated[str, StringConstraints(max_length=40)]
Codes = Annotated[list[Phrase], Field(max_length=50)]


class EmployerCreate(Strict):
    name: Name
    industry: Annotated[str, StringConstraints(max_length=120)] = ""
    notes: Note = ""
    fair_chance: bool = False


class EmployerUpdate(EmployerCreate):
    version: int = Field(ge=1)


class EmployerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    industry: str
    notes: str
    fair_chance: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class EmployersPublic(BaseModel):
    data: list[EmployerPublic]
    count: int


class OpeningDetails(Strict):
    """A job posting as the engine reads it. Give ``location``, a US ``zip`` or ``remote``."""

    title: Name
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    industry: Annotated[str, StringConstraints(max_length=120)] = ""
    onet_soc: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}(\.\d{2})?$")] | None = None
    location: LatLon | None = None
    zip: Zip | None = None
    remote: bool = False
    shifts: Annotated[list[Window], Field(min_length=1, max_length=50)]
    hours_per_week: float = Field(ge=0.5, le=80)
    hourly_wage: float = Field(ge=0, le=1000)
    required_skills: Phrases = []
    preferred_skills: Phrases = []
    skills_inferred: bool = False
    demands: Ratings = {}
    inferred_demands: Codes = []
    offered_to_all: Codes = []
    on_request: Codes = []
    positions: int = Field(default=1, ge=1, le=10_000)
    posted: dt.date | None = None
    expires: dt.date | None = None
    background_check: bool = False
    fair_chance: bool = False
    riasec: Riasec | None = None


class OpeningCreate(Strict):
    """A new opening of an employer the caller manages; id and status are assigned."""

    employer_id: Id
    details: OpeningDetails


class OpeningUpdate(Strict):
    """A full replacement of the details; ``version`` must be the current one."""

    version: int = Field(ge=1)
    details: OpeningDetails


class OpeningPublic(BaseModel):
    id: str
    employer_id: str
    employer_name: str
    status: Literal["open", "filled", "closed"]
    expired: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    details: dict[str, Any]


class OpeningsPublic(BaseModel):
    data: list[OpeningPublic]
    count: int


class ImportRowError(BaseModel):
    """One problem in one CSV row (``row`` counts the header as row 1)."""

    row: int
    field: str
    message: str


class ImportDuplicate(BaseModel):
    """A row that near-duplicates an existing opening or an earlier row."""

    row: int
    duplicate_of: str


class ImportReport(BaseModel):
    """What a bulk import stored (``committed``) and what it refused, row by row."""

    committed: bool
    n_rows: int
    created: list[str]
    errors: list[ImportRowError]
    duplicates: list[ImportDuplicate]
