"""Shortlists for a client: ranked, explained, stored as recommendation records."""

from __future__ import annotations

from typing import Any

import pytest

from api.deps import get_matcher
from api.matching import MatcherCache
from tests.api.conftest import Api, World, opening_details

FACTORS = {"preference", "strengths", "cognitive", "accommodation", "commute", "schedule", "wage"}


@pytest.fixture(scope="module")
def pool(api: Api, world: World) -> dict[str, Any]:
    """An employer with a few openings near the default client's home."""
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Shortlist Foods")
    openings = [
        api.create_opening(h, employer["id"], title="Line cook", hourly_wage=17),
        api.create_opening(h, employer["id"], title="Dishwasher", hourly_wage=15),
        api.create_opening(
            h,
            employer["id"],
            title="Kennel assistant",
            industry="animal care",
            description="Feed and walk dogs at a kennel.",
            hourly_wage=16,
        ),
        api.create_opening(
            h,
            employer["id"],
            title="Night baker",
            hourly_wage=18,
            shifts=["Mon 01:00-05:00", "Tue 01:00-05:00"],
        ),
    ]
    remote = api.create_opening(
        h, employer["id"], title="Data entry clerk", remote=True, location=None, hourly_wage=20
    )
    return {"employer": employer, "openings": openings, "remote": remote, "ids": [o["id"] for o in openings]}


def shortlist(api: Api, world: World, client_id: str, **params: Any) -> dict[str, Any]:
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"], params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def exclusion_ids(api: Api, world: World, client_id: str, reason: str) -> set[str]:
    """Every opening ruled out for ``reason`` (one page of up to 200)."""
    params = {"reason": reason, "per_page": 200}
    response = api.get(f"/clients/{client_id}/exclusions", world.headers["spec1"], params=params)
    assert response.status_code == 200, response.text
    return {item["opening_id"] for item in response.json()["data"]}


