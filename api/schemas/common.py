"""Shared pieces of the request/response models."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Bounded text types: every request string has a length limit.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phrase = Annotated[str, StringConstraints(max_length=200)]
Note = Annotated[str, StringConstraints(max_length=4000)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Zip = Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
Riasec = Annotated[list[Annotated[float, Field(ge=0, le=7)]], Field(min_length=6, max_length=6)]
Phrases = Annotated[list[Phrase], Field(max_length=50)]
Ratings = Annotated[dict[str, Annotated[int, Field(ge=0, le=10)] | None], Field(max_length=20)]


class Strict(BaseModel):
    """Request body base: unknown fields are rejected (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class Message(BaseModel):
    """An error or a short confirmation."""

    detail: str


class LatLon(Strict):
    """A point in decimal degrees."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


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
