"""Many users at once against real server processes: ``uvicorn --workers 2`` on an SQLite file.

Marked ``load`` (deselect with ``-m "not load"``): it loads the demo database, starts two
worker processes and sends 50 concurrent clients x 6 mixed requests (shortlists, client
reads, opening lists); about half a minute. Larger runs by hand: ``python -m tests.api.loadgen``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit import AuditEvent, RecommendationRecord, verify_chain
from api.db import make_engine
from tests.api.loadgen import demo_server, run_load

pytestmark = pytest.mark.load

CLIENTS, REQUESTS = 50, 6


def test_two_workers_answer_a_mixed_load_without_errors_and_store_every_write(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'placement.db'}"
    with demo_server(tmp_path, database_url=database_url, workers=2) as url:
        result = run_load(url, clients=CLIENTS, requests=REQUESTS, timeout=30)
    assert (result.n_errors, result.failures) == (0, []), result.summary()
    assert result.n_requests == CLIENTS * REQUESTS
    engine = make_engine(database_url)
    with Session(engine) as session:
        n_records = session.scalar(select(func.count()).select_from(RecommendationRecord))
        n_reads = session.scalar(select(func.count()).where(AuditEvent.kind == "client.read"))
        chain = verify_chain(session)
    engine.dispose()
    # Every shortlist answered is recorded, every client read is logged, in one intact chain.
    assert n_records == len(result.latencies["shortlist"])
    assert n_reads == len(result.latencies["client"])
    assert chain.ok, chain.message
