"""Outcome reports for pages and routes: who sees which clients, the frames, the CSV.

A specialist's report covers their own caseload only; admins and auditors see the whole
program. The figures are computed by :mod:`matcher.outcomes` from the rows of
:mod:`api.store.outcomes`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd
from fastapi import HTTPException
from sqlalchemy.orm import Session

from api.models import ClientStatus, Role, User
from api.store import outcomes as store
from matcher.config import ScoringConfig
from matcher.csvout import rows_to_csv
from matcher.outcomes import StatedAreas, caseload_sizes, in_stated_areas, outcome_table, stated_areas
from matcher.outcomes.report import GROUPINGS, Program, prepare_program
from matcher.vocab import Vocabulary, load_vocabulary

#: The columns of the CSV export, before one ``ended_<reason>`` column per separation reason.
CSV_COLUMNS = (
    "group",
    "period_start",
    "period_end",
    "clients_served",
    "clients_employed_cie",
    "cie_share",
    "first_jobs",
    "days_to_first_job_median",
    "jobs_started",
    "weekly_hours_median",
    "hourly_wage_median",
    "tenure_median_days",
    "tenure_median_reached",
    "tenure_jobs_ended",
    "jobs_with_stated_areas",
    "in_stated_area_share",
    "jobs_ended",
)
CUTOFF = ScoringConfig().phrase_cutoff
ACTIVE = ClientStatus.ACTIVE.value


@cache
def _vocab() -> Vocabulary:
    return load_vocabulary()


@cache
def _stated(interests: tuple[str, ...], industries: tuple[str, ...]) -> StatedAreas:
    return stated_areas(interests, industries, _vocab(), score_cutoff=CUTOFF)


@cache
def _in_areas(stated: StatedAreas, job_title: str, industry: str) -> bool | None:
    return in_stated_areas(
        stated, job_title=job_title, industry=industry, vocab=_vocab(), score_cutoff=CUTOFF
    )


@dataclass(frozen=True, slots=True)
class OutcomeData:
    """The clients and placements a user's report covers, as :mod:`matcher.outcomes` reads them."""

    clients: pd.DataFrame
    placements: pd.DataFrame
    program: Program
    program_wide: bool
    specialists: list[str] = field(default_factory=list)


def scope_of(user: User) -> int | None:
    """The specialist whose caseload ``user`` may report on (None: the whole program)."""
    if user.role == Role.SPECIALIST:
        return user.id
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return None
    raise HTTPException(status_code=403, detail="Not enough permissions")


def load(session: Session, user: User, *, as_of: dt.date) -> OutcomeData:
    """The frames of the clients ``user`` may see (own caseload, or the program)."""
    specialist_id = scope_of(user)
    clients = store.client_rows(session, specialist_id=specialist_id)
    areas = {c["client_id"]: _stated(c["interests"], c["preferred_industries"]) for c in clients}
    jobs = store.placement_rows(session, specialist_id=specialist_id)
    for job in jobs:
        job["in_stated_area"] = _in_areas(areas[job["client_id"]], job["job_title"], job["industry"])
    client_frame = pd.DataFrame(
        {
            "client_id": [c["client_id"] for c in clients],
            "specialist": [c["specialist"] for c in clients],
            "enrolled_on": [c["enrolled_on"] for c in clients],
            "active": [c["status"] == ACTIVE for c in clients],
        }
    )
    columns = [
        "client_id",
        "start_date",
        "end_date",
        "competitive_integrated",
        "hourly_wage",
        "weekly_hours",
        "separation_reason",
        "in_stated_area",
    ]
    job_frame = pd.DataFrame([{k: j[k] for k in columns} for j in jobs], columns=columns)
    names = sorted({c["specialist"] for c in clients})
    program = prepare_program(client_frame, job_frame, as_of=as_of)
    return OutcomeData(
        client_frame, job_frame, program, program_wide=specialist_id is None, specialists=names
    )


def check_window(since: dt.date | None, until: dt.date | None) -> None:
    """422 naming ``until`` when the window ends before it starts."""
    if since is not None and until is not None and until < since:
        raise HTTPException(
            status_code=422,
            detail=[{"loc": ["query", "until"], "msg": "must be on or after since", "type": "value_error"}],
        )


def report_rows(
    data: OutcomeData, *, by: str, as_of: dt.date, since: dt.date | None, until: dt.date | None
) -> list[dict[str, Any]]:
    """The report's rows (``by`` one of program, specialist, month, quarter)."""
    if by not in GROUPINGS:
        raise HTTPException(status_code=422, detail=f"by must be one of {', '.join(GROUPINGS)}")
    return outcome_table(data.program, by=by, as_of=as_of, since=since, until=until)


def caseloads(data: OutcomeData) -> list[dict[str, Any]]:
    """Active clients per specialist against the fidelity limit of 20."""
    return caseload_sizes(data.clients) if len(data.clients) else []


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (one ``ended_<reason>`` column per reason seen; every text cell escaped)."""
    reasons = sorted({r for row in rows for r in row["endings"]})
    header = [*CSV_COLUMNS, *(f"ended_{r}" for r in reasons)]
    body = (
        [_cell(row[c]) for c in CSV_COLUMNS] + [row["endings"].get(r, 0) for r in reasons] for row in rows
    )
    return rows_to_csv(header, body)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return value
