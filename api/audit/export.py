"""The audit trail as CSV for auditors: every matching event with its hashes."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.orm import Session

from api.audit import store
from api.audit.chain import utc_text
from matcher.csvout import rows_to_csv

CSV_COLUMNS = (
    "seq",
    "at",
    "actor",
    "kind",
    "client_id",
    "opening_id",
    "payload",
    "prev_hash",
    "hash",
)


def export_events_csv(
    session: Session,
    *,
    client_id: str | None = None,
    opening_id: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> str:
    """CSV of the matching events with their hashes (all of them unless ``limit`` is given).

    Text cells that a spreadsheet would run as a formula get a leading ``'``
    (:func:`matcher.csvout.rows_to_csv`, the one CSV writer).
    """
    events = store.list_events(
        session,
        client_id=client_id,
        opening_id=opening_id,
        actor=actor,
        kind=kind,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    rows = (
        [
            event.seq,
            utc_text(event.at),
            event.actor or "",
            event.kind,
            event.client_id or "",
            event.opening_id or "",
            json.dumps(event.payload, sort_keys=True, ensure_ascii=False),
            event.prev_hash,
            event.hash,
        ]
        for event in events
    )
    return rows_to_csv(CSV_COLUMNS, rows)
