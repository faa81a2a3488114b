"""Outcome reports (specialists: own caseload; admins, auditors: the program), the fairness audit
(auditors, admins; aggregates only) and recording a client's demographics (their specialist).

There is no route that reads one client's demographics, for any role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from api import demographics, fairness, outcomes
from api.deps import AdminOrAuditor, SessionDep, SettingsDep, SpecialistUser, require
from api.models import Role, User
from api.routes.clients import own_client
from api.schemas import errors
from api.schemas.reports import (
    CaseloadSize,
    DemographicsUpdate,
    FairnessPublic,
    ImpactRatio,
    OutcomeRow,
    OutcomesPublic,
    ScoreByGroup,
)
from matcher.outcomes import MIN_GROUP

router = APIRouter(tags=["outcomes"], responses=errors(401, 403))

Reader = Annotated[User, Depends(require(Role.SPECIALIST, Role.ADMIN, Role.AUDITOR))]
By = Annotated[
    Literal["program", "specialist", "month", "quarter"],
    Query(description="One row for the program, per specialist, or per month or quarter."),
]
Day = Annotated[dt.date | None, Query(description="First (since) or last (until) day counted, YYYY-MM-DD.")]
ClientId = Annotated[str, Path(min_length=1, max_length=32)]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}
}


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """The report's query parameters, one definition for the JSON and the CSV endpoint."""

    by: str
    since: dt.date | None
    until: dt.date | None


def report_query(by: By = "program", since: Day = None, until: Day = None) -> ReportQuery:
    """The parameters, with a window that ends before it starts refused (422 naming ``until``)."""
    outcomes.check_window(since, until)
    return ReportQuery(by, since, until)


ReportQueryDep = Annotated[ReportQuery, Depends(report_query)]


def csv_download(body: str, filename: str) -> Response:
    """``body`` as a CSV file the browser saves as ``filename``."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content=body, media_type="text/csv", headers=headers)


def _report(session: SessionDep, settings: SettingsDep, user: User, query: ReportQuery) -> OutcomesPublic:
    data = outcomes.load(session, user, as_of=settings.today())
    rows = outcomes.report_rows(
        data, by=query.by, as_of=settings.today(), since=query.since, until=query.until
    )
    return OutcomesPublic(
        by=query.by,
        as_of=settings.today(),
        program_wide=data.program_wide,
        rows=[OutcomeRow.model_validate(r) for r in rows],
        caseloads=[CaseloadSize.model_validate(c) for c in outcomes.caseloads(data)],
    )


@router.get("/outcomes")
def get_outcomes(
    session: SessionDep, settings: SettingsDep, user: Reader, query: ReportQueryDep
) -> OutcomesPublic:
    """IPS outcome figures: the caller's caseload (specialist) or the program (admin, auditor)."""
    return _report(session, settings, user, query)


@router.get("/outcomes.csv", response_class=Response, responses=CSV)
def get_outcomes_csv(
    session: SessionDep, settings: SettingsDep, user: Reader, query: ReportQueryDep
) -> Response:
    """The same rows as CSV (text cells escaped against formula injection)."""
    report = _report(session, settings, user, query)
    return csv_download(outcomes.rows_csv([r.model_dump() for r in report.rows]), f"outcomes-{query.by}.csv")


@router.get("/audit/fairness")
def get_fairness(session: SessionDep, _user: AdminOrAuditor) -> FairnessPublic:
    """Selection rates, impact ratios with bootstrap intervals and flags, and suggestion scores by
    self-reported group and intersection (groups under 10 suppressed; never one client)."""
    audit = fairness.run_audit(session)
    return FairnessPublic(
        clients=audit.clients,
        with_answers=audit.with_answers,
        min_group=MIN_GROUP,
        impact_ratios=[ImpactRatio.model_validate(r) for r in audit.ratios],
        scores=[ScoreByGroup.model_validate(r) for r in audit.scores],
    )


@router.get("/audit/fairness.csv", response_class=Response, responses=CSV)
def get_fairness_csv(session: SessionDep, _user: AdminOrAuditor) -> Response:
    """The impact ratios as CSV (suppressed groups with blank figures)."""
    return csv_download(fairness.audit_csv(fairness.run_audit(session)), "fairness-audit.csv")


@router.put(
    "/clients/{client_id}/demographics",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(404),
)
def put_demographics(
    session: SessionDep, user: SpecialistUser, client_id: ClientId, body: DemographicsUpdate
) -> Response:
    """Record the client's self-reported answers with their consent (replaces earlier ones; not
    read back by anyone)."""
    client = own_client(session, user, client_id)
    demographics.record(session, user=user, client=client, answers=body.answers())
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/clients/{client_id}/demographics",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(404),
)
def delete_demographics(session: SessionDep, user: SpecialistUser, client_id: ClientId) -> Response:
    """Delete the client's answers (consent withdrawn); 204 whether or not any were recorded."""
    client = own_client(session, user, client_id)
    demographics.withdraw(session, user=user, client=client)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
