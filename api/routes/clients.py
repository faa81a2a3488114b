"""Clients on the caller's caseload (specialist). Another caseload's client is a 404.

The work is done by the service (:mod:`api.clients`), which the pages use too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Response, status

from api import clients as service
from api import inferred, store
from api.clients import own_client, public
from api.deps import MatcherDep, SessionDep, SpecialistUser
from api.etag import check_if_match, set_etag
from api.events import log_event
from api.models import Client, ClientStatus, User
from api.schemas import (
    ClientCreate,
    ClientPublic,
    ClientsPublic,
    ClientUpdate,
    InferredStrengthsAccept,
    InferredStrengthsPublic,
    InferredStrengthsRemove,
    errors,
)

__all__ = ["own_client", "router"]  # own_client: the decision and shortlist routes' too

router = APIRouter(prefix="/clients", tags=["clients"], responses=errors(401, 403))

IfMatch = Annotated[str | None, Header(max_length=200, description="ETag of the version edited")]


@router.get("")
def list_clients(
    session: SessionDep,
    user: SpecialistUser,
    status: Literal["active", "paused", "closed"] | None = None,
) -> ClientsPublic:
    """The caller's caseload (logged as a read of each client listed)."""
    clients = service.list_clients(session, user, status=status)
    session.commit()
    return ClientsPublic(data=[public(c) for c in clients], count=len(clients))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_client(
    session: SessionDep, user: SpecialistUser, body: ClientCreate, response: Response
) -> ClientPublic:
    """Add a client to the caller's caseload; the id is assigned."""
    client = service.create_client(session, user, body)
    session.commit()
    set_etag(response, client.version)
    return public(client)


@router.get("/{client_id}", responses=errors(404))
def read_client(
    session: SessionDep, user: SpecialistUser, client_id: str, response: Response
) -> ClientPublic:
    """One client, with an ``ETag`` to send back as ``If-Match`` when editing."""
    client = service.read_client(session, user, client_id)
    session.commit()
    set_etag(response, client.version)
    return public(client)


@router.put("/{client_id}", responses=errors(404, 409, 412))
def update_client(
    session: SessionDep,
    user: SpecialistUser,
    client_id: str,
    body: ClientUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ClientPublic:
    """Replace label and profile. A stale ``version`` is a 409, a stale ``If-Match`` a 412."""
    client = own_client(session, user, client_id)
    check_if_match(if_match, client.version)
    service.update_client(session, user, client, body)
    session.commit()
    set_etag(response, client.version)
    return public(client)


def _set_status(
    session: SessionDep,
    user: User,
    client_id: str,
    new: ClientStatus,
    if_match: str | None,
    response: Response,
) -> ClientPublic:
    client = own_client(session, user, client_id)
    check_if_match(if_match, client.version)
    service.set_status(session, user, client, new)
    session.commit()
    set_etag(response, client.version)
    return public(client)


@router.post("/{client_id}/pause", responses=errors(404, 409, 412))
def pause_client(
    session: SessionDep,
    user: SpecialistUser,
    client_id: str,
    response: Response,
    if_match: IfMatch = None,
) -> ClientPublic:
    """Pause an active client (no shortlists until resumed)."""
    return _set_status(session, user, client_id, ClientStatus.PAUSED, if_match, response)


@router.post("/{client_id}/resume", responses=errors(404, 409, 412))
def resume_client(
    session: SessionDep,
    user: SpecialistUser,
    client_id: str,
    response: Response,
    if_match: IfMatch = None,
) -> ClientPublic:
    """Make a paused client active again."""
    return _set_status(session, user, client_id, ClientStatus.ACTIVE, if_match, response)


@router.post("/{client_id}/close", responses=errors(404, 409, 412))
def close_client(
    session: SessionDep,
    user: SpecialistUser,
    client_id: str,
    response: Response,
    if_match: IfMatch = None,
) -> ClientPublic:
    """Close a client's case (final: no more edits, shortlists or decisions)."""
    return _set_status(session, user, client_id, ClientStatus.CLOSED, if_match, response)


def _inferred(session: SessionDep, cache: MatcherDep, client: Client) -> InferredStrengthsPublic:
    engine_client = inferred.engine_client(session, occupations=cache.occupations, client_row=client)
    data = inferred.with_sources(cache.occupations, engine_client)
    return InferredStrengthsPublic(
        client_id=client.id,
        version=client.version,
        occupation_store=cache.occupations is not None,
        data=data,
        count=len(data),
        removed=store.inferred.removed_phrases(session, client_id=client.id),
    )


@router.get("/{client_id}/inferred-strengths", responses=errors(404))
def read_inferred_strengths(
    session: SessionDep, user: SpecialistUser, cache: MatcherDep, client_id: str, response: Response
) -> InferredStrengthsPublic:
    """Strengths inferred from the client's past job titles (O*NET), with their source titles."""
    client = own_client(session, user, client_id)
    body = _inferred(session, cache, client)
    log_event(session, kind="client.read", user=user, client_id=client.id, part="inferred_strengths")
    session.commit()
    set_etag(response, client.version)
    return body


@router.post("/{client_id}/inferred-strengths/accept", responses=errors(404, 409, 412))
def accept_inferred_strengths(
    session: SessionDep,
    user: SpecialistUser,
    cache: MatcherDep,
    client_id: str,
    body: InferredStrengthsAccept,
    response: Response,
    if_match: IfMatch = None,
) -> ClientPublic:
    """Move inferred strengths into the client's own ``strengths`` (a new client version)."""
    client = own_client(session, user, client_id)
    check_if_match(if_match, client.version)
    current = [s.phrase for s in _inferred(session, cache, client).data]
    phrases = inferred.pick(body.phrases, current)
    record = inferred.accepted_record(client, phrases)
    store.clients.update_client(
        session, client=client, expected_version=body.version, label=client.label, record=record
    )
    log_event(
        session,
        kind="client.strengths_accepted",
        user=user,
        client_id=client.id,
        phrases=phrases,
        version=client.version,
    )
    session.commit()
    set_etag(response, client.version)
    return public(client)


@router.post("/{client_id}/inferred-strengths/remove", responses=errors(404, 409))
def remove_inferred_strengths(
    session: SessionDep,
    user: SpecialistUser,
    cache: MatcherDep,
    client_id: str,
    body: InferredStrengthsRemove,
) -> InferredStrengthsPublic:
    """Remove inferred strengths: they are remembered for this client and not inferred again."""
    client = own_client(session, user, client_id)
    if client.status == ClientStatus.CLOSED:
        raise store.Conflict("Client is closed")
    before = _inferred(session, cache, client)
    phrases = inferred.pick(body.phrases, [s.phrase for s in before.data] + before.removed)
    added = store.inferred.remove_phrases(session, client_id=client.id, phrases=phrases, user_id=user.id)
    log_event(
        session,
        kind="client.strengths_removed",
        user=user,
        client_id=client.id,
        phrases=phrases,
        newly_removed=added,
    )
    session.commit()
    return _inferred(session, cache, client)
