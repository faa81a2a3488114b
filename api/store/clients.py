"""Clients on specialists' caseloads."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Client, ClientStatus, utcnow
from api.store.common import Conflict


def get_client(session: Session, *, client_id: str, specialist_id: int | None) -> Client | None:
    """A client, or None when missing or (given ``specialist_id``) on another caseload."""
    client = session.get(Client, client_id)
    if client is None or (specialist_id is not None and client.specialist_id != specialist_id):
        return None
    return client


def get_clients(session: Session, *, ids: Collection[str]) -> list[Client]:
    """The clients with these ids that exist (any caseload, any status), in id order."""
    wanted, out = sorted(set(ids)), list[Client]()
    for start in range(0, len(wanted), 500):
        query = select(Client).where(Client.id.in_(wanted[start : start + 500])).order_by(Client.id)
        out.extend(session.scalars(query))
    return out


def count_clients(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Client)) or 0)


def list_clients(session: Session, *, specialist_id: int | None, status: str | None = None) -> list[Client]:
    query = select(Client).order_by(Client.created_at, Client.id)
    if specialist_id is not None:
        query = query.where(Client.specialist_id == specialist_id)
    if status is not None:
        query = query.where(Client.status == status)
    return list(session.scalars(query))


def create_client(
    session: Session, *, client_id: str, specialist_id: int, label: str, record: dict[str, Any]
) -> Client:
    client = Client(id=client_id, specialist_id=specialist_id, label=label, record=record)
    session.add(client)
    session.flush()
    return client


def check_version(client: Client | Any, *, expected: int) -> None:
    """Refuse a change made against another version than the stored one."""
    if client.version != expected:
        raise Conflict(f"Version mismatch: current version is {client.version}")


def update_client(
    session: Session, *, client: Client, expected_version: int, label: str, record: dict[str, Any]
) -> Client:
    """Replace label and record; a concurrent writer makes the flush raise StaleDataError."""
    check_version(client, expected=expected_version)
    if client.status == ClientStatus.CLOSED:
        raise Conflict("Client is closed")
    client.label = label
    client.record = record
    client.updated_at = utcnow()
    session.flush()
    return client


_TRANSITIONS = {
    ClientStatus.PAUSED: {ClientStatus.ACTIVE},
    ClientStatus.ACTIVE: {ClientStatus.PAUSED},
    ClientStatus.CLOSED: {ClientStatus.ACTIVE, ClientStatus.PAUSED},
}


def set_status(session: Session, *, client: Client, status: ClientStatus) -> Client:
    """Pause, resume or close a client (closed is final)."""
    if ClientStatus(client.status) not in _TRANSITIONS[status]:
        raise Conflict(f"Client is {client.status}")
    client.status = status.value
    client.updated_at = utcnow()
    session.flush()
    return client


def reassign(session: Session, *, client: Client, specialist_id: int) -> Client:
    client.specialist_id = specialist_id
    client.updated_at = utcnow()
    session.flush()
    return client
