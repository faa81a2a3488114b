"""Request models -> validated engine records (``matcher.records``) and back.

The engine's own validation is the single source of truth for what a client
or opening may contain; its :class:`matcher.errors.ValidationError` names the
field, which the routes turn into a 422 pointing at that field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.exceptions import RequestValidationError

from api.schemas import ClientProfile, OpeningDetails
from matcher.errors import ValidationError
from matcher.records import (
    client_from_record,
    client_to_record,
    opening_from_record,
    opening_to_record,
)


def client_record(profile: ClientProfile, *, client_id: str) -> dict[str, Any]:
    """The normalised engine record of a client profile (raises 422 on a bad field)."""
    raw = profile.model_dump(mode="json", exclude_none=True)
    raw["id"] = client_id
    try:
        return client_to_record(client_from_record(raw))
    except ValidationError as exc:
        raise _unprocessable(exc, ("body", "profile")) from exc


def opening_raw(
    details: OpeningDetails | dict[str, Any],
    *,
    opening_id: str,
    employer: str,
    status: str,
    posted: dt.date | None = None,
) -> dict[str, Any]:
    """The raw (unvalidated) engine record of opening details."""
    if isinstance(details, OpeningDetails):
        raw = details.model_dump(mode="json", exclude_none=True)
    else:
        raw = {k: v for k, v in details.items() if v is not None}
    raw.update(id=opening_id, employer=employer, status=status)
    raw.setdefault("posted", (posted or dt.date.today()).isoformat())
    return raw


def opening_record(
    details: OpeningDetails,
    *,
    opening_id: str,
    employer: str,
    status: str = "open",
    posted: dt.date | None = None,
) -> dict[str, Any]:
    """The normalised engine record of an opening (raises 422 on a bad field)."""
    raw = opening_raw(details, opening_id=opening_id, employer=employer, status=status, posted=posted)
    try:
        return opening_to_record(opening_from_record(raw))
    except ValidationError as exc:
        raise _unprocessable(exc, ("body", "details")) from exc


def public_profile(record: dict[str, Any]) -> dict[str, Any]:
    """A stored client record as shown to its specialist (the id is shown beside it)."""
    return {k: v for k, v in record.items() if k != "id"}


def public_details(record: dict[str, Any]) -> dict[str, Any]:
    """A stored opening record without the fields shown beside it."""
    return {k: v for k, v in record.items() if k not in ("id", "employer", "status")}


def _unprocessable(exc: ValidationError, prefix: tuple[str, ...]) -> RequestValidationError:
    loc = [*prefix, *exc.field.split(".")] if exc.field != "(record)" else list(prefix)
    return RequestValidationError(
        [{"loc": loc, "msg": exc.message, "type": "value_error", "input": _jsonable(exc.value)}]
    )


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def check_config_values(value: object, default: object, path: str = "config") -> None:
    """Refuse configuration values whose type differs from the engine default's.

    ``MatcherConfig`` does not check leaf types itself; a string where a weight
    belongs would only fail later, inside a shortlist request.
    """
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ValueError(f"{path}: must be an object")
        template = next(iter(default.values()), None)
        for key, item in value.items():
            check_config_values(item, default.get(key, template), f"{path}.{key}")
    elif isinstance(default, list | tuple) or (default is None and isinstance(value, list | tuple)):
        if not isinstance(value, list | tuple):  # e.g. a mode's speed_by_km points, hour_factors
            raise ValueError(f"{path}: must be a list")
        template = default[0] if default else None
        for i, item in enumerate(value):
            check_config_values(item, template, f"{path}[{i}]")
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{path}: must be true or false")
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{path}: must be a string")
    elif value is not None or default is not None:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not 0 <= value < 1e9:  # type: ignore[operator]
            raise ValueError(f"{path}: must be a number from 0 to 1e9")
        if isinstance(default, int) and not isinstance(value, int):
            raise ValueError(f"{path}: must be a whole number")
