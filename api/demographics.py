"""Recording a client's self-reported demographics (specialist, with the client's consent).

The answers go to their own table (``client_demographics``), apart from the matching
profile. Nothing reads them back for one client, the specialist included: the form says
only whether and when answers were recorded, and recording again replaces them. The audit
event says that answers were recorded or withdrawn, never what they were (the chain cannot be
erased, and auditors read it per client).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.events import log_event
from api.models import Client, User
from api.store import outcomes as store


def record(session: Session, *, user: User, client: Client, answers: dict[str, str | None]) -> None:
    """Store the client's answers (consent checked by the caller's schema) and the event."""
    store.put_demographics(session, client_id=client.id, recorded_by=user.id, answers=answers)
    log_event(session, kind="demographics.recorded", user=user, client_id=client.id, consent=True)


def withdraw(session: Session, *, user: User, client: Client) -> bool:
    """Delete the client's answers (consent withdrawn); False when none were recorded."""
    removed = store.delete_demographics(session, client_id=client.id)
    if removed:
        log_event(session, kind="demographics.withdrawn", user=user, client_id=client.id)
    return removed
