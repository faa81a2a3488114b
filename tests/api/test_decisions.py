"""Decisions on suggestions and placement outcomes (specialist), each an audit event."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, World


@pytest.fixture(scope="module")
def opening(api: Api, world: World) -> dict[str, Any]:
    employer = api.create_employer(world.headers["liaison1"])
    # Enough positions that the placements recorded here never fill it (that is tested elsewhere).
    return api.create_opening(world.headers["liaison1"], employer["id"], positions=100)


def decide(api: Api, world: World, client_id: str, **body: Any) -> Any:
    return api.post(f"/clients/{client_id}/decisions", world.headers["spec1"], json=body)


def shown_in(api: Api, world: World, client_id: str, opening: dict[str, Any]) -> str:
    """The id of a shortlist of the client that shows ``opening``."""
    params = {"k": 5, "employer_id": opening["employer_id"]}
    response = api.get(f"/clients/{client_id}/shortlist", world.headers["spec1"], params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert opening["id"] in {s["opening_id"] for s in body["suggestions"]}
    return str(body["recommendation_id"])


def decisions_of(api: Api, world: World, client_id: str) -> list[dict[str, Any]]:
    response = api.get(f"/clients/{client_id}/decisions", world.headers["spec1"])
    return response.json()["data"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("action", ["approve", "applied", "interview", "hired", "not_hired"])
def test_actions_without_reason_are_recorded(api: Api, world: World, opening: dict, action: str) -> None:
    client = api.create_client(world.headers["spec1"])
    record = shown_in(api, world, client["id"], opening)
    response = decide(
        api,
        world,
        client["id"],
        opening_id=opening["id"],
        action=action,
        note="spoke with J.",
        recommendation_id=record,
    )
    assert response.status_code == 201
    decision = response.json()
    assert decision["action"] == action and decision["reason_code"] is None
    assert decision["actor_id"] == world.users["spec1"].id
    listed = api.get(f"/clients/{client['id']}/decisions", world.headers["spec1"]).json()
    assert listed["data"] == [decision]
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": client["id"], "kind": "decision"}
    ).json()["data"]
    assert events[0]["opening_id"] == opening["id"]
    # The note is kept outside the chain (redactable); the event holds its salted hash only.
    assert events[0]["payload"]["action"] == action and "spoke with J." not in str(events[0]["payload"])
    assert len(events[0]["payload"]["note_sha256"]) == 64


def test_reject_needs_a_reason_code_from_the_fixed_list(api: Api, world: World, opening: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    record = shown_in(api, world, client["id"], opening)
    missing = decide(
        api, world, client["id"], opening_id=opening["id"], action="reject", recommendation_id=record
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "reason_code"]
    assert "required when action is reject" in missing.json()["detail"][0]["msg"]
    unknown = decide(
        api,
        world,
        client["id"],
        opening_id=opening["id"],
        action="reject",
        reason_code="vibes",
        recommendation_id=record,
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "reason_code"]
    misplaced = decide(
        api,
        world,
        client["id"],
        opening_id=opening["id"],
        action="hired",
        reason_code="pay",
        recommendation_id=record,
    )
    assert misplaced.status_code == 422
    ok = decide(
        api,
        world,
        client["id"],
        opening_id=opening["id"],
        action="reject",
        reason_code="schedule",
        note="evening classes",
        recommendation_id=record,
    )
    assert ok.status_code == 201 and ok.json()["reason_code"] == "schedule"
    restore = decide(api, world, client["id"], opening_id=opening["id"], action="restore")
    assert restore.status_code == 422  # restoring has its own endpoint


def test_decision_on_missing_opening_or_closed_client(api: Api, world: World, opening: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    record = shown_in(api, world, client["id"], opening)
    missing = decide(
        api, world, client["id"], opening_id="O-MISSING", action="approve", recommendation_id=record
    )
    assert missing.status_code == 404 and missing.json() == {"detail": "Opening not found"}
    api.post(f"/clients/{client['id']}/close", world.headers["spec1"])
    closed = decide(
        api, world, client["id"], opening_id=opening["id"], action="approve", recommendation_id=record
    )
    assert closed.status_code == 409 and closed.json() == {"detail": "Client is closed"}


def test_placement_start_end_and_separation(api: Api, world: World, opening: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    base, h = f"/clients/{client['id']}/placements", world.headers["spec1"]
    created = api.post(base, h, json={"opening_id": opening["id"], "start_date": "2026-03-09"})
    assert created.status_code == 201
    placement = created.json()
    assert placement["end_date"] is None and placement["version"] == 1
    path = f"{base}/{placement['id']}"
    no_reason = api.patch(path, h, json={"version": 1, "end_date": "2026-06-30"})
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "separation_reason"]
    before_start = api.patch(
        path, h, json={"version": 1, "end_date": "2026-03-01", "separation_reason": "fired"}
    )
    assert before_start.status_code == 409
    ended = api.patch(
        path,
        h,
        json={
            "version": 1,
            "end_date": "2026-06-30",
            "separation_reason": "quit_better_job",
            "note": "better hours",
        },
    )
    assert ended.status_code == 200
    assert ended.json()["separation_reason"] == "quit_better_job" and ended.json()["version"] == 2
    stale = api.patch(path, h, json={"version": 1, "end_date": "2026-07-30", "separation_reason": "moved"})
    assert stale.status_code == 409
    assert api.get(base, h).json()["data"] == [ended.json()]
    assert api.patch(f"{base}/999999", h, json={"version": 1}).status_code == 404
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": client["id"], "kind": "outcome"}
    ).json()["data"]
    assert [e["payload"]["end_date"] for e in events] == [None, "2026-06-30"]


def test_placement_input_is_validated(api: Api, world: World, opening: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    base, h = f"/clients/{client['id']}/placements", world.headers["spec1"]
    cases = [
        (
            {
                "opening_id": opening["id"],
                "start_date": "2026-03-09",
                "end_date": "2026-03-01",
                "separation_reason": "fired",
            },
            "end_date",
        ),
        (
            {"opening_id": opening["id"], "start_date": "2026-03-09", "separation_reason": "fired"},
            "separation_reason",
        ),
        ({"opening_id": opening["id"], "start_date": "March 9th"}, "start_date"),
        ({"opening_id": opening["id"], "start_date": "2026-03-09", "hired_by": "me"}, "hired_by"),
    ]
    for body, field in cases:
        response = api.post(base, h, json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"] == ["body", field]


def test_other_specialists_client_decisions_are_404(api: Api, world: World, opening: dict) -> None:
    theirs = api.create_client(world.headers["spec2"])
    for method, path, body in (
        (
            "post",
            "/decisions",
            {"opening_id": opening["id"], "action": "approve", "recommendation_id": "R-1"},
        ),
        ("get", "/decisions", None),
        ("get", "/placements", None),
        ("post", "/placements", {"opening_id": opening["id"], "start_date": "2026-03-09"}),
        ("get", "/rejections", None),
    ):
        call = getattr(api, method)
        kwargs = {"json": body} if body else {}
        response = call(f"/clients/{theirs['id']}{path}", world.headers["spec1"], **kwargs)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Client not found"}


def _refused(response: Any, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field], response.json()


def test_a_decision_must_name_the_record_that_showed_the_opening(
    api: Api, world: World, opening: dict
) -> None:
    client = api.create_client(world.headers["spec1"])
    cid = client["id"]
    _refused(decide(api, world, cid, opening_id=opening["id"], action="approve"), "recommendation_id")
    nowhere = decide(api, world, cid, opening_id=opening["id"], action="hired", recommendation_id="no-such")
    _refused(nowhere, "recommendation_id")
    other = api.create_client(world.headers["spec1"])
    theirs = shown_in(api, world, other["id"], opening)
    _refused(
        decide(api, world, cid, opening_id=opening["id"], action="hired", recommendation_id=theirs),
        "recommendation_id",
    )
    # A record of this client that did not show the opening (a second opening, filtered out).
    elsewhere = api.create_employer(world.headers["liaison1"])
    unshown = api.create_opening(world.headers["liaison1"], elsewhere["id"])
    record = shown_in(api, world, cid, opening)
    _refused(
        decide(api, world, cid, opening_id=unshown["id"], action="approve", recommendation_id=record),
        "opening_id",
    )
    assert decisions_of(api, world, cid) == []
    ok = decide(api, world, cid, opening_id=opening["id"], action="approve", recommendation_id=record)
    assert ok.status_code == 201 and ok.json()["recommendation_id"] == record


def test_a_nightly_record_counts_as_a_recommendation(api: Api, world: World, opening: dict) -> None:
    from api.audit.write import record_recommendation

    client = api.create_client(world.headers["spec1"])
    with api.session() as session:
        record = record_recommendation(
            session,
            actor="rematch",
            client_snapshot={"id": client["id"]},
            opening_snapshots=[{"id": opening["id"]}],
            shortlist={"run_id": 1, "suggestions": [{"opening_id": opening["id"], "rank": 1}]},
            engine_version="test",
            config_hash="test",
            kind="rematch",
        )
        session.commit()
        record_id = record.id
    ok = decide(
        api, world, client["id"], opening_id=opening["id"], action="approve", recommendation_id=record_id
    )
    assert ok.status_code == 201, ok.text


def test_a_specialist_found_opening_needs_a_reason(api: Api, world: World, opening: dict) -> None:
    client = api.create_client(world.headers["spec1"])
    cid, found = (
        client["id"],
        {"opening_id": opening["id"], "action": "approve", "source": "specialist_found"},
    )
    _refused(decide(api, world, cid, **found), "source_reason")
    _refused(decide(api, world, cid, **found, source_reason="   "), "source_reason")
    _refused(
        decide(api, world, cid, **found, source_reason="cousin", recommendation_id="x"), "recommendation_id"
    )
    record = shown_in(api, world, cid, opening)
    stray = decide(
        api,
        world,
        cid,
        opening_id=opening["id"],
        action="approve",
        recommendation_id=record,
        source_reason="x",
    )
    _refused(stray, "source_reason")
    assert decisions_of(api, world, cid) == []
    ok = decide(api, world, cid, **found, source_reason="Saw the sign in the window")
    assert ok.status_code == 201 and ok.json()["recommendation_id"] is None
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": cid, "kind": "decision"}
    ).json()["data"]
    assert events[-1]["payload"]["source"] == "specialist_found"
    # free text stays out of the unerasable chain: the event holds its note id and salted hash
    payload = events[-1]["payload"]
    assert "source_reason" not in payload and "Saw the sign in the window" not in map(str, payload.values())
    assert payload["source_reason_note_id"] and payload["source_reason_sha256"]


@pytest.mark.parametrize("state", ["fill", "close"])
def test_a_filled_or_closed_opening_takes_no_new_approval(api: Api, world: World, state: str) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    target = api.create_opening(world.headers["liaison1"], employer["id"])
    client = api.create_client(world.headers["spec1"])
    record = shown_in(api, world, client["id"], target)
    response = api.post(f"/openings/{target['id']}/{state}", world.headers["liaison1"])
    assert response.status_code == 200, response.text
    body = {"opening_id": target["id"], "recommendation_id": record}
    refused = decide(api, world, client["id"], action="approve", **body)
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"] == f"Opening is {'filled' if state == 'fill' else 'closed'}"
    assert decisions_of(api, world, client["id"]) == []
    assert decide(api, world, client["id"], action="hired", **body).status_code == 201
