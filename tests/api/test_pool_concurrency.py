"""Shortlists and opening edits at once: every request succeeds, no edit is lost, every record rebuilds.

32 shortlist requests and 8 edits of different openings are released together, so
shortlists are computed against several pool versions while edits patch the pool.
Each shortlist's record must reference a stored pool version that rebuilds it exactly.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, World
from tests.api.test_concurrency import run_together


def test_32_shortlists_and_8_edits_at_once_all_succeed_and_every_record_rebuilds(
    api: Api, world: World
) -> None:
    liaison, spec, auditor = world.headers["liaison1"], world.headers["spec1"], world.headers["auditor"]
    employer = api.create_employer(liaison, name="Busy Kitchens")
    openings = [api.create_opening(liaison, employer["id"], hourly_wage=16 + i / 4) for i in range(8)]
    clients = [api.create_client(spec)["id"] for _ in range(8)]

    def work(i: int) -> Any:
        if i < 8:  # an edit of opening i (its first: version 1)
            details = openings[i]["details"] | {"hourly_wage": 20 + i}
            return api.put(f"/openings/{openings[i]['id']}", liaison, json={"version": 1, "details": details})
        return api.get(
            f"/clients/{clients[i % 8]}/shortlist", spec, params={"k": 3, "employer_id": employer["id"]}
        )

    responses = run_together(40, work)
    assert [r.status_code for r in responses] == [200] * 40, [
        r.text for r in responses if r.status_code != 200
    ]
    for i, opening in enumerate(openings):  # no edit lost
        stored = api.get(f"/openings/{opening['id']}", liaison).json()
        assert (stored["version"], stored["details"]["hourly_wage"]) == (2, 20 + i)
    shortlists = [r.json() for r in responses[8:]]
    assert len({s["recommendation_id"] for s in shortlists}) == 32
    for body in shortlists:
        rebuilt = api.get(f"/audit/recommendations/{body['recommendation_id']}/reconstruct", auditor)
        assert rebuilt.status_code == 200, rebuilt.text
        assert rebuilt.json()["identical"] is True and rebuilt.json()["pool_hash"] == body["pool_hash"]
    # after every edit, the next shortlist is computed against the edited pool
    after = api.get(f"/clients/{clients[0]}/shortlist", spec, params={"k": 3, "employer_id": employer["id"]})
    pool = api.get(f"/audit/pools/{after.json()['pool_hash']}/openings", auditor).json()
    wages = {o["id"]: o["hourly_wage"] for o in pool["data"]}
    assert wages == {o["id"]: 20 + i for i, o in enumerate(openings)}
    assert api.get("/audit/verify", auditor).json()["ok"] is True
