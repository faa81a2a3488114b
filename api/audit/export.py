"""The audit trail as CSV for auditors: every matching event with its hashes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from sqlalchemy.orm import Session

from api.audit import store
from api.audit.chain import utc_text

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
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


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

    Text cells that a spreadsheet would run as a formula get a leading ``'``.
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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(
            [
                event.seq,
                utc_text(event.at),
                _cell(event.actor),
                _cell(event.kind),
                _cell(event.client_id),
                _cell(event.opening_id),
                json.dumps(event.payload, sort_keys=True, ensure_ascii=False),
                event.prev_hash,
                event.hash,
            ]
        )
    return out.getvalue()
