"""The benefits figures in force (``GET /api/v1/benefits``) and a year loaded by an admin."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class BenefitsPublic(BaseModel):
    """Which year's SSA figures the explanations use on ``as_of``, and whether they cover it."""

    as_of: dt.date
    year: int = Field(description="The year of the figures in force.")
    effective_from: str
    effective_to: str
    current: bool = Field(description="False: no figures cover as_of; the nearest earlier year is used.")
    warning: str | None = Field(description="The plain warning shown when the figures are out of date.")
    years: list[int] = Field(description="Every year of figures available (packaged or loaded).")
