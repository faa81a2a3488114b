"""Program configuration (admin writes; admin and auditor read every version)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError

from api import store
from api.convert import check_config_values
from api.deps import AdminOrAuditor, AdminUser, SessionDep
from api.events import log_event
from api.schemas import ProgramConfigPublic, ProgramConfigsPublic, ProgramConfigUpdate, errors
from matcher.config import MatcherConfig
from matcher.errors import ConfigError

router = APIRouter(prefix="/config", tags=["config"], responses=errors(401, 403))


def _current(session: SessionDep) -> ProgramConfigPublic:
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
    return _current(session)


@router.get("/versions")
def list_config_versions(session: SessionDep, _user: AdminOrAuditor) -> ProgramConfigsPublic:
    """Every stored configuration version, newest first."""
    rows = store.config.list_versions(session)
    return ProgramConfigsPublic(data=[ProgramConfigPublic.model_validate(r) for r in rows], count=len(rows))


@router.put("")
def update_config(session: SessionDep, admin: AdminUser, body: ProgramConfigUpdate) -> ProgramConfigPublic:
    """Store a new configuration version (a partial MatcherConfig; the rest are defaults)."""
    try:
        config = MatcherConfig.from_dict(body.config)
        check_config_values(config.to_dict(), MatcherConfig().to_dict())
    except (ConfigError, TypeError, ValueError, AttributeError) as exc:
        raise RequestValidationError(
            [{"loc": ["body", "config"], "msg": str(exc), "type": "value_error"}]
        ) from exc
    row = store.config.add_version(session, config=config, note=body.note, created_by=admin.id)
    log_event(
        session,
        kind="config.updated",
        user=admin,
        version=row.version,
        config_hash=row.config_hash,
        note=body.note,
    )
    session.commit()
    return ProgramConfigPublic.model_validate(row)
