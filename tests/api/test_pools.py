"""Pools of openings stored once, records that reference them, reconstruction, exclusions on request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select, text

from api.audit.models import OpeningSnapshot, PoolManifest, RecommendationRecord
from api.audit.pools import chunk_spans, load_pool
from api.reconstruct import ENGINE_FIELDS, reconstruct
from matcher.canonical import sha256_hex
from tests.api.conftest import Api, World, opening_details


@pytest.fixture(scope="module")
def employer(api: Api, world: World) -> dict[str, Any]:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Pool Bakery")
    for title, wage in (("Counter assistant", 16), ("Baker's helper", 17), ("Packer", 15.5)):
        api.create_opening(h, employer["id"], title=title, hourly_wage=wage)
    api.create_opening(h, employer["id"], title="Night baker", shifts=["Mon 01:00-05:00", "Tue 01:00-05:00"])
    return employer


def shortlist(api: Api, world: World, client_id: str, **params: Any) -> dict[str, Any]:
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"], params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _pools(api: Api) -> int:
    with api.session() as session:
        return int(session.scalar(select(func.count()).select_from(PoolManifest)) or 0)


def test_records_reference_one_stored_pool_and_the_seal_covers_it(
    api: Api, world: World, employer: dict
) -> None:
    a, b = api.create_client(world.headers["spec1"]), api.create_client(world.headers["spec1"])
    first = shortlist(api, world, a["id"], k=3, employer_id=employer["id"])
    before = _pools(api)
    second = shortlist(api, world, b["id"], k=3, employer_id=employer["id"])
    assert first["pool_hash"] == second["pool_hash"] and len(first["pool_hash"]) == 64
    assert _pools(api) == before  # the same pool version is not stored twice
    with api.session() as session:
        pool = session.get(PoolManifest, first["pool_hash"])
        assert pool is not None and pool.n_openings == 4
        openings = load_pool(session, pool.hash)
        # content-addressed: the hash of its chunks' hashes, each the hash of its openings' hashes
        hashes = [sha256_hex(o) for o in openings]
        chunks = [sha256_hex(hashes[a:b]) for a, b in chunk_spans(hashes)]
        assert sha256_hex(chunks) == pool.hash and pool.chunks == chunks
        record = session.get(RecommendationRecord, first["recommendation_id"])
        assert record is not None and record.pool_hash == pool.hash and record.opening_snapshots == []
        assert record.shortlist["shown_opening_ids"] == [s["opening_id"] for s in first["suggestions"]]
        assert len(json.dumps(record.shortlist)) < 20_000
    events = api.get("/audit/events", world.headers["auditor"], params={"kind": "recommendation"}).json()
    seals = {e["payload"]["record_id"]: e["payload"] for e in events["data"]}
    assert seals[first["recommendation_id"]]["pool_hash"] == first["pool_hash"]
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"]


def test_a_past_shortlist_is_rebuilt_exactly_after_the_openings_changed(
    api: Api, world: World, employer: dict
) -> None:
    h, client = world.headers["liaison1"], api.create_client(world.headers["spec1"])
    past = shortlist(api, world, client["id"], k=3, employer_id=employer["id"])
    top = past["suggestions"][0]
    changed = api.get(f"/openings/{top['opening_id']}", h).json()
    details = opening_details(title=top["title"] + " (days)", hourly_wage=30.0)
    update = {"version": changed["version"], "details": details}
    edited = api.put(f"/openings/{top['opening_id']}", h, json=update)
    assert edited.status_code == 200, edited.text
    closed = past["suggestions"][-1]["opening_id"]
    assert api.post(f"/openings/{closed}/close", h).status_code == 200
    now = shortlist(api, world, client["id"], k=3, employer_id=employer["id"])
    assert now["pool_hash"] != past["pool_hash"]

    rebuilt = api.get(
        f"/audit/recommendations/{past['recommendation_id']}/reconstruct", world.headers["auditor"]
    )
    assert rebuilt.status_code == 200, rebuilt.text
    assert rebuilt.json()["identical"] is True and rebuilt.json()["differences"] == []
    assert rebuilt.json()["pool_hash"] == past["pool_hash"]
    # the server-side rebuild itself: identical scores, contributions and texts
    with api.session() as session:
        record = session.get(RecommendationRecord, past["recommendation_id"])
        assert record is not None
        cache = api.app.state.matcher_cache
        again = reconstruct(session, record, text_model=cache.text_model, text_model_id=cache.text_model_id)
    engine = [{f: s[f] for f in ENGINE_FIELDS} for s in past["suggestions"]]
    assert [{f: s[f] for f in ENGINE_FIELDS} for s in again.shortlist["suggestions"]] == engine
    assert again.identical


def test_altered_pool_is_reported_by_verify(api: Api, world: World, employer: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    body = shortlist(api, world, client["id"], k=2, employer_id=employer["id"])
    with api.session() as session:
        (opening, *_) = load_pool(session, body["pool_hash"])
        key = sha256_hex(opening)
        original = session.execute(
            text("SELECT snapshot FROM opening_snapshots WHERE hash = :h"), {"h": key}
        ).scalar_one()
        session.execute(
            text("UPDATE opening_snapshots SET snapshot = :t WHERE hash = :h"),
            {"t": original.replace("Pool Bakery", "Pool Bakers"), "h": key},
        )
        session.commit()
    try:
        result = api.get("/audit/verify", world.headers["auditor"]).json()
        # the first pool holding that opening is named (an earlier one here: they share it)
        assert not result["ok"] and "pool of openings" in result["message"]
        assert "was altered" in result["message"]
        response = api.get(
            f"/audit/recommendations/{body['recommendation_id']}/reconstruct", world.headers["auditor"]
        )
        assert response.status_code == 409 and "was altered" in response.json()["detail"]
    finally:
        with api.session() as session:
            session.execute(
                text("UPDATE opening_snapshots SET snapshot = :t WHERE hash = :h"), {"t": original, "h": key}
            )
            session.commit()
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"]


def test_an_edit_stores_only_the_changed_opening_and_a_new_manifest(
    api: Api, world: World, employer: dict
) -> None:
    h, client = world.headers["liaison1"], api.create_client(world.headers["spec1"])
    before = shortlist(api, world, client["id"], k=2, employer_id=employer["id"])
    with api.session() as session:
        snapshots = int(session.scalar(select(func.count()).select_from(OpeningSnapshot)) or 0)
    opening_id = before["suggestions"][0]["opening_id"]
    current = api.get(f"/openings/{opening_id}", h).json()
    details = opening_details(title=current["details"]["title"], hourly_wage=22.5)
    assert (
        api.put(
            f"/openings/{opening_id}", h, json={"version": current["version"], "details": details}
        ).status_code
        == 200
    )
    after = shortlist(api, world, client["id"], k=2, employer_id=employer["id"])
    assert after["pool_hash"] != before["pool_hash"]
    with api.session() as session:
        # the edited opening is the one new snapshot; the others are shared with the older pool
        assert session.scalar(select(func.count()).select_from(OpeningSnapshot)) == snapshots + 1
        old, new = load_pool(session, before["pool_hash"]), load_pool(session, after["pool_hash"])
    assert [o["id"] for o in old] == [o["id"] for o in new]
    assert [o for o in new if o["id"] == opening_id][0]["hourly_wage"] == 22.5
    assert api.get("/audit/verify", world.headers["auditor"]).json()["ok"]


@pytest.mark.usefixtures("employer")
def test_exclusions_are_summarised_with_nearest_misses_and_paged_on_request(api: Api, world: World) -> None:
    client = api.create_client(world.headers["spec1"])
    body = shortlist(api, world, client["id"], k=3)
    summary = body["exclusions"]
    assert summary["counts"] == body["exclusion_counts"] and summary["n_excluded"] == body["n_excluded"]
    night = [m for m in summary["nearest_misses"] if m["title"] == "Night baker"]
    assert night and night[0]["employer"] == "Pool Bakery"
    assert night[0]["code"] == "SCHEDULE_OUTSIDE_AVAILABILITY" and night[0]["why"]
    assert len(summary["nearest_misses"]) <= 5
    scores = [m["score"] for m in summary["nearest_misses"]]
    assert scores == sorted(scores, reverse=True)
    why = api.get(summary["why_not"].format(opening_id=night[0]["opening_id"]), world.headers["spec1"]).json()
    assert why["suggested"] is False and why["reasons"][0]["code"] == night[0]["code"]

    url, h = summary["all"], world.headers["spec1"]
    pages, page = [], 1
    while True:
        got = api.get(url, h, params={"page": page, "per_page": 2}).json()
        assert got["total"] == body["n_excluded"] and len(got["data"]) <= 2
        if not got["data"]:
            break
        pages += got["data"]
        page += 1
    assert len(pages) == body["n_excluded"] == len({p["opening_id"] for p in pages})
    assert all(p["reasons"] and p["title"] and p["employer"] for p in pages)
    for code, count in body["exclusion_counts"].items():
        got = api.get(url, h, params={"reason": code, "per_page": 200}).json()
        assert got["total"] == count and all(code in [r["code"] for r in p["reasons"]] for p in got["data"])
    bad = api.get(url, h, params={"reason": "NOPE"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "reason"]
    other = api.get(url, world.headers["spec2"])
    assert other.status_code in (403, 404)
