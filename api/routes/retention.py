"""The retention model's weight proposal (admins and auditors read; admins promote)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from api import retention
from api.deps import AdminOrAuditor, AdminUser, SessionDep, SettingsDep
from api.retention import models_dir_of
from api.schemas import ProgramConfigPublic, errors
from api.schemas.retention import RetentionPromote, RetentionProposalPublic

router = APIRouter(prefix="/retention", tags=["retention"], responses=errors(401, 403))


def get_models_dir(settings: SettingsDep) -> Path:
    """Where the retention model is read from: the service's own writable folder, ``var/models``."""
    return models_dir_of(settings)


ModelsDir = Annotated[Path, Depends(get_models_dir)]


@router.get("/proposal")
def read_proposal(
    session: SessionDep, _user: AdminOrAuditor, models_dir: ModelsDir
) -> RetentionProposalPublic:
    """The trained model's report and the weights it proposes from the weights in force."""
    return RetentionProposalPublic.model_validate(retention.proposal(session, models_dir=models_dir))


@router.post("/proposal/promote", status_code=status.HTTP_201_CREATED, responses=errors(409))
def promote_proposal(
    session: SessionDep, admin: AdminUser, models_dir: ModelsDir, body: RetentionPromote
) -> ProgramConfigPublic:
    """Store the proposed weights as a new configuration version (audited with the model version)."""
    try:
        row = retention.promote(session, admin=admin, model_version=body.model_version, models_dir=models_dir)
    except retention.NoProposal as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    session.commit()
    retention.rewrite_card(session, models_dir=models_dir)
    return ProgramConfigPublic.model_validate(row)
