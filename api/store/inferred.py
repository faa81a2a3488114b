"""Inferred strengths a specialist removed for a client (so they are not inferred again)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import RemovedStrength


def removed_phrases(session: Session, *, client_id: str) -> list[str]:
    """The phrases removed for a client, oldest first."""
    query = (
        select(RemovedStrength.phrase)
        .where(RemovedStrength.client_id == client_id)
        .order_by(RemovedStrength.removed_at, RemovedStrength.phrase_key)
    )
    return list(session.scalars(query))


def remove_phrases(session: Session, *, client_id: str, phrases: Iterable[str], user_id: int) -> list[str]:
    """Remember ``phrases`` as removed (case-insensitive); returns those not removed before."""
    known = {p.casefold() for p in removed_phrases(session, client_id=client_id)}
    added: list[str] = []
    for phrase in phrases:
        key = phrase.casefold()
        if key in known:
            continue
        known.add(key)
        session.add(RemovedStrength(client_id=client_id, phrase_key=key, phrase=phrase, removed_by=user_id))
        added.append(phrase)
    session.flush()
    return added
