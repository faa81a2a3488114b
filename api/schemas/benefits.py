"""The benefits figures in force (``GET /api/v1/benefits``) and a year loaded by an admin."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class BenefitsPublic(BaseModel):
    """Which year's SSA figures the explanations use on ``as_of``, and whether they cover it."""

    as_of: dt.date = Field(description="The date asked about (default: the service's today).")
    year: int = Field(description="The year of the figures in force.")
    effective_from: str = Field(description="First day the figures apply (YYYY-MM-DD).")
    effective_to: str = Field(description="Last day the figures apply (YYYY-MM-DD).")
    current: bool = Field(description="False: no figures cover as_of; the nearest earlier year is used.")
    warning: str | None = Field(description="The plain warning shown when the figures are out of date.")
    years: list[int] = Field(description="Every year of figures available (packaged or loaded).")
