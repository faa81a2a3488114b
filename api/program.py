"""A new program configuration version and its audit event: the one way either is written.

``PUT /api/v1/config``, the admin's settings page and loading a year of benefits figures all
store a version through :func:`add_config_version`, so every version has its ``config.updated``
event. The caller commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import store
from api.events import log_event
from api.models import ProgramConfig, User
from matcher.config import MatcherConfig


def add_config_version(session: Session, *, admin: User, config: MatcherConfig, note: str) -> ProgramConfig:
    """Store ``config`` as the next version and record it in the audit trail."""
    row = store.config.add_version(session, config=config, note=note, created_by=admin.id)
    log_event(
        session,
        kind="config.updated",
        user=admin,
        version=row.version,
        config_hash=row.config_hash,
        note=note,
    )
    return row
