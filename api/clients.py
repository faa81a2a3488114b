"""Clients on a specialist's caseload: the service behind the JSON routes and the pages.

Both ``api.routes.clients`` and the pages (``api.web.caseload``) create, change and read
clients through these functions, so they store and log the same things. Each function
flushes and logs its audit event; the caller commits (one request, one transaction).

:func:`check_client` validates a whole request the way the JSON API does (the request
model, then the engine's record rules) but gathers *every* problem at once, for a form
that shows them all beside their fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from fastapi import HTTPException
from sqlalchemy.orm import Session

from api import store
from api.convert import client_record, public_profile
from api.events import log_event
from api.models import Client, ClientStatus, User
from api.rematch import store as rematch_store
from api.schemas import ClientCreate, ClientProfile, ClientPublic, ClientUpdate
from api.store import caseload as caseload_store
from matcher.errors import ValidationError
from matcher.records import client_from_record
from matcher.vocab import load_vocabulary


def own_client(session: Session, user: User, client_id: str) -> Client:
    """The caller's client; missing and someone else's look the same (404)."""
    client = store.clients.get_client(session, client_id=client_id, specialist_id=user.id)
    if client is None:
        raise HTTPException(status_code=404, detail="Client not found")
    return client


def public(client: Client) -> ClientPublic:
    return ClientPublic(
        id=client.id,
        label=client.label,
        status=client.status,  # type: ignore[arg-type]
        version=client.version,
        specialist_id=client.specialist_id,
        created_at=client.created_at,
        updated_at=client.updated_at,
        profile=public_profile(client.record),
    )


def list_clients(session: Session, user: User, *, status: str | None = None) -> list[Client]:
    """The caller's caseload, oldest first (logged as a read of each client listed)."""
    clients = store.clients.list_clients(session, specialist_id=user.id, status=status)
    log_listed(session, user, clients)
    return clients


def log_listed(session: Session, user: User, clients: Sequence[Client]) -> None:
    """Log that these clients were shown in a list (nothing when none were)."""
    if clients:
        log_event(session, kind="client.listed", user=user, client_ids=[c.id for c in clients])


@dataclass(frozen=True)
class Flags:
    """What needs the specialist's eye on one client of the caseload."""

    shortlisted: bool  # a shortlist was ever made (opened by the specialist or nightly)
    suggestions: int  # how many the latest one gave
    new: int  # new suggestions in the latest nightly re-match
    pending: int  # shown in the latest shortlist opened, neither approved nor rejected since


def caseload_flags(session: Session, user: User, clients: Sequence[Client]) -> dict[str, Flags]:
    """Flags of the caller's clients (the latest records, decisions and nightly digest)."""
    ids = [c.id for c in clients]
    latest = caseload_store.latest_shortlists(session, client_ids=ids)
    opened = caseload_store.latest_shortlists(session, client_ids=ids, kind="interactive")
    decided = caseload_store.decided_openings(session, client_ids=ids)
    digest = rematch_store.latest_digest(session, specialist_id=user.id)
    new = {
        str(c["client_id"]): len((c.get("changes") or {}).get("new", []))
        for c in (digest.body.get("clients", []) if digest is not None else [])
    }
    out = {}
    for client_id in ids:
        shown = _shown(opened.get(client_id, {}))
        out[client_id] = Flags(
            shortlisted=client_id in latest,
            suggestions=len(latest.get(client_id, {}).get("suggestions", [])),
            new=new.get(client_id, 0),
            pending=len(shown - decided.get(client_id, set())),
        )
    return out


def _shown(shortlist: dict[str, Any]) -> set[str]:
    # As api.audit.store.shown_opening_ids reads them: older records list only suggestions.
    shown = shortlist.get("shown_opening_ids")
    if shown is None:
        shown = [s.get("opening_id") for s in shortlist.get("suggestions", [])]
    return {str(i) for i in shown}


def read_client(session: Session, user: User, client_id: str, **part: Any) -> Client:
    """The caller's client, its read logged (``part`` names what of it was read, if not all)."""
    client = own_client(session, user, client_id)
    log_event(session, kind="client.read", user=user, client_id=client.id, **part)
    return client


def create_client(session: Session, user: User, body: ClientCreate) -> Client:
    """Add a client to the caller's caseload; the id is assigned."""
    client_id = store.new_id("C")
    record = client_record(body.profile, client_id=client_id)
    client = store.clients.create_client(
        session, client_id=client_id, specialist_id=user.id, label=body.label, record=record
    )
    log_event(session, kind="client.created", user=user, client_id=client.id)
    return client


