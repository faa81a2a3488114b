"""Concurrent edits: optimistic versions mean one writer wins and the others get a conflict."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy.orm.exc import StaleDataError

from api import store
from tests.api.conftest import Api, World, client_profile


def run_together(n: int, work: Any) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released at the same moment; results by index."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_two_edits_with_the_same_version_one_wins_one_conflicts(api: Api, world: World) -> None:
    h = world.headers["spec1"]
    client = api.create_client(h, max_hours=30)
    path = f"/clients/{client['id']}"
    edits = [
        {"version": 1, "label": "edit A", "profile": client_profile(max_hours=20)},
        {"version": 1, "label": "edit B", "profile": client_profile(max_hours=25)},
    ]
    responses = run_together(2, lambda i: api.put(path, h, json=edits[i]))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    loser = 1 - winner
    current = api.get(path, h).json()
    assert current["version"] == 2 and current["label"] == edits[winner]["label"]
    assert current["profile"]["max_hours"] == edits[winner]["profile"]["max_hours"]
    # Nothing lost: the loser re-reads and re-applies on top of the winner's version.
    retry = edits[loser] | {"version": current["version"]}
    assert api.put(path, h, json=retry).status_code == 200
    final = api.get(path, h).json()
    assert final["version"] == 3 and final["label"] == edits[loser]["label"]
    updates = api.get(
        "/audit/events",
        world.headers["auditor"],
        params={"client_id": client["id"], "kind": "client.updated"},
    ).json()["data"]
    assert [e["payload"]["version"] for e in updates] == [2, 3]


def test_many_concurrent_writers_exactly_one_wins(api: Api, world: World) -> None:
    h = world.headers["spec1"]
    client = api.create_client(h)
    path = f"/clients/{client['id']}"
    n = 8
    responses = run_together(
        n,
        lambda i: api.put(
            path, h, json={"version": 1, "label": f"writer {i}", "profile": client_profile(max_hours=10 + i)}
        ),
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * (n - 1)
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    current = api.get(path, h).json()
    assert current["label"] == f"writer {winner}" and current["profile"]["max_hours"] == 10 + winner
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"] is True


def test_concurrent_requests_keep_one_audit_chain(api: Api, world: World) -> None:
    h = world.headers["spec1"]
    clients = [api.create_client(h) for _ in range(4)]
    responses = run_together(8, lambda i: api.get(f"/clients/{clients[i % 4]['id']}", h))
    assert all(r.status_code == 200 for r in responses)
    events = api.get("/audit/events", world.headers["auditor"], params={"limit": 1000}).json()["data"]
    assert len({e["prev_hash"] for e in events}) == len(events)  # no fork
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"] is True


def test_a_stale_write_that_passed_the_version_check_still_fails(api: Api, world: World) -> None:
    # The race the HTTP check cannot see: B read version 1, A committed version 2 since.
    # The UPDATE itself carries "WHERE version = 1", so B's write changes nothing.
    client = api.create_client(world.headers["spec1"])
    with api.session() as reader_b:
        stale = store.clients.get_client(reader_b, client_id=client["id"], specialist_id=None)
        assert stale is not None and stale.version == 1
        reader_b.commit()  # ends B's read transaction; B keeps its loaded copy
        with api.session() as writer_a:
            fresh = store.clients.get_client(writer_a, client_id=client["id"], specialist_id=None)
            assert fresh is not None
            store.clients.update_client(
                writer_a, client=fresh, expected_version=1, label="A", record=fresh.record
            )
            writer_a.commit()
        with pytest.raises(StaleDataError):
            store.clients.update_client(
                reader_b, client=stale, expected_version=1, label="B", record=stale.record
            )
        reader_b.rollback()
    assert api.get(f"/clients/{client['id']}", world.headers["spec1"]).json()["label"] == "A"
