"""The DB-backed run counts and names every primary over its opening's capacity.

Two openings, six clients who fit both: with overbooking 0.5 each opening may take one
primary, so four clients are exceptions. Runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import collections
import math

import pytest
from sqlalchemy import select

from api.audit import AuditEvent
from api.rematch.finish import OVER_CAPACITY
from api.rematch.models import RematchDigest, RematchOpeningLoad, RematchRun, ShortlistVersion
from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF, Api, World

FACTOR = 0.5


@pytest.fixture(scope="module")
def run_id(api: Api, world: World) -> int:
    h = world.headers
    employer = api.create_employer(h["liaison1"])["id"]
    for _ in range(2):
        api.create_opening(h["liaison1"], employer)
    for name in ("spec1", "spec1", "spec1", "spec2", "spec2", "spec2"):
        api.create_client(h[name])
    return run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions(congestion_factor=FACTOR))


def test_the_run_record_names_each_exception_and_the_digests_flag_them(api: Api, run_id: int) -> None:
    with api.session() as session:
        run = session.get(RematchRun, run_id)
        assert run is not None
        versions = list(session.scalars(select(ShortlistVersion).where(ShortlistVersion.run_id == run_id)))
        loads = list(session.scalars(select(RematchOpeningLoad).where(RematchOpeningLoad.run_id == run_id)))
        digests = list(session.scalars(select(RematchDigest).where(RematchDigest.run_id == run_id)))
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "rematch.finished").order_by(AuditEvent.seq.desc())
        ).first()
    counts = run.counts
    named = {(c, o) for c, o in counts[OVER_CAPACITY]}
    primary = {v.client_id: v.primary_opening_id for v in versions if v.primary_opening_id}
    assert len(primary) == 6  # everyone keeps a primary
    assert named <= set(primary.items())
    over = {r.opening_id: r.primaries - math.ceil(r.positions * FACTOR) for r in loads}
    assert len(named) == sum(max(n, 0) for n in over.values()) >= 4  # two places for six clients
    assert collections.Counter(o for _, o in named) == {o: n for o, n in over.items() if n > 0}
    assert counts["primaries_over_capacity"] == len(named)
    assert counts["openings_over_capacity"] == sum(n > 0 for n in over.values())
    flagged = {c["client_id"] for d in digests for c in d.body["clients"] if c.get("primary_over_capacity")}
    assert flagged == {c for c, _ in named}
    assert any("over the opening's capacity" in d.markdown for d in digests)
    assert event is not None and OVER_CAPACITY not in event.payload  # counted there, named only in the run
    assert event.payload["primaries_over_capacity"] == len(named)


def test_the_run_endpoint_gives_the_number_not_the_clients(api: Api, world: World, run_id: int) -> None:
    response = api.get("/rematch/runs/latest", world.headers["spec1"])
    assert response.status_code == 200 and response.json()["id"] == run_id
    counts = response.json()["counts"]
    assert counts["primaries_over_capacity"] >= 4
    assert OVER_CAPACITY not in counts  # other specialists' clients are not named to everyone
