"""Clients: a functional profile (never a diagnosis) on a specialist's caseload."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.schemas.common import LatLon, Phrase, Phrases, Ratings, Riasec, Strict, Zip

Window = Annotated[str, StringConstraints(max_length=40)]
Level = Literal["low", "normal", "high"]


class ClientExclusions(Strict):
    """Industries, employers and keywords the client does not want."""

    industries: Phrases = []
    employers: Phrases = []
    keywords: Phrases = []


class ClientProfile(Strict):
    """What the engine matches on. Give ``home`` or a US ``zip``."""

    home: LatLon | None = None
    zip: Zip | None = None
    modes: Annotated[list[Phrase], Field(min_length=1, max_length=10)]
    max_commute_minutes: int = Field(default=45, ge=1, le=240)
    availability: Annotated[list[Window], Field(min_length=1, max_length=50)]
    min_hours: float = Field(default=0.0, ge=0, le=80)
    max_hours: float = Field(default=40.0, ge=0, le=80)
    capacity: Ratings = {}
    interests: Phrases = []
    preferred_industries: Phrases = []
    riasec: Riasec | None = None
    strengths: Phrases = []
    past_titles: Phrases = []
    inferred_strengths: Phrases = []
    accommodations: Annotated[dict[str, Literal["required", "preferred"]], Field(max_length=50)] = {}
    discloses: bool = False
    wage_floor: float = Field(default=0.0, ge=0, le=1000)
    earnings_cap: float | None = Field(default=None, ge=0, le=1_000_000)
    receives_ssdi: bool = False
    receives_ssi: bool = False
    exclusions: ClientExclusions = ClientExclusions()
    avoid_background_check: bool = False
    priorities: Annotated[dict[str, Level], Field(max_length=20)] = {}


Label = Annotated[str, StringConstraints(max_length=80)]


class ClientCreate(Strict):
    """A new client on the caller's caseload; the id and status are assigned."""

    label: Label = ""
    profile: ClientProfile


class ClientUpdate(Strict):
    """A full replacement of label and profile; ``version`` must be the current one."""

    version: int = Field(ge=1)
    label: Label = ""
    profile: ClientProfile


class ClientPublic(BaseModel):
    """A client as its own specialist sees it (``profile.home`` included)."""

    id: str
    label: str
    status: Literal["active", "paused", "closed"]
    version: int
    specialist_id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    profile: dict[str, Any]


class ClientsPublic(BaseModel):
    data: list[ClientPublic]
    count: int


class InferredStrength(BaseModel):
    """A strength inferred from a past job title, with the O*NET occupation it comes from.

    ``kind``, ``source_title``, ``code`` and ``occupation`` are null for a phrase
    the stored profile holds as inferred that the occupation store does not explain.
    """

    phrase: str
    kind: Literal["activity", "skill", "knowledge", "technology"] | None = None
    source_title: str | None = None
    code: str | None = None
    occupation: str | None = None


class InferredStrengthsPublic(BaseModel):
    """A client's inferred strengths as the engine uses them (removed ones left out)."""

    client_id: str
    version: int
    occupation_store: bool
    data: list[InferredStrength]
    count: int
    removed: list[str]


InferredPhrases = Annotated[list[Phrase], Field(min_length=1, max_length=50)]


class InferredStrengthsAccept(Strict):
    """Inferred strengths the specialist confirms; they become the client's own ``strengths``."""

    version: int = Field(ge=1)
    phrases: InferredPhrases


class InferredStrengthsRemove(Strict):
    """Inferred strengths the specialist removes; they are not inferred for the client again."""

    phrases: InferredPhrases
