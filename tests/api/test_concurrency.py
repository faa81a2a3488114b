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


# --- many users at once: everyone gets through, nothing is lost --------------------------


def _events(api: Api, world: World, **params: Any) -> list[dict[str, Any]]:
    response = api.get("/audit/events", world.headers["auditor"], params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def test_32_concurrent_shortlists_all_answer_and_all_are_recorded(api: Api, world: World) -> None:
    liaison, spec = world.headers["liaison1"], world.headers["spec1"]
    employer = api.create_employer(liaison, name="Concurrent Kitchens")
    for _ in range(4):
        api.create_opening(liaison, employer["id"])
    clients = [api.create_client(spec)["id"] for _ in range(8)]
    before = {e["payload"]["record_id"] for e in _events(api, world, kind="recommendation")}
    responses = run_together(32, lambda i: api.get(f"/clients/{clients[i % 8]}/shortlist", spec))
    assert [r.status_code for r in responses] == [200] * 32, [
        r.text for r in responses if r.status_code != 200
    ]
    ids = [r.json()["recommendation_id"] for r in responses]
    assert len(set(ids)) == 32
    sealed = {e["payload"]["record_id"] for e in _events(api, world, kind="recommendation")} - before
    assert sealed == set(ids)  # each record has its chain event, and no other was written
    for i, record_id in enumerate(ids):
        stored = api.get(f"/audit/recommendations/{record_id}", world.headers["auditor"])
        assert stored.status_code == 200 and stored.json()["client_id"] == clients[i % 8]
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"] is True


def _edit_until_accepted(api: Api, headers: dict[str, str], opening_id: str, i: int) -> dict[str, Any]:
    """Re-read and re-apply edit ``i`` until no other edit came in between (bounded)."""
    statuses = []
    for _ in range(40):
        current = api.get(f"/openings/{opening_id}", headers).json()
        details = current["details"] | {"description": f"Edit number {i} of the concurrent edits test."}
        response = api.put(
            f"/openings/{opening_id}", headers, json={"version": current["version"], "details": details}
        )
        statuses.append(response.status_code)
        if response.status_code != 409:
            break
    return {"statuses": statuses, "body": response.json()}


def test_8_concurrent_edits_of_one_opening_all_land_in_sequence(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    opening = api.create_opening(h, api.create_employer(h)["id"])
    results = run_together(8, lambda i: _edit_until_accepted(api, h, opening["id"], i))
    assert all(s in (200, 409) for r in results for s in r["statuses"]), [r["statuses"] for r in results]
    assert [r["statuses"][-1] for r in results] == [200] * 8
    # Every edit got its own version: 2..9, none overwritten unseen.
    versions = {r["body"]["version"]: i for i, r in enumerate(results)}
    assert sorted(versions) == list(range(2, 10))
    final = api.get(f"/openings/{opening['id']}", h).json()
    assert final["version"] == 9
    assert final["details"]["description"] == f"Edit number {versions[9]} of the concurrent edits test."
    assert len(_events(api, world, kind="opening.updated", opening_id=opening["id"])) == 8
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"] is True


def test_8_concurrent_edits_of_different_openings_all_succeed_first_time(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    openings = [api.create_opening(h, employer["id"]) for _ in range(8)]

    def edit(i: int) -> Any:
        details = openings[i]["details"] | {"hours_per_week": 10 + i}
        return api.put(f"/openings/{openings[i]['id']}", h, json={"version": 1, "details": details})

    responses = run_together(8, edit)
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    for i, opening in enumerate(openings):
        stored = api.get(f"/openings/{opening['id']}", h).json()
        assert (stored["version"], stored["details"]["hours_per_week"]) == (2, 10 + i)
