"""Users, tokens, assignments and program configuration."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.models import Role
from api.schemas import examples
from api.schemas.common import DbId, Note, Strict

Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{3,64}$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
FullName = Annotated[str, StringConstraints(max_length=120)]


class Token(BaseModel):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    access_token: str = Field(description="The signed token (a JWT); valid for 8 hours unless configured.")
    token_type: str = Field(default="bearer", description='Always "bearer".')


USERNAME = "Login name: 3-64 letters, digits, dots, dashes or underscores."
PASSWORD = "At least 8 and at most 128 characters; stored only as an argon2 hash."
FULL_NAME = "The person's name as colleagues know it (up to 120 characters)."


class UserCreate(Strict):
    """A new user with one role."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.USER]})

    username: Username = Field(description=USERNAME)
    password: Password = Field(description=PASSWORD)
    role: Role = Field(
        description="specialist (own caseload), liaison (employers and openings), auditor (audit "
        "trail, read only) or admin (users, assignments, configuration)."
    )
    full_name: FullName = Field(default="", description=FULL_NAME)


class UserUpdate(Strict):
    """Only the fields given change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"full_name": "Maria Garcia-Lopez"},
                {"password": "winter-lantern-meadow-7"},
                {"is_active": False},
            ]
        }
    )

    full_name: FullName | None = Field(default=None, description=f"{FULL_NAME} Null: unchanged.")
    password: Password | None = Field(
        default=None, description=f"A new password. {PASSWORD} Null: unchanged."
    )
    is_active: bool | None = Field(
        default=None,
        description="false: the user can no longer log in or use a token (admins cannot deactivate "
        "themselves); true: allowed again. Null: unchanged.",
    )


class UserRoleUpdate(Strict):
    """A user's new role: their tokens and sessions end (they log in again with the new role)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "liaison"}]})

    role: Role = Field(
        description="specialist, liaison, auditor or admin. Refused (409) for the admin themselves, for a "
        "specialist who still carries clients and for a liaison who still manages employers."
    )


class UserPublic(BaseModel):
    """A user (never the password)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="The user's id (used in assignments, e.g. specialist_id).")
    username: str = Field(description="Login name.")
    full_name: str = Field(description="The person's name.")
    role: Role = Field(description="What the user may do: specialist, liaison, auditor or admin.")
    is_active: bool = Field(description="Whether the user may log in.")
    created_at: dt.datetime = Field(description="When the user was created (UTC).")


class UsersPublic(BaseModel):
    """A list of users."""

    data: list[UserPublic] = Field(description="The users of this page, by id.")
    count: int = Field(description="Number of users in data.")
    total: int = Field(description="Number of users matching the filter, on every page.")
    limit: int = Field(description="Most users per page (as asked, default 100).")
    offset: int = Field(description="Users skipped before this page.")


class CaseloadEntry(BaseModel):
    """Which specialist carries a client (ids and status only: no client data)."""

    client_id: str = Field(description="The client's id.")
    specialist_id: int = Field(description="User id of the specialist whose caseload holds the client.")
    status: str = Field(description="The client's status: active, paused or closed.")


class CaseloadsPublic(BaseModel):
    """Every client's specialist."""

    data: list[CaseloadEntry] = Field(description="One entry per client of this page.")
    count: int = Field(description="Number of entries in data.")
    total: int = Field(description="Number of clients, on every page.")
    limit: int = Field(description="Most entries per page (as asked, default 100).")
    offset: int = Field(description="Entries skipped before this page.")


class CaseloadUpdate(Strict):
    """Move a client to another specialist's caseload."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"specialist_id": 7}]})

    specialist_id: DbId = Field(description="User id of an active specialist who takes the client over.")


class EmployerAssignment(BaseModel):
    """Which liaisons manage an employer."""

    employer_id: str = Field(description="The employer's id.")
    employer_name: str = Field(description="The employer's name.")
    liaison_ids: list[int] = Field(description="User ids of the liaisons who manage it.")


class EmployerAssignmentsPublic(BaseModel):
    """Every employer's liaisons."""

    data: list[EmployerAssignment] = Field(description="One entry per employer of this page.")
    count: int = Field(description="Number of entries in data.")
    total: int = Field(description="Number of employers, on every page.")
    limit: int = Field(description="Most entries per page (as asked, default 100).")
    offset: int = Field(description="Entries skipped before this page.")


class EmployerAssignmentUpdate(Strict):
    """The liaisons who manage an employer from now on (replaces the list)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"liaison_ids": [3, 5]}]})

    liaison_ids: Annotated[list[DbId], Field(max_length=50)] = Field(
        description="User ids of active liaisons (up to 50); an empty list leaves it unmanaged."
    )


class ProgramConfigPublic(BaseModel):
    """One version of the program configuration."""

    model_config = ConfigDict(from_attributes=True)

    version: int = Field(description="Configuration version (0: the engine defaults, never stored).")
    config: dict[str, Any] = Field(
        description="The whole engine configuration: scoring (weights per factor and soft-factor "
        "parameters), commute (speed and service hours per travel mode), ranking (k, "
        "max_per_employer) and benefits (dated SSA figures)."
    )
    config_hash: str = Field(description="Short hash of config; every shortlist records the one it used.")
    legacy_config_hash: str | None = Field(
        default=None,
        description="The hash in the form used before RFC 8785 canonical JSON (versions stored before "
        "it); records written then carry this one.",
    )
    note: str = Field(description="Why the configuration changed.")
    created_by: int | None = Field(description="User id of the admin who stored it (null for the defaults).")
    created_at: dt.datetime = Field(description="When it was stored (UTC).")


class ProgramConfigsPublic(BaseModel):
    """Configuration versions."""

    data: list[ProgramConfigPublic] = Field(description="The stored versions, newest first.")
    count: int = Field(description="Number of versions in data.")


class ProgramConfigUpdate(Strict):
    """A (partial) MatcherConfig as a plain dict; unspecified values keep their defaults."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "config": {
                        "scoring": {"weights": examples.PROGRAM_WEIGHTS},
                        "ranking": {"max_per_employer": 3},
                    },
                    "note": "Commute weighs more: winter transit delays (team meeting 2026-01-12).",
                }
            ]
        }
    )

    config: dict[str, Any] = Field(
        description="The sections to change (scoring, commute, ranking, benefits), shaped like "
        "ProgramConfigPublic.config; what is left out keeps the engine default. Given weights "
        "(scoring.weights) must name all seven factors: preference, strengths, cognitive, "
        "accommodation, commute, schedule, wage."
    )
    note: Note = Field(default="", description="Why it changes, for the history (up to 4000 characters).")
