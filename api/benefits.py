"""The benefits figures in force: the packaged years and the years an admin loaded, picked by date.

The engine is given the figures for the as-of date in its configuration
(:func:`config_for`); it never looks them up itself. A year an admin loads is checked by
the engine's rules (:func:`matcher.benefits.check_figures`), stored in the database so every
worker agrees, recorded in the audit trail, and starts a new program configuration version
so that every worker's fitted matcher is replaced and shortlists record the change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import store
from api.events import log_event
from api.models import ProgramConfig, User
from api.program import add_config_version
from api.store import benefits as benefits_store
from matcher.benefits import (
    benefits_from_dict,
    check_figures,
    covers,
    figures_for,
    figures_note,
    packaged_figures,
)
from matcher.config import BenefitsConfig, MatcherConfig

__all__ = ["BenefitsStatus", "config_for", "figures_in_force", "load_figures", "status"]


def _years(session: Session) -> list[BenefitsConfig]:
    """Packaged years, then loaded ones in load order (a later load of a year wins)."""
    loaded = [benefits_from_dict(row.figures) for row in benefits_store.list_loaded(session)]
    return [*packaged_figures(), *loaded]


def figures_in_force(session: Session, as_of: dt.date) -> BenefitsConfig:
    """The figures for ``as_of``: the year covering it, else the newest earlier year."""
    return figures_for(as_of, _years(session))


def config_for(session: Session, row: ProgramConfig | None, as_of: dt.date) -> MatcherConfig:
    """The program configuration ``row`` with the benefits figures for ``as_of``."""
    config = store.config.matcher_config(row)
    return dataclasses.replace(config, benefits=figures_in_force(session, as_of))


@dataclass(frozen=True, slots=True)
class BenefitsStatus:
    """What the admin page and ``GET /api/v1/benefits`` show."""

    as_of: dt.date
    year: int
    effective_from: str
    effective_to: str
    current: bool
    warning: str | None
    years: list[int]

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "as_of": self.as_of.isoformat()}


def status(session: Session, as_of: dt.date) -> BenefitsStatus:
    """Which year's figures are in force on ``as_of``, and the warning when none covers it."""
    years = _years(session)
    figures = figures_for(as_of, years)
    note = figures_note(figures, as_of)
    return BenefitsStatus(
        as_of=as_of,
        year=figures.year,
        effective_from=figures.effective_from,
        effective_to=figures.effective_to,
        current=covers(figures, as_of),
        warning=note[:1].upper() + note[1:] if note else None,
        years=sorted({b.year for b in years}),
    )


def load_figures(session: Session, *, admin: User, raw: Any) -> int:
    """Check and store a year's figures (``BenefitsError`` naming the field when refused); the year.

    Nothing is stored when a field is refused. The caller commits.
    """
    checked = check_figures(raw)
    figures = benefits_from_dict(checked)
    benefits_store.add(session, year=figures.year, figures=checked, created_by=admin.id)
    note = f"benefits figures for {figures.year} loaded"
    log_event(
        session,
        kind="benefits.loaded",
        user=admin,
        year=figures.year,
        effective_from=figures.effective_from,
        effective_to=figures.effective_to,
        source=str(checked["source"])[:200],
    )
    current = store.config.matcher_config(store.config.current(session))
    add_config_version(session, admin=admin, config=current, note=note)
    return figures.year
