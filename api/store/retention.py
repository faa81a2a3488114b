"""Placements with their client and opening records, for the retention model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from api.models import Client, Opening, Placement


def placed_pairs(session: Session) -> Sequence[Row[dt.date, dt.date | None, str, str | None]]:
    """Rows ``start_date, end_date, client_id, opening_id`` of placements at an opening, oldest first."""
    stmt = (
        select(Placement.start_date, Placement.end_date, Placement.client_id, Placement.opening_id)
        .where(Placement.opening_id.is_not(None))
        .order_by(Placement.start_date, Placement.id)
    )
    return session.execute(stmt).all()


def client_records(session: Session, *, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows = session.execute(select(Client.id, Client.record).where(Client.id.in_(ids)))
    return {r.id: r.record for r in rows}


def opening_records(session: Session) -> list[dict[str, Any]]:
    """Every opening's record, whatever its status (a placed one is often filled or closed now)."""
    return list(session.scalars(select(Opening.record).order_by(Opening.created_at, Opening.id)))
