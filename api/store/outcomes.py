"""SQL of the outcome reports and the fairness audit: plain rows out, demographics in.

Demographics are written here and read only by :func:`demographic_rows`, which the
fairness audit aggregates; nothing here returns one client's demographics on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import RecommendationRecord
from api.models import Client, ClientDemographics, Decision, Employer, Opening, Placement, User, utcnow

DEMOGRAPHIC_FIELDS = ("sex", "race_ethnicity", "age_band", "disability")


def client_rows(session: Session, *, specialist_id: int | None) -> list[dict[str, Any]]:
    """Every client (of one specialist, or all): id, specialist, enrolment, status, stated areas."""
    # Only the two lists of the record, extracted by the database (not every whole record parsed).
    query = (
        select(
            Client.id,
            Client.specialist_id,
            User.full_name,
            User.username,
            Client.enrolled_on,
            Client.status,
            Client.record["interests"],
            Client.record["preferred_industries"],
        )
        .join(User, User.id == Client.specialist_id)
        .order_by(Client.id)
    )
    if specialist_id is not None:
        query = query.where(Client.specialist_id == specialist_id)
    return [
        {
            "client_id": cid,
            "specialist": full_name or username,
            "enrolled_on": enrolled,
            "status": status,
            "interests": tuple(interests or ()),
            "preferred_industries": tuple(industries or ()),
        }
        for cid, _sid, full_name, username, enrolled, status, interests, industries in session.execute(query)
    ]


PLACEMENT_COLUMNS = (
    "client_id",
    "job_title",
    "hourly_wage",
    "weekly_hours",
    "competitive_integrated",
    "start_date",
    "end_date",
    "separation_reason",
)


def placement_rows(session: Session, *, specialist_id: int | None) -> list[dict[str, Any]]:
    """Every placement (of one specialist's clients, or all), with its opening's industry when known.

    Columns, not ORM objects: a report reads every placement of the program.
    """
    columns = [getattr(Placement, c) for c in PLACEMENT_COLUMNS]
    query = (
        select(*columns, Opening.title, Employer.industry)
        .outerjoin(Opening, Opening.id == Placement.opening_id)
        .outerjoin(Employer, Employer.id == Opening.employer_id)
        .order_by(Placement.id)
    )
    if specialist_id is not None:
        query = query.join(Client, Client.id == Placement.client_id).where(
            Client.specialist_id == specialist_id
        )
    rows = []
    for *values, title, industry in session.execute(query):
        row = dict(zip(PLACEMENT_COLUMNS, values, strict=True))
        row["job_title"] = row["job_title"] or title or ""
        row["industry"] = industry or ""
        rows.append(row)
    return rows


def put_demographics(
    session: Session, *, client_id: str, recorded_by: int, answers: dict[str, str | None]
) -> None:
    """Store (or replace) a client's answers; every field not given is "not stated"."""
    row = session.get(ClientDemographics, client_id)
    if row is None:
        row = ClientDemographics(client_id=client_id, recorded_by=recorded_by)
        session.add(row)
    for field in DEMOGRAPHIC_FIELDS:
        setattr(row, field, answers.get(field))
    row.recorded_by, row.recorded_at = recorded_by, utcnow()
    session.flush()


def delete_demographics(session: Session, *, client_id: str) -> bool:
    """Remove a client's answers (consent withdrawn); False when none were recorded."""
    row = session.get(ClientDemographics, client_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def demographics_recorded_at(session: Session, *, client_id: str) -> dt.datetime | None:
    """When answers were recorded for the client (None: never): the answers themselves stay unread."""
    query = select(ClientDemographics.recorded_at).where(ClientDemographics.client_id == client_id)
    return session.scalar(query)


def demographic_rows(session: Session) -> list[dict[str, Any]]:
    """Every client with its answers (None where not stated or not recorded): for aggregates only."""
    columns = [getattr(ClientDemographics, f) for f in DEMOGRAPHIC_FIELDS]
    query = (
        select(Client.id, *columns)
        .outerjoin(ClientDemographics, ClientDemographics.client_id == Client.id)
        .order_by(Client.id)
    )
    return [dict(zip(("client_id", *DEMOGRAPHIC_FIELDS), row, strict=True)) for row in session.execute(query)]


def best_scores(session: Session) -> dict[str, float | None]:
    """Per client with a recommendation record: the top score of its newest record with suggestions
    (None when no record of it had any)."""
    query = select(RecommendationRecord.client_id, RecommendationRecord.shortlist).order_by(
        RecommendationRecord.client_id, RecommendationRecord.at.desc()
    )
    out: dict[str, float | None] = {}
    for client_id, shortlist in _stream(session, query):
        if out.get(client_id) is not None:
            continue
        scores = [float(s["score"]) for s in (shortlist or {}).get("suggestions", []) if "score" in s]
        out[client_id] = max(scores) if scores else None
    return out


def _stream(session: Session, query: Any) -> Iterator[Any]:
    yield from session.execute(query.execution_options(yield_per=500))


def clients_with_action(session: Session, *, action: str) -> set[str]:
    """Clients with at least one decision of this action (e.g. ``approve``)."""
    return set(session.scalars(select(Decision.client_id).where(Decision.action == action).distinct()))


def placed_client_ids(session: Session) -> set[str]:
    """Clients with at least one placement."""
    return set(session.scalars(select(Placement.client_id).distinct()))
