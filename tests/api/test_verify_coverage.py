"""The online verify covers the tables that feed a recommendation: decisions, placements, configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.tamper_util import fresh_api, tamper

WEIGHTS = {
    "preference": 0.4,
    "strengths": 0.1,
    "cognitive": 0.15,
    "accommodation": 0.1,
    "commute": 0.1,
    "schedule": 0.05,
    "wage": 0.1,
}


def _verify(api, world) -> dict:  # type: ignore[no-untyped-def]
    return api.get("/audit/verify", world.headers["auditor"]).json()  # type: ignore[no-any-return]


def _records(api, world) -> dict:  # type: ignore[no-untyped-def]
    """A client with a rejection and a placement, two openings, a stored configuration version."""
    h = world.headers
    employer = api.create_employer(h["liaison1"])
    first, second = (api.create_opening(h["liaison1"], employer["id"]) for _ in range(2))
    client = api.create_client(h["spec1"])
    decision = api.post(
        f"/clients/{client['id']}/decisions",
        h["spec1"],
        json={
            "opening_id": first["id"],
            "action": "reject",
            "reason_code": "schedule",
            "note": "Sat shifts",
            "source": "specialist_found",
            "source_reason": "Found on the employer's board",
        },
    ).json()
    placement = api.post(
        f"/clients/{client['id']}/placements",
        h["spec1"],
        json={"opening_id": second["id"], "start_date": "2026-03-09"},
    ).json()
    update = {"version": 1, "end_date": "2026-05-01", "separation_reason": "transport"}
    assert (
        api.patch(
            f"/clients/{client['id']}/placements/{placement['id']}", h["spec1"], json=update
        ).status_code
        == 200
    )
    config = {"config": {"scoring": {"weights": WEIGHTS}}, "note": "more weight on preferences"}
    assert api.put("/config", h["admin"], json=config).status_code == 200
    return {"client": client, "decision": decision, "placement": placement, "openings": (first, second)}


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("UPDATE decisions SET action = 'approve', reason_code = NULL", "was altered: action, reason_code"),
        ("UPDATE decisions SET note = 'edited afterwards'", "was altered: note"),
        ("UPDATE decisions SET recommendation_id = 'rec-forged'", "was altered: recommendation_id"),
        ("DELETE FROM decisions", "recorded by event"),
        ("UPDATE placements SET end_date = NULL, separation_reason = NULL", "was altered: end_date"),
        ("UPDATE program_configs SET config = REPLACE(config, '0.4', '0.9')", "configuration version 1"),
    ],
)
def test_changed_row_behind_a_recommendation_is_reported(
    backend: str, tmp_path: Path, statement: str, words: str
) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        _records(api, world)
        result = _verify(api, world)
        assert result["ok"], result["message"]  # edits through the service verify
        if backend == "postgresql" and "REPLACE(config" in statement:  # a json column there
            replaced = "REPLACE(CAST(config AS TEXT), '0.4', '0.9')"
            statement = f"UPDATE program_configs SET config = CAST({replaced} AS JSON)"
        tamper(url, statement)
        result = _verify(api, world)
        assert not result["ok"] and words in result["message"], result["message"]


def test_decision_written_outside_the_service_is_reported(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        made = _records(api, world)
        client_id, opening_id = made["client"]["id"], made["openings"][1]["id"]
        actor = world.users["spec1"].id
        tamper(
            url,
            "INSERT INTO decisions (id, client_id, opening_id, action, note, actor_id, at) VALUES "
            f"(999, '{client_id}', '{opening_id}', 'hired', '', {actor}, '2026-03-02 10:00:00+00:00')",
        )
        result = _verify(api, world)
        assert (result["ok"], result["first_broken_seq"]) == (False, 0)
        assert "decision 999 has no audit event" in result["message"]
