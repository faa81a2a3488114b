"""Free-text notes kept outside the immutable chain, so one can be redacted on a lawful request.

The chain event holds ``note_id`` and ``note_sha256`` = SHA-256 of ``salt + text``
with a random 32-byte salt per note (a short note such as "ok" cannot be found by
hashing guesses). The text lives in ``audit_notes``. Redacting replaces the text
by :data:`REDACTED` and appends a ``note.redacted`` event; verification then
accepts the marker for that note, and reports any note blanked without one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from sqlalchemy.orm import Session

from api.audit.models import AuditNote
from api.audit.write import append_event

REDACTED = "[redacted]"

# Every free-text field an event may carry, and the payload keys that replace it in the chain
# (its note id and salted hash). Declared once: log_event moves them out, verify checks them.
FREE_TEXT: dict[str, tuple[str, str]] = {
    "note": ("note_id", "note_sha256"),
    "source_reason": ("source_reason_note_id", "source_reason_sha256"),
}


def note_digest(salt: str, text: str) -> str:
    """SHA-256 (hex) of the salt followed by the note's UTF-8 text."""
    return hashlib.sha256(salt.encode("utf-8") + text.encode("utf-8")).hexdigest()


def store_note(session: Session, *, text: str) -> tuple[str, str]:
    """Keep ``text`` in ``audit_notes``; returns ``(note_id, note_sha256)`` for the chain event."""
    note = AuditNote(id=str(uuid.uuid4()), salt=secrets.token_hex(32), text=text)
    session.add(note)
    session.flush()
    return note.id, note_digest(note.salt, text)


def get_note(session: Session, note_id: str) -> AuditNote | None:
    return session.get(AuditNote, note_id)


def redact_note(session: Session, *, note: AuditNote, actor: str, reason: str) -> None:
    """Replace the note's text by the marker and record the redaction in the chain (flushed)."""
    note.text = REDACTED
    note.redacted_at = dt.datetime.now(dt.UTC)
    note.redacted_by = actor
    session.flush()
    append_event(
        session,
        kind="note.redacted",
        actor=actor,
        payload={"redacted_note_id": note.id, "reason": reason},
    )
