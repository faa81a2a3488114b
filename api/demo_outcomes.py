"""Simulated outcomes for the demo: two years of placements, scored by the real engine.

The demo caseload (``api.demo``) is joined by former clients (closed cases, one or two jobs each
over the two years), so the outcome reports and the retention model have a program's worth of
history. Each placement is an opening the engine finds feasible for the client, picked by the
simulator's hiring rule (skills get people hired), its factor values the engine's own; tenure,
end and reason follow the simulator's ground truth (:mod:`matcher._data.outcome_sim`). Every
placement is stored with its ``outcome`` audit event, as a specialist's would be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from matcher._data import outcome_sim
from sqlalchemy.orm import Session

from api import store
from api.decisions import log_outcome
from api.models import Client, ClientStatus, User
from matcher.assembly import build_matcher, trained_text_model
from matcher.config import FACTORS
from matcher.demo import generate_demo
from matcher.records import client_from_record, client_to_record, opening_from_record
from matcher.types import Client as EngineClient
from matcher.vocab import Vocabulary

FORMER_CLIENTS = 300
HISTORY_DAYS = 730
STRENGTHS = FACTORS.index("strengths")


def add_former_clients(
    session: Session, *, seed: int, specialists: Sequence[User], vocab: Vocabulary
) -> list[tuple[dict[str, Any], User]]:
    """Closed cases of the two years before (ids ``F-...``), shared between the specialists:
    each record with its specialist."""
    raw_clients, _ = generate_demo(seed + 1, n_clients=FORMER_CLIENTS)
    records = []
    for i, raw in enumerate(raw_clients):
        record = client_to_record(client_from_record({**raw, "id": f"F-{i + 1:03d}"}, vocab))
        owner = specialists[i % len(specialists)]
        session.add(
            Client(
                id=record["id"],
                specialist_id=owner.id,
                label=f"Former {record['id']}",
                status=ClientStatus.CLOSED.value,
                record=record,
            )
        )
        records.append((record, owner))
    session.flush()
    return records


def load_outcomes(
    session: Session,
    *,
    clients: Sequence[dict[str, Any]],
    openings: Sequence[dict[str, Any]],
    owners: dict[str, User],
    as_of: dt.date,
    seed: int,
    vocab: Vocabulary,
) -> int:
    """Placements for ``clients`` (records) at ``openings``; returns how many were stored."""
    engine_clients = [client_from_record(c, vocab) for c in clients]
    matcher = build_matcher(
        [opening_from_record(o, vocab) for o in openings],
        as_of=as_of,
        vocabulary=vocab,
        text_model=trained_text_model()[0],
    )
    scored = matcher.score(engine_clients)
    pairs = scored.scores.factors
    rng = np.random.default_rng(seed)
    by_id = {o["id"]: o for o in openings}
    stored = 0
    for c, client in enumerate(engine_clients):
        cols = pairs.cols[pairs.rows == c]
        if not len(cols):
            continue
        values = pairs.values[:, pairs.rows == c].T  # (feasible openings, F)
        stored += _placements(
            session,
            client,
            owners[client.id],
            values,
            [matcher.index.ids[j] for j in cols],
            by_id,
            rng,
            as_of,
        )
    return stored


def _placements(
    session: Session,
    client: EngineClient,
    owner: User,
    values: np.ndarray,
    opening_ids: list[str],
    openings: dict[str, dict[str, Any]],
    rng: np.random.Generator,
    as_of: dt.date,
) -> int:
    """One or two successive jobs (a next job follows an ended one, IPS-style), or none yet."""
    start = as_of - dt.timedelta(days=int(rng.integers(20, HISTORY_DAYS)))
    n = 0
    for _ in range(int(rng.choice([0, 1, 2, 2]))):
        if start >= as_of:
            break
        pick = int(outcome_sim.hire(values[:, STRENGTHS], rng))
        day = np.array([start], dtype="datetime64[D]")
        tenure, ended, reasons = outcome_sim.simulate_tenure(
            values[pick][None, :], day, as_of=as_of, seed=int(rng.integers(2**31))
        )
        record = openings[opening_ids[pick]]
        end = start + dt.timedelta(days=int(tenure[0])) if ended[0] else None
        row = store.decisions.add_placement(
            session,
            client_id=client.id,
            opening_id=record["id"],
            start_date=start,
            end_date=end,
            separation_reason=reasons[0],
            job_title=record["title"],
            employer_name=record["employer"],
            hourly_wage=record.get("hourly_wage") or round(float(rng.uniform(14.0, 19.0)), 2),
            weekly_hours=record.get("hours_per_week") or float(rng.choice([12, 16, 20, 24, 30])),
            competitive_integrated=bool(rng.random() < 0.95),
        )
        log_outcome(session, user=owner, placement=row)
        n += 1
        if end is None:
            break
        start = end + dt.timedelta(days=int(rng.integers(14, 120)))
    return n
