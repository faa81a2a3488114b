"""Simulated placements for the demo caseload, for the outcome screenshots (seeded).

Until the outcome simulator's demo loader fills them, the demo has no placements; this writes
some straight into the demo database, only when it has none: about two clients in three placed
in one of the demo's openings some days after enrolment, four in ten of those jobs ended with a
reason, wages and hours around the opening's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db import make_engine
from api.models import Client, Decision, Opening, Placement

REASONS = ("quit_better_job", "quit_dissatisfied", "quit_health", "fired", "transport", "temporary_ended")


def add_demo_placements(database_url: str, *, as_of: dt.date, seed: int = 15) -> int:
    """Placements (and the approvals before them) for the demo clients; how many were added."""
    rng = np.random.default_rng(seed)
    engine = make_engine(database_url)
    added = 0
    try:
        with Session(engine) as session:
            if session.scalar(select(func.count()).select_from(Placement)):
                return 0
            openings = list(session.scalars(select(Opening).order_by(Opening.id)))
            for client in session.scalars(select(Client).order_by(Client.id)):
                if rng.random() > 0.65:
                    continue
                opening = openings[int(rng.integers(len(openings)))]
                start = client.enrolled_on + dt.timedelta(days=int(rng.integers(10, 150)))
                if start >= as_of:
                    continue
                end = start + dt.timedelta(days=int(rng.weibull(0.8) * 160) + 7)
                ended = end < as_of and rng.random() < 0.6
                wage = opening.record.get("hourly_wage") or 16.0
                session.add(
                    Decision(
                        client_id=client.id,
                        opening_id=opening.id,
                        action="approve",
                        actor_id=client.specialist_id,
                    )
                )
                session.add(
                    Placement(
                        client_id=client.id,
                        opening_id=opening.id,
                        job_title=opening.title,
                        employer_name=opening.record.get("employer", ""),
                        hourly_wage=float(np.round(float(wage) * rng.uniform(0.95, 1.1), 2)),
                        weekly_hours=float(rng.choice([12, 16, 20, 24, 30])),
                        competitive_integrated=bool(rng.random() < 0.95),
                        start_date=start,
                        end_date=end if ended else None,
                        separation_reason=str(rng.choice(REASONS)) if ended else None,
                    )
                )
                added += 1
            session.commit()
    finally:
        engine.dispose()
    return added