def test_shortlist_is_ranked_explained_and_recorded(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    body = shortlist(api, world, client["id"], k=3, employer_id=pool["employer"]["id"])
    suggestions = body["suggestions"]
    assert 1 <= len(suggestions) <= 3
    assert [s["rank"] for s in suggestions] == list(range(1, len(suggestions) + 1))
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    for s in suggestions:
        assert set(s["contributions"]) == FACTORS
        assert sum(s["contributions"].values()) == pytest.approx(s["score"], abs=0.011)
        assert {"positives", "concerns", "hints", "factors", "title", "employer"} <= set(s)
    night = pool["openings"][3]["id"]  # shifts outside the client's availability
    assert night not in {s["opening_id"] for s in suggestions}
    assert body["exclusions"]["counts"] == body["exclusion_counts"]
    assert body["exclusions"]["all"] == f"/clients/{client['id']}/exclusions"
    assert night in exclusion_ids(api, world, client["id"], "SCHEDULE_OUTSIDE_AVAILABILITY")
    assert body["exclusion_counts"] and body["client_id"] == client["id"]
    assert body["engine_version"] and body["config_hash"]
    record = api.get(f"/audit/recommendations/{body['recommendation_id']}", world.headers["auditor"])
    assert record.status_code == 200
    stored = record.json()
    assert stored["client_id"] == client["id"] and stored["actor"] == world.users["spec1"].username
    shown = stored["shortlist"]["suggestions"]  # the auditor's view: commute as a band, no score
    assert [(s["opening_id"], s["rank"]) for s in shown] == [
        (s["opening_id"], s["rank"]) for s in suggestions
    ]
    assert all("score" not in s and "commute" not in s["contributions"] for s in shown)
    assert stored["suggested_opening_ids"] == [s["opening_id"] for s in suggestions]
    assert stored["client_snapshot"]["home"] == "redacted"
    assert stored["opening_snapshots"] == [] and stored["pool_hash"] == body["pool_hash"]
    assert len(stored["inputs_hash"]) == 64


def test_post_takes_k_and_filters_in_the_body(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    body = {"k": 5, "filters": {"employer_ids": [pool["employer"]["id"]], "remote_only": True}}
    response = api.post(f"/clients/{client['id']}/shortlist", world.headers["spec1"], json=body)
    assert response.status_code == 200
    assert [s["opening_id"] for s in response.json()["suggestions"]] == [pool["remote"]["id"]]
    wage = {"k": 5, "filters": {"employer_ids": [pool["employer"]["id"]], "min_hourly_wage": 16.5}}
    shown = api.post(f"/clients/{client['id']}/shortlist", world.headers["spec1"], json=wage).json()
    assert shown["suggestions"] and all(s["opening_id"] != pool["ids"][1] for s in shown["suggestions"])
    bad = api.post(f"/clients/{client['id']}/shortlist", world.headers["spec1"], json={"k": 0})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "k"]


def test_rejected_openings_are_not_suggested_until_restored(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    cid, h = client["id"], world.headers["spec1"]
    first = shortlist(api, world, cid, k=10, employer_id=pool["employer"]["id"])
    top = first["suggestions"][0]["opening_id"]
    decision = {
        "opening_id": top,
        "action": "reject",
        "reason_code": "commute",
        "note": "two buses",
        "recommendation_id": first["recommendation_id"],
    }
    assert api.post(f"/clients/{cid}/decisions", h, json=decision).status_code == 201
    assert api.get(f"/clients/{cid}/rejections", h).json() == {"opening_ids": [top]}
    second = shortlist(api, world, cid, k=10, employer_id=pool["employer"]["id"])
    assert top not in {s["opening_id"] for s in second["suggestions"]}
    assert top in exclusion_ids(api, world, cid, "REJECTED_BY_SPECIALIST")
    assert second["rejected"] == [top]
    assert api.post(f"/clients/{cid}/rejections/{top}/restore", h).status_code == 200
    assert api.post(f"/clients/{cid}/rejections/{top}/restore", h).status_code == 404
    third = shortlist(api, world, cid, k=10, employer_id=pool["employer"]["id"])
    assert top in {s["opening_id"] for s in third["suggestions"]}


def test_filled_closed_and_expired_openings_are_not_suggested(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    live = api.create_opening(h, employer)
    filled = api.create_opening(h, employer)
    closed = api.create_opening(h, employer)
    api.create_opening(h, employer, posted="2026-01-01", expires="2026-03-01")  # expired
    api.post(f"/openings/{filled['id']}/fill", h)
    api.post(f"/openings/{closed['id']}/close", h)
    client = api.create_client(world.headers["spec1"])
    body = shortlist(api, world, client["id"], k=10, employer_id=employer)
    assert [s["opening_id"] for s in body["suggestions"]] == [live["id"]]
    assert body["n_considered"] == 1


def test_new_openings_show_up_and_the_matcher_is_reused(api: Api, world: World) -> None:
    cache = MatcherCache()  # a cache of our own, injected where routes get theirs
    api.app.dependency_overrides[get_matcher] = lambda: cache
    try:
        h = world.headers["liaison1"]
        employer = api.create_employer(h)["id"]
        client = api.create_client(world.headers["spec1"])
        api.create_opening(h, employer)
        shortlist(api, world, client["id"], employer_id=employer)
        assert cache.n_fits == 1
        shortlist(api, world, client["id"], employer_id=employer)
        assert cache.n_fits == 1  # nothing changed: no refit
        added = api.create_opening(h, employer)
        body = shortlist(api, world, client["id"], employer_id=employer)
        assert (cache.n_fits, cache.n_updates) == (1, 1)  # patched in, not refitted
        assert added["id"] in {s["opening_id"] for s in body["suggestions"]}
    finally:
        api.app.dependency_overrides.pop(get_matcher)


def test_configuration_change_is_used_and_recorded(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    before = shortlist(api, world, client["id"], employer_id=pool["employer"]["id"])
    response = api.put(
        "/config", world.headers["admin"], json={"config": {"ranking": {"max_per_employer": 1}}}
    )
    assert response.status_code == 200
    after = shortlist(api, world, client["id"], employer_id=pool["employer"]["id"])
    # the shortlist's hash covers the version and the benefits figures of its date (api.benefits)
    assert after["config_hash"] != before["config_hash"]
    assert after["config_version"] == response.json()["version"]
    assert len(after["suggestions"]) == 1  # one per employer now
    api.put("/config", world.headers["admin"], json={"config": {}})


def test_paused_client_gets_no_shortlist_and_others_get_404(api: Api, world: World) -> None:
    client = api.create_client(world.headers["spec1"])
    api.post(f"/clients/{client['id']}/pause", world.headers["spec1"])
    response = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"])
    assert response.status_code == 409 and response.json() == {"detail": "Client is paused"}
    theirs = api.create_client(world.headers["spec2"])
    assert api.get(f"/clients/{theirs['id']}/shortlist", world.headers["spec1"]).status_code == 404
    assert api.get(f"/clients/{theirs['id']}/shortlist", world.headers["liaison1"]).status_code == 403


def test_explain_one_opening(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    base = f"/clients/{client['id']}/openings"
    good = api.get(f"{base}/{pool['ids'][0]}/explain", world.headers["spec1"]).json()
    assert good["suggested"] is True and set(good["contributions"]) == FACTORS
    night = api.get(f"{base}/{pool['ids'][3]}/explain", world.headers["spec1"]).json()
    assert night["suggested"] is False
    assert "SCHEDULE_OUTSIDE_AVAILABILITY" in {r["code"] for r in night["reasons"]}
    missing = api.get(f"{base}/O-MISSING/explain", world.headers["spec1"])
    assert missing.status_code == 404 and missing.json() == {"detail": "Opening not found"}


def test_each_request_is_one_recommendation_record(api: Api, world: World, pool: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    ids = {
        shortlist(api, world, client["id"], employer_id=pool["employer"]["id"])["recommendation_id"]
        for _ in range(3)
    }
    records = api.get("/audit/recommendations", world.headers["auditor"], params={"client_id": client["id"]})
    assert {r["id"] for r in records.json()["data"]} == ids
    assert (
        api.get(
            "/audit/recommendations",
            world.headers["auditor"],
            params={"opening_id": pool["ids"][3], "client_id": client["id"]},
        ).json()["count"]
        == 3
    )


def test_opening_details_helper_is_valid(api: Api, world: World) -> None:
    # Guard for the fixtures above: the default details must be a suggestion for the default client.
    employer = api.create_employer(world.headers["liaison1"])["id"]
    api.create_opening(world.headers["liaison1"], employer, **opening_details(title="Usher"))
    client = api.create_client(world.headers["spec1"])
    assert len(shortlist(api, world, client["id"], employer_id=employer)["suggestions"]) == 1


def test_a_repeated_get_gives_the_same_shortlist_recorded_again(api: Api, world: World) -> None:
    """A GET of unchanged inputs reuses the ranking: same body, a record of its own, which
    reconstructs; a changed client profile is ranked afresh."""
    cache = MatcherCache()  # ours, to count the engine's rankings
    api.app.dependency_overrides[get_matcher] = lambda: cache
    try:
        h, spec = world.headers["liaison1"], world.headers["spec1"]
        employer = api.create_employer(h)["id"]
        for title in ("Line cook", "Dishwasher", "Kennel assistant"):
            api.create_opening(h, employer, title=title)
        client = api.create_client(spec)
        first = shortlist(api, world, client["id"], employer_id=employer)
        second = shortlist(api, world, client["id"], employer_id=employer)
        assert len(cache.shortlists) == 1  # ranked once
        assert second["recommendation_id"] != first["recommendation_id"]
        assert {**second, "recommendation_id": None} == {**first, "recommendation_id": None}
        rebuilt = api.get(
            f"/audit/recommendations/{second['recommendation_id']}/reconstruct", world.headers["auditor"]
        )
        assert rebuilt.status_code == 200 and rebuilt.json()["identical"] is True
        # filters that rank the same but read differently are repeated as given
        for industry in ("food service", "Food Service"):
            body = shortlist(api, world, client["id"], employer_id=employer, industry=industry)
            assert body["filters"]["industries"] == [industry] and body["suggestions"]

        current = api.get(f"/clients/{client['id']}", spec).json()
        profile = {**current["profile"], "max_commute_minutes": 1, "modes": ["walk"]}
        update = {"version": current["version"], "label": current["label"], "profile": profile}
        assert api.put(f"/clients/{client['id']}", spec, json=update).status_code == 200
        after = shortlist(api, world, client["id"], employer_id=employer)
        assert len(cache.shortlists) == 4  # the edit changed the inputs: ranked again
        assert after["suggestions"] == [] and after["exclusion_counts"].get("COMMUTE_TOO_LONG")
    finally:
        api.app.dependency_overrides.pop(get_matcher)
