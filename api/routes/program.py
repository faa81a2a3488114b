"""Program configuration (admin writes; admin and auditor read every version).

:func:`current_config`, :func:`config_problem` and :func:`save_config` are the plain
functions the JSON routes and the admin pages (:mod:`api.web.admin`) share.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from api import store
from api.convert import check_config_values
from api.deps import AdminOrAuditor, AdminUser, SessionDep
from api.models import ProgramConfig, User
from api.program import add_config_version
from api.schemas import ProgramConfigPublic, ProgramConfigsPublic, ProgramConfigUpdate, errors
from matcher.config import MatcherConfig
from matcher.errors import ConfigError

router = APIRouter(prefix="/config", tags=["config"], responses=errors(401, 403))


class ConfigInvalid(Exception):
    """A configuration the engine refuses; ``message`` names the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def config_problem(config: dict[str, Any]) -> str | None:
    """What is wrong with a (partial) configuration, or None when the engine accepts it."""
    try:
        parsed = MatcherConfig.from_dict(config)
        check_config_values(parsed.to_dict(), MatcherConfig().to_dict())
    except (ConfigError, TypeError, ValueError, AttributeError) as exc:
        return str(exc)
    return None


def save_config(session: Session, *, admin: User, config: dict[str, Any], note: str) -> ProgramConfig:
    """Store ``config`` as the next version (``ConfigInvalid`` when refused). The caller commits."""
    problem = config_problem(config)
    if problem is not None:
        raise ConfigInvalid(problem)
    parsed = MatcherConfig.from_dict(config)
    return add_config_version(session, admin=admin, config=parsed, note=note)


def current_config(session: Session) -> ProgramConfigPublic:
    row = store.config.current(session)
    if row is not None:
        return ProgramConfigPublic.model_validate(row)
    default = MatcherConfig()
    return ProgramConfigPublic(
        version=0,
        config=default.to_dict(),
        config_hash=default.config_hash,
        note="engine defaults",
        created_by=None,
        created_at=store.config.EPOCH,
    )


@router.get("")
def read_config(session: SessionDep, _user: AdminOrAuditor) -> ProgramConfigPublic:
    """The configuration in force (version 0 = engine defaults)."""
    return current_config(session)


@router.get("/versions")
def list_config_versions(session: SessionDep, _user: AdminOrAuditor) -> ProgramConfigsPublic:
    """Every stored configuration version, newest first."""
    rows = store.config.list_versions(session)
    return ProgramConfigsPublic(data=[ProgramConfigPublic.model_validate(r) for r in rows], count=len(rows))


@router.put("")
def update_config(session: SessionDep, admin: AdminUser, body: ProgramConfigUpdate) -> ProgramConfigPublic:
    """Store a new configuration version (a partial MatcherConfig; the rest are defaults)."""
    try:
        row = save_config(session, admin=admin, config=body.config, note=body.note)
    except ConfigInvalid as exc:
        raise RequestValidationError(
            [{"loc": ["body", "config"], "msg": exc.message, "type": "value_error"}]
        ) from exc
    session.commit()
    return ProgramConfigPublic.model_validate(row)
