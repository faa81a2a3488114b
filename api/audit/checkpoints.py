"""Signed checkpoints of the chain head: what makes cutting off the newest events visible.

A hash chain alone cannot tell a chain whose newest events were deleted from a
shorter chain. A checkpoint notes the head ``(seq, hash)`` at a moment and signs
it with HMAC-SHA256 under a key kept *outside* the database (``Settings.audit_key``):
someone who can write the database but not read the key can neither forge a
checkpoint nor move one. :func:`api.audit.verify.verify_chain` checks that the
chain still holds every checkpoint's ``(seq, hash)``. Events written after the
newest checkpoint can still be removed unseen; checkpoint often (each nightly run
does; ``placement-api audit checkpoint`` from cron) and copy the printed
``SEQ:HASH`` somewhere else (``python -m api.audit verify --anchor SEQ:HASH``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import store
from api.audit.chain import utc_text
from api.audit.models import AuditCheckpoint

_log = logging.getLogger(__name__)

_DOMAIN = b"placement-matcher audit checkpoint v1"


def key_id(key: bytes) -> str:
    """A short public name of ``key`` (its hash, never the key itself)."""
    return hashlib.sha256(b"key-id:" + key).hexdigest()[:16]


def signature(key: bytes, *, seq: int, head_hash: str, at: dt.datetime, reason: str) -> str:
    """HMAC-SHA256 over the checkpoint's fields (hex)."""
    message = b"\n".join(
        [_DOMAIN, str(seq).encode(), head_hash.encode(), utc_text(at).encode(), reason.encode()]
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def write_checkpoint(session: Session, *, key: bytes, reason: str) -> AuditCheckpoint | None:
    """Sign and store the current chain head (flushed, not committed); None for an empty chain.

    Takes the chain lock, so the head cannot move between reading and signing it.
    """
    store.lock_chain(session)
    head = store.chain_head(session)
    if head is None:
        return None
    seq, head_hash = head
    at = dt.datetime.now(dt.UTC)
    row = AuditCheckpoint(
        seq=seq,
        hash=head_hash,
        at=at,
        reason=reason,
        key_id=key_id(key),
        signature=signature(key, seq=seq, head_hash=head_hash, at=at, reason=reason),
    )
    session.add(row)
    session.flush()
    _log.info("audit checkpoint at seq %d (%s)", seq, reason)
    return row


def list_checkpoints(session: Session) -> list[AuditCheckpoint]:
    """Every checkpoint, oldest first."""
    return list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The checkpoint of the highest seq (the newest one when several share it)."""
    stmt = select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
    return session.scalars(stmt.limit(1)).first()


@dataclass(frozen=True)
class CheckedCheckpoints:
    """Checkpoints split by their signature: ``anchors`` (seq -> hash) are the genuine ones."""

    anchors: dict[int, str]
    forged: tuple[int, ...]  # seqs of checkpoints whose signature does not check out
    latest_seq: int | None


def check_signatures(rows: Sequence[AuditCheckpoint], *, key: bytes | None) -> CheckedCheckpoints:
    """Which checkpoints were signed with ``key`` (without a key, every one counts as forged)."""
    anchors: dict[int, str] = {}
    forged: list[int] = []
    for row in rows:
        expected = (
            signature(key, seq=row.seq, head_hash=row.hash, at=row.at, reason=row.reason)
            if key is not None
            else ""
        )
        if key is None or not hmac.compare_digest(expected, row.signature):
            forged.append(row.seq)
        elif anchors.setdefault(row.seq, row.hash) != row.hash:
            forged.append(row.seq)  # two genuine checkpoints cannot disagree; count it as forged
    latest = max(anchors) if anchors else None
    return CheckedCheckpoints(anchors=anchors, forged=tuple(sorted(forged)), latest_seq=latest)
