"""Versioned program configuration (the MatcherConfig in force)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import ProgramConfig
from matcher.config import MatcherConfig


def current(session: Session) -> ProgramConfig | None:
    """The newest configuration version, or None when the defaults are in force."""
    return session.scalar(select(ProgramConfig).order_by(ProgramConfig.version.desc()).limit(1))


def current_version(session: Session) -> int:
    """Version number in force (0: engine defaults)."""
    return int(session.scalar(select(func.max(ProgramConfig.version))) or 0)


def matcher_config(row: ProgramConfig | None) -> MatcherConfig:
    return MatcherConfig() if row is None else MatcherConfig.from_dict(row.config)


def list_versions(session: Session) -> list[ProgramConfig]:
    return list(session.scalars(select(ProgramConfig).order_by(ProgramConfig.version.desc())))


def add_version(
    session: Session, *, config: MatcherConfig, note: str, created_by: int | None
) -> ProgramConfig:
    """Store ``config`` as the next version (the full dict, so defaults are pinned)."""
    stored: dict[str, Any] = config.to_dict()
    row = ProgramConfig(
        version=current_version(session) + 1,
        config=stored,
        config_hash=config.config_hash,
        note=note,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row


# created_at shown for version 0 (the engine defaults were never stored).
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
