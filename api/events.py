"""Audit events the routes append (in the same transaction as the change they record)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.audit import append_event
from api.audit.notes import FREE_TEXT, store_note
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

    Non-empty free text (``note``, ``source_reason``: ``notes.FREE_TEXT``) is not put in the
    (unerasable) chain: it is kept in ``audit_notes`` and the event holds its id and salted hash.
    """
    for field, (id_key, hash_key) in FREE_TEXT.items():
        text = payload.pop(field, None)
        if isinstance(text, str) and text:
            payload[id_key], payload[hash_key] = store_note(session, text=text)
        elif text is not None:
            payload[field] = text
    append_event(
        session,
        kind=kind,
        actor=user.username if user is not None else None,
        client_id=client_id,
        opening_id=opening_id,
        payload=payload,
    )
