"""Users, tokens, assignments and program configuration."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.models import Role
from api.schemas.common import DbId, Note, Strict

Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{3,64}$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
FullName = Annotated[str, StringConstraints(max_length=120)]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserCreate(Strict):
    username: Username
    password: Password
    role: Role
    full_name: FullName = ""


class UserUpdate(Strict):
    full_name: FullName | None = None
    password: Password | None = None
    is_active: bool | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    role: Role
    is_active: bool
    created_at: dt.datetime


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class CaseloadEntry(BaseModel):
    """Which specialist carries a client (ids and status only: no client data)."""

    client_id: str
    specialist_id: int
    status: str


class CaseloadsPublic(BaseModel):
    data: list[CaseloadEntry]
    count: int


class CaseloadUpdate(Strict):
    specialist_id: DbId


class EmployerAssignment(BaseModel):
    employer_id: str
    employer_name: str
    liaison_ids: list[int]


class EmployerAssignmentsPublic(BaseModel):
    data: list[EmployerAssignment]
    count: int


class EmployerAssignmentUpdate(Strict):
    liaison_ids: Annotated[list[DbId], Field(max_length=50)]


class ProgramConfigPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    config: dict[str, Any]
    config_hash: str
    # the hash in the form used before RFC 8785 (versions stored before it): old records carry it
    legacy_config_hash: str | None = None
    note: str
    created_by: int | None
    created_at: dt.datetime


class ProgramConfigsPublic(BaseModel):
    data: list[ProgramConfigPublic]
    count: int


class ProgramConfigUpdate(Strict):
    """A (partial) MatcherConfig as a plain dict; unspecified values keep their defaults."""

    config: dict[str, Any]
    note: Note = ""
