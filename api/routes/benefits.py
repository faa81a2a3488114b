"""The SSA benefits figures: which year is in force (admin, auditor) and loading a new year (admin)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.exceptions import RequestValidationError

from api import benefits
from api.deps import AdminOrAuditor, AdminUser, SessionDep, SettingsDep
from api.schemas import errors
from api.schemas.benefits import BenefitsPublic
from matcher.benefits import BenefitsError

router = APIRouter(prefix="/benefits", tags=["config"], responses=errors(401, 403))

FIGURES_EXAMPLE = {
    "source": "SSA 2027 cost-of-living adjustment fact sheet",
    "effective_from": "2027-01-01",
    "effective_to": "2027-12-31",
    "sga_monthly_non_blind": 1750,
    "sga_monthly_blind": 2920,
    "trial_work_month": 1250,
    "ssi_federal_benefit_rate": 1020,
    "ssi_general_income_exclusion": 20,
    "ssi_earned_income_exclusion": 65,
    "ssi_reduction_per_dollar_above_exclusion": 0.5,
    "weeks_per_month": 4.345,
}


@router.get("")
def read_benefits(
    session: SessionDep,
    settings: SettingsDep,
    _user: AdminOrAuditor,
    as_of: Annotated[dt.date | None, Query(description="Default: the service's today.")] = None,
) -> BenefitsPublic:
    """The year of figures in force on ``as_of`` and the warning when no year covers it."""
    return BenefitsPublic(**benefits.status(session, as_of or settings.today()).to_dict())


@router.put("")
def load_benefits(
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    figures: Annotated[dict[str, Any], Body(examples=[FIGURES_EXAMPLE])],
) -> BenefitsPublic:
    """Load a year's figures (the fields of ``data/benefits_us_2026.json``); in force at once."""
    try:
        benefits.load_figures(session, admin=admin, raw=figures)
    except BenefitsError as exc:
        raise RequestValidationError(
            [{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]
        ) from exc
    session.commit()
    return BenefitsPublic(**benefits.status(session, settings.today()).to_dict())
