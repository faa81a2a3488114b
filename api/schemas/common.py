"""Shared pieces of the request/response models."""

from __future__ import annotations

import typing
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from api.schemas import examples

# Bounded text types: every request string has a length limit.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phrase = Annotated[str, StringConstraints(max_length=200)]
Note = Annotated[str, StringConstraints(max_length=4000)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Zip = Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
Riasec = Annotated[list[Annotated[float, Field(ge=0, le=7)]], Field(min_length=6, max_length=6)]
Phrases = Annotated[list[Phrase], Field(max_length=50)]
# Database integer ids (PostgreSQL INTEGER is 32-bit).
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Ratings = Annotated[dict[str, Annotated[int, Field(ge=0, le=10)] | None], Field(max_length=20)]


class Strict(BaseModel):
    """Request body base: unknown fields are rejected (no mass assignment), and so is NUL.

    PostgreSQL text cannot hold NUL characters; refusing them here turns what would be a
    database error into a 422 naming the field.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any, info: ValidationInfo) -> Any:
        # Nested models check their own fields, so the error names the innermost field.
        field = cls.model_fields.get(info.field_name or "")
        nested = field is not None and _is_model(field.annotation)
        if not nested and has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


def _is_model(annotation: Any) -> bool:
    options = typing.get_args(annotation) or (annotation,)
    return any(isinstance(o, type) and issubclass(o, BaseModel) for o in options)


def has_nul(value: Any) -> bool:
    """True when a string anywhere in ``value`` (nested lists and dicts too) holds NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class Message(BaseModel):
    """An error or a short confirmation."""

    detail: str = Field(description='What happened, in a few words, e.g. "Client not found".')


class LatLon(Strict):
    """A point in decimal degrees (WGS 84, as on any map)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.HOME]})

    lat: float = Field(ge=-90, le=90, description="Latitude in decimal degrees, -90 to 90 (Chicago: 41.88).")
    lon: float = Field(
        ge=-180, le=180, description="Longitude in decimal degrees, -180 to 180 (Chicago: -87.63)."
    )


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated or invalid token",
    403: "Role not allowed",
    404: "Not found (or not yours)",
    409: "Conflict (version mismatch, duplicate or state)",
    412: "If-Match does not match the current version",
    413: "Upload too large",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the error statuses a route can return."""
    return {code: {"model": Message, "description": _DESCRIPTIONS[code]} for code in codes}
