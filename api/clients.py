"""Clients on a specialist's caseload: the service behind the JSON routes and the pages.

Both ``api.routes.clients`` and the pages (``api.web.caseload``) create, change and read
clients through these functions, so they store and log the same things. Each function
flushes and logs its audit event; the caller commits (one request, one transaction).

:func:`check_client` validates a whole request the way the JSON API does (the request
model, then the engine's record rules) and gathers *every* problem at once, as the API does, for a form
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
from api.schemas import ClientCreate, ClientPublic, ClientUpdate
from api.store import caseload as caseload_store


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


def check_client(
    raw: dict[str, Any], *, update: bool
) -> tuple[ClientCreate | ClientUpdate | None, list[Problem]]:
    """Validate a create (or update) request body: the model, or every problem found.

    The request model is the JSON API's, and it already reports every problem at once:
    its fields', then the engine's record rules' (kind ``"record"``) on the fields it
    accepted (see ``ClientProfile``).
    """
    model: type[ClientCreate] | type[ClientUpdate] = ClientUpdate if update else ClientCreate
    try:
        return model.model_validate(raw), []
    except pydantic.ValidationError as exc:
        return None, [_from_pydantic(e) for e in exc.errors()]


def _from_pydantic(error: Any) -> Problem:
    return Problem(
        loc=tuple(error["loc"]),
        kind=str(error["type"]),
        message=str(error["msg"]),
        context=dict(error.get("ctx") or {}) if error["type"] != "record" else {},
        value=error.get("input"),
    )
