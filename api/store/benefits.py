"""Benefits figures loaded by an admin (one row per load; the newest load of a year wins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import BenefitsFigures


def list_loaded(session: Session) -> list[BenefitsFigures]:
    """Every load, oldest first (so a later load of the same year comes later)."""
    return list(session.scalars(select(BenefitsFigures).order_by(BenefitsFigures.id)))


def add(session: Session, *, year: int, figures: dict[str, Any], created_by: int | None) -> BenefitsFigures:
    row = BenefitsFigures(year=year, figures=figures, created_by=created_by)
    session.add(row)
    session.flush()
    return row