def update_client(session: Session, user: User, client: Client, body: ClientUpdate) -> Client:
    """Replace label and profile (``store.Conflict`` on a stale version or a closed client)."""
    record = client_record(body.profile, client_id=client.id)
    store.clients.update_client(
        session, client=client, expected_version=body.version, label=body.label, record=record
    )
    log_event(session, kind="client.updated", user=user, client_id=client.id, version=client.version)
    return client


def set_status(session: Session, user: User, client: Client, new: ClientStatus) -> Client:
    """Pause, resume or close (``store.Conflict`` when the client's status does not allow it)."""
    previous = client.status
    store.clients.set_status(session, client=client, status=new)
    log_event(
        session,
        kind="client.status",
        user=user,
        client_id=client.id,
        previous=previous,
        status=new.value,
    )
    return client


@dataclass(frozen=True)
class Problem:
    """One invalid field: where (``loc`` inside the request body), what kind, in which words.

    ``kind`` is pydantic's error type, or ``"record"`` for a rule of the engine's records;
    ``value`` is the offending input (the engine names it: e.g. one availability line).
    """

    loc: tuple[str | int, ...]
    kind: str
    message: str
    context: dict[str, Any]
    value: Any = None


# Stand-ins for required profile fields that are themselves invalid, so that the engine
# can still check every other field (their own problems are already reported).
_STAND_INS: dict[str, Any] = {
    "modes": ["walk"],
    "availability": ["Mon 09:00-10:00"],
    "home": {"lat": 0.0, "lon": 0.0},
}


def check_client(
    raw: dict[str, Any], *, update: bool
) -> tuple[ClientCreate | ClientUpdate | None, list[Problem]]:
    """Validate a create (or update) request body: the model, or every problem found.

    First the request model (as the JSON API parses it), then the engine's record rules
    (as :func:`api.convert.client_record` applies them) on the fields the model accepted.
    The engine stops at the first bad field, so each bad field found is set aside and the
    record checked again, until it passes.
    """
    model: type[ClientCreate] | type[ClientUpdate] = ClientUpdate if update else ClientCreate
    try:
        parsed = model.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems = [_from_pydantic(e) for e in exc.errors()]
    else:
        problems = []
    profile_raw = raw.get("profile")
    if not isinstance(profile_raw, dict):
        return None, problems
    bad = {p.loc[1] for p in problems if len(p.loc) > 1 and p.loc[0] == "profile"}
    profile = _checkable_profile(profile_raw, bad)
    if profile is not None:
        problems += _record_problems(profile.model_dump(mode="json", exclude_none=True), skip=bad)
    return (parsed if not problems else None), problems


def _from_pydantic(error: Any) -> Problem:
    return Problem(
        loc=tuple(error["loc"]),
        kind=str(error["type"]),
        message=str(error["msg"]),
        context=dict(error.get("ctx") or {}),
        value=error.get("input"),
    )


def _checkable_profile(raw: dict[str, Any], bad: set[Any]) -> ClientProfile | None:
    """The profile without the fields the model refused (stand-ins where one is required)."""
    kept = {k: v for k, v in raw.items() if k not in bad}
    if "zip" in bad and "home" not in kept:
        kept["home"] = _STAND_INS["home"]
    for field in ("modes", "availability", "home"):
        if field in bad and field in _STAND_INS:
            kept[field] = _STAND_INS[field]
    try:
        return ClientProfile.model_validate(kept)
    except pydantic.ValidationError:  # only when a field depends on another refused one
        return None


def _record_problems(profile: dict[str, Any], *, skip: set[Any]) -> list[Problem]:
    record: dict[str, Any] = {**profile, "id": "check"}
    vocab = load_vocabulary()
    found: list[Problem] = []
    for _ in range(len(record) + 60):  # each pass sets one bad field aside
        try:
            client_from_record(record, vocab)
            break
        except ValidationError as exc:
            path = exc.field.split(".")
            if path[0] not in skip:
                found.append(Problem(("profile", *path), "record", exc.message, {}, exc.value))
            if not _set_aside(record, path, exc.value):
                break
    return found


def _set_aside(record: dict[str, Any], path: Sequence[str], value: Any) -> bool:
    """Remove the bad part of ``record`` (False when nothing could be removed)."""
    top = path[0]
    if top == "availability" and isinstance(record.get(top), list) and value in record[top]:
        record[top] = [w for w in record[top] if w != value] or _STAND_INS[top]
        return True
    if len(path) > 1 and isinstance(record.get(top), dict) and path[1] in record[top]:
        del record[top][path[1]]
        return True
    if top in ("home", "zip"):
        record.pop("zip", None)
        record["home"] = _STAND_INS["home"]
        return True
    if top in _STAND_INS and record.get(top) != _STAND_INS[top]:
        record[top] = _STAND_INS[top]
        return True
    return record.pop(top, None) is not None
