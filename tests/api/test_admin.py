"""Admin: users, caseload and employer assignments, versioned program configuration."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Api, World


def test_admin_creates_lists_reads_and_updates_users(api: Api, world: World) -> None:
    h = world.headers["admin"]
    body = {"username": "new.specialist", "password": PASSWORD, "role": "specialist", "full_name": "N S"}
    created = api.post("/users", h, json=body)
    assert created.status_code == 201
    user = created.json()
    assert user["role"] == "specialist" and user["is_active"] is True and "password" not in user
    assert api.post("/users", h, json=body | {"username": "NEW.SPECIALIST"}).status_code == 409
    specialists = api.get("/users", h, params={"role": "specialist"}).json()["data"]
    assert user["id"] in {u["id"] for u in specialists}
    assert all(u["role"] == "specialist" for u in specialists)
    assert api.get(f"/users/{user['id']}", h).json() == user
    assert api.get("/users/999999", h).status_code == 404
    renamed = api.patch(f"/users/{user['id']}", h, json={"full_name": "Nia S", "password": "a new password"})
    assert renamed.status_code == 200 and renamed.json()["full_name"] == "Nia S"
    login = api.post("/login/access-token", data={"username": "new.specialist", "password": "a new password"})
    assert login.status_code == 200


def test_user_input_is_strict(api: Api, world: World) -> None:
    h = world.headers["admin"]
    base = {"username": "someone", "password": PASSWORD, "role": "specialist"}
    for body, field in (
        (base | {"role": "superuser"}, "role"),
        (base | {"password": "short"}, "password"),
        (base | {"username": "a b"}, "username"),
        (base | {"is_admin": True}, "is_admin"),
    ):
        response = api.post("/users", h, json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert api.patch(f"/users/{world.users['spec1'].id}", h, json={"role": "admin"}).status_code == 422


def test_admin_cannot_deactivate_themselves(api: Api, world: World) -> None:
    response = api.patch(
        f"/users/{world.users['admin'].id}", world.headers["admin"], json={"is_active": False}
    )
    assert response.status_code == 409


def test_caseloads_show_ids_only_and_reassignment_moves_access(api: Api, world: World) -> None:
    client = api.create_client(world.headers["spec1"])
    caseloads = api.get("/assignments/caseloads", world.headers["admin"])
    assert caseloads.status_code == 200
    entry = next(c for c in caseloads.json()["data"] if c["client_id"] == client["id"])
    assert entry == {"client_id": client["id"], "specialist_id": world.users["spec1"].id, "status": "active"}
    assert "profile" not in caseloads.text and "home" not in caseloads.text
    path = f"/assignments/caseloads/{client['id']}"
    moved = api.put(path, world.headers["admin"], json={"specialist_id": world.users["spec2"].id})
    assert moved.status_code == 200 and moved.json()["specialist_id"] == world.users["spec2"].id
    assert api.get(f"/clients/{client['id']}", world.headers["spec1"]).status_code == 404
    assert api.get(f"/clients/{client['id']}", world.headers["spec2"]).status_code == 200
    to_liaison = api.put(path, world.headers["admin"], json={"specialist_id": world.users["liaison1"].id})
    assert to_liaison.status_code == 400
    assert (
        api.put(
            "/assignments/caseloads/C-MISSING",
            world.headers["admin"],
            json={"specialist_id": world.users["spec1"].id},
        ).status_code
        == 404
    )
    events = api.get(
        "/audit/events",
        world.headers["auditor"],
        params={"client_id": client["id"], "kind": "caseload.assigned"},
    ).json()["data"]
    assert events[0]["payload"] == {
        "from_specialist": world.users["spec1"].id,
        "to_specialist": world.users["spec2"].id,
    }


def test_program_configuration_is_versioned(api: Api, world: World) -> None:
    h = world.headers["admin"]
    before = api.get("/config", h).json()
    assert before["version"] >= 0
    weights = {
        "preference": 0.4,
        "strengths": 0.1,
        "cognitive": 0.15,
        "accommodation": 0.1,
        "commute": 0.1,
        "schedule": 0.05,
        "wage": 0.1,
    }
    response = api.put(
        "/config", h, json={"config": {"scoring": {"weights": weights}}, "note": "more weight on preferences"}
    )
    assert response.status_code == 200
    new = response.json()
    assert new["version"] == before["version"] + 1
    assert new["config"]["scoring"]["weights"] == weights
    assert new["config_hash"] != before["config_hash"]
    assert api.get("/config", world.headers["auditor"]).json() == new
    versions = api.get("/config/versions", h).json()
    assert versions["data"][0]["version"] == new["version"]
    assert api.put("/config", world.headers["auditor"], json={"config": {}}).status_code == 403
    events = api.get("/audit/events", world.headers["auditor"], params={"kind": "config.updated"}).json()
    assert events["data"][-1]["payload"]["config_hash"] == new["config_hash"]


def test_invalid_configuration_is_422_naming_the_problem(api: Api, world: World) -> None:
    h = world.headers["admin"]
    before = api.get("/config", h).json()["version"]
    cases = [
        ({"scoring": {"weights": {"preference": 1}}}, "scoring.weights"),
        ({"scoring": {"neutral": "half"}}, "config.scoring.neutral"),
        ({"ranking": {"k": 0}}, "ranking.k"),
        ({"astrology": {}}, "astrology"),
        ({"ranking": {"k": 2.5}}, "config.ranking.k"),
    ]
    for config, words in cases:
        response = api.put("/config", h, json={"config": config})
        assert response.status_code == 422, config
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["body", "config"] and words in detail["msg"], detail
    assert api.get("/config", h).json()["version"] == before
