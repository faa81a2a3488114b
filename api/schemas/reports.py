"""Request and response models of the outcome reports and the fairness audit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core.core_schema import ValidationInfo

from api.schemas.common import Strict
from matcher.outcomes.groups import ATTRIBUTES


def _choice(attribute: str) -> Any:
    question, choices = ATTRIBUTES[attribute]
    return Field(
        default=None,
        description=f"{question}: one of {', '.join(choices)}; null or absent: not stated.",
        json_schema_extra={"enum": [*choices, None]},
    )


class DemographicsUpdate(Strict):
    """A client's self-reported answers, recorded with their consent (each optional)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "consent": True,
                    "sex": "female",
                    "race_ethnicity": None,
                    "age_band": "25_34",
                    "disability": None,
                }
            ]
        }
    )

    consent: bool = Field(description="The client agreed to record these answers (must be true).")
    sex: Annotated[str | None, _choice("sex")]
    race_ethnicity: Annotated[str | None, _choice("race_ethnicity")]
    age_band: Annotated[str | None, _choice("age_band")]
    disability: Annotated[str | None, _choice("disability")]

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise ValueError("the client's consent is required to record demographics")
        return value

    @field_validator("sex", "race_ethnicity", "age_band", "disability")
    @classmethod
    def _known(cls, value: str | None, info: ValidationInfo) -> str | None:
        choices = ATTRIBUTES[str(info.field_name)][1]
        if value is not None and value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)} (or null: not stated)")
        return value

    def answers(self) -> dict[str, str | None]:
        return {a: getattr(self, a) for a in ATTRIBUTES}


class OutcomeRow(BaseModel):
    """The outcome figures of one group (the program, a specialist, a month or a quarter)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    group: str
    """The program, the specialist's name, or the period (2026-03, 2026Q1)."""
    period_start: dt.date | None
    """First day counted (null: from the start)."""
    period_end: dt.date | None
    """Last day counted (null: up to the report date)."""
    clients_served: int
    """Clients enrolled on or before the period's end."""
    clients_employed_cie: int
    """Served clients with a competitive integrated job at any time in the period."""
    cie_share: float | None
    """clients_employed_cie / clients_served."""
    first_jobs: int
    """Clients whose first job after enrolment started in the period."""
    days_to_first_job_median: float | None
    """Median days from enrolment to that first job."""
    jobs_started: int
    """Jobs started in the period."""
    weekly_hours_median: float | None
    """Median weekly hours of those jobs (recorded values only)."""
    hourly_wage_median: float | None
    """Median hourly wage of those jobs (recorded values only)."""
    tenure_median_days: float | None
    """Kaplan-Meier median tenure in days of those jobs (ongoing jobs censored at the report date)."""
    tenure_median_reached: bool
    """False when fewer than half have ended: the median is then more than tenure_median_days."""
    tenure_jobs_ended: int
    """How many of those jobs have ended (the events of the estimate)."""
    jobs_with_stated_areas: int
    """Jobs started in the period by clients who stated kinds of work or industries."""
    in_stated_area_share: float | None
    """Share of those jobs in the client's stated areas."""
    jobs_ended: int
    """Jobs that ended in the period."""
    endings: dict[str, int]
    """Jobs that ended in the period, by separation reason."""


class CaseloadSize(BaseModel):
    """One specialist's active caseload beside the IPS limit of 20."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    specialist: str
    """The specialist's display name."""
    active_clients: int
    """Clients on the caseload who are not closed."""
    within_limit: bool = Field(description="20 active clients or fewer (IPS fidelity).")


class OutcomesPublic(BaseModel):
    """An outcome report: the caller's caseload (specialist) or the whole program."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    by: str
    """How the rows are grouped: program, specialist, month or quarter."""
    as_of: dt.date
    """The report date: ongoing jobs are censored here."""
    program_wide: bool
    """True for the whole program (admins, auditors); false for the caller's own caseload."""
    rows: list[OutcomeRow]
    """One row per group, in order."""
    caseloads: list[CaseloadSize]
    """Active caseload per specialist (IPS fidelity: 20 or fewer)."""


class ImpactRatio(BaseModel):
    """One group's selection rate and impact ratio (figures null when suppressed)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    selection: str
    """The selection: suggested (at least one suggestion), approved (by the specialist) or hired."""
    grouping: str
    """The attribute or intersection the groups come from (e.g. sex, sex x race_ethnicity)."""
    group: str
    """The group's code within the grouping."""
    group_words: str
    """The group in words."""
    n: int | None
    """Clients in the group (null when suppressed)."""
    rate: float | None
    """Share of the group selected (null when suppressed)."""
    impact_ratio: float | None
    """The group's rate over the highest group's rate (null when suppressed or not compared)."""
    ci_low: float | None
    """Lower end of the 95% bootstrap interval of the impact ratio."""
    ci_high: float | None
    """Upper end of the 95% bootstrap interval of the impact ratio."""
    reference: str | None
    """The highest-rate group the ratio is taken against."""
    suppressed: bool
    """Fewer clients than the minimum group size: no figures shown."""
    compared: bool
    """Whether the group is compared ("Not stated" is shown, never compared)."""
    under_four_fifths: bool
    """The impact ratio is under 0.8."""
    flag: bool
    """The whole interval is under 0.8: a flag for review (four-fifths rule), not a verdict."""


class ScoreByGroup(BaseModel):
    """One group's median best-suggestion score (null when suppressed)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    grouping: str
    """The attribute or intersection the groups come from."""
    group: str
    """The group's code within the grouping."""
    group_words: str
    """The group in words."""
    n: int | None
    """Clients in the group with a suggestion (null when suppressed)."""
    median_score: float | None
    """Median score of the group's best suggestion."""
    ci_low: float | None
    """Lower end of the 95% bootstrap interval of the median."""
    ci_high: float | None
    """Upper end of the 95% bootstrap interval of the median."""
    difference: float | None
    """The group's median minus the highest group's median (score points)."""
    suppressed: bool
    """Fewer clients than the minimum group size: no figures shown."""
    under_four_fifths: bool
    """The group's median is under 0.8 of the highest group's."""


class FairnessPublic(BaseModel):
    """The fairness audit of the program: aggregates only, never one client."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    clients: int
    """Clients in the program."""
    with_answers: int
    """Clients who gave at least one answer."""
    min_group: int
    """Groups smaller than this are suppressed."""
    impact_ratios: list[ImpactRatio]
    """Impact ratios per selection, grouping and group."""
    scores: list[ScoreByGroup]
    """Best-suggestion scores compared by group."""
