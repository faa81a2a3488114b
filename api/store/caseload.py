"""What a caseload list shows of each client: its latest shortlist and its open decisions.

Reads only, for a page of clients at a time (ids in batches of 500).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit.models import RecommendationRecord
from api.models import Decision
from api.store.decisions import RESTORE

_BATCH = 500


def latest_shortlists(
    session: Session, *, client_ids: Collection[str], kind: str | None = None
) -> dict[str, dict[str, Any]]:
    """Per client, the shortlist of its newest recommendation record (of ``kind``, if given)."""
    out: dict[str, dict[str, Any]] = {}
    wanted = sorted(set(client_ids))
    for start in range(0, len(wanted), _BATCH):
        newest = select(func.max(RecommendationRecord.event_seq)).where(
            RecommendationRecord.client_id.in_(wanted[start : start + _BATCH])
        )
        if kind is not None:
            newest = newest.where(RecommendationRecord.kind == kind)
        query = select(RecommendationRecord.client_id, RecommendationRecord.shortlist).where(
            RecommendationRecord.event_seq.in_(newest.group_by(RecommendationRecord.client_id))
        )
        out.update((str(c), dict(s or {})) for c, s in session.execute(query))
    return out


def decided_openings(session: Session, *, client_ids: Collection[str]) -> dict[str, set[str]]:
    """Per client, the openings whose latest decision stands (anything but a restored rejection)."""
    state: dict[tuple[str, str], str] = {}
    wanted = sorted(set(client_ids))
    for start in range(0, len(wanted), _BATCH):
        query = (
            select(Decision.client_id, Decision.opening_id, Decision.action)
            .where(Decision.client_id.in_(wanted[start : start + _BATCH]))
            .order_by(Decision.id)
        )
        for client_id, opening_id, action in session.execute(query):
            state[(client_id, opening_id)] = action
    out: dict[str, set[str]] = {}
    for (client_id, opening_id), action in state.items():
        if action != RESTORE:
            out.setdefault(client_id, set()).add(opening_id)
    return out
