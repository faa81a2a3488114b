"""Audit events the routes append (in the same transaction as the change they record)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.audit import append_event
from api.audit.notes import store_note
from api.models import User


def log_event(
    session: Session,
    *,
    kind: str,
    user: User | None,
    client_id: str | None = None,
    opening_id: str | None = None,
    **payload: Any,
) -> None:
    """Append one chain event: who (username), what (``kind``), to which client/opening.

    A non-empty free-text ``note`` is not put in the (unerasable) chain: it is kept in
    ``audit_notes`` and the event holds ``note_id`` and its salted hash ``note_sha256``.
    """
    note = payload.pop("note", None)
    if isinstance(note, str) and note:
        payload["note_id"], payload["note_sha256"] = store_note(session, text=note)
    elif note is not None:
        payload["note"] = note
    append_event(
        session,
        kind=kind,
        actor=user.username if user is not None else None,
        client_id=client_id,
        opening_id=opening_id,
        payload=payload,
    )
