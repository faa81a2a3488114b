"""Demo enrolment dates and self-reported demographics for the demo caseload (seeded).

Demo clients are enrolled on days spread over the year before the demo's date, and always weeks
before their first simulated job (the outcome reports count days to a first job from
enrolment). About nine in ten have answers drawn
from the fairness simulator's shares (``matcher._data.fairness_sim``), recorded as their
specialist would with consent. Placements come from the outcome simulator's demo loader.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from matcher._data.fairness_sim import SHARES, UNSTATED
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Client, Placement
from api.store import outcomes as store

ENROLLED_WITHIN_DAYS = 365
ANSWERED = 0.9


def load_demo_demographics(session: Session, *, as_of: dt.date, seed: int) -> int:
    """Set the demo clients' enrolment dates and record answers for most; the number answered."""
    rng = np.random.default_rng(seed)
    first_jobs = dict(
        session.execute(
            select(Placement.client_id, func.min(Placement.start_date)).group_by(Placement.client_id)
        ).all()
    )
    answered = 0
    for client in session.scalars(select(Client).order_by(Client.id)):
        enrolled = as_of - dt.timedelta(days=int(rng.integers(30, ENROLLED_WITHIN_DAYS)))
        first_job = first_jobs.get(client.id)
        if first_job is not None:
            # A simulated job starts after the enrolment that led to it (weeks of job search first).
            enrolled = min(enrolled, first_job - dt.timedelta(days=int(rng.integers(14, 120))))
        client.enrolled_on = enrolled
        if rng.random() >= ANSWERED:
            continue
        answers: dict[str, str | None] = {}
        for attribute, shares in SHARES.items():
            codes, weights = list(shares), np.array(list(shares.values()))
            code = str(rng.choice(codes, p=weights / weights.sum()))
            answers[attribute] = None if code == UNSTATED else code
        store.put_demographics(
            session, client_id=client.id, recorded_by=client.specialist_id, answers=answers
        )
        answered += 1
    session.flush()
    return answered
