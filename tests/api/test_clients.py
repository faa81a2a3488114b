"""Clients on a specialist's caseload: create, read, update with versions, pause/close."""

from __future__ import annotations

import pytest

from tests.api.conftest import HOME, Api, World, client_profile


def test_create_assigns_id_and_owner_and_normalises_the_profile(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"], label="J.D.", zip="60614", home=None)
    assert created["id"].startswith("C-")
    assert created["specialist_id"] == world.users["spec1"].id
    assert created["status"] == "active" and created["version"] == 1
    assert created["label"] == "J.D."
    home = created["profile"]["home"]  # the ZIP code was resolved to coordinates
    assert 41.8 < home["lat"] < 42.0 and -87.8 < home["lon"] < -87.6
    assert "id" not in created["profile"]


def test_read_returns_etag_and_is_an_audit_event(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"])
    response = api.get(f"/clients/{created['id']}", world.headers["spec1"])
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.json() == created
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": created["id"], "kind": "client.read"}
    ).json()
    assert [e["actor"] for e in events["data"]] == [world.users["spec1"].username]


def test_list_shows_only_the_callers_caseload(api: Api, world: World) -> None:
    mine = api.create_client(world.headers["spec1"])
    theirs = api.create_client(world.headers["spec2"])
    ids = {c["id"] for c in api.get("/clients", world.headers["spec1"]).json()["data"]}
    assert mine["id"] in ids and theirs["id"] not in ids
    paused = api.get("/clients", world.headers["spec1"], params={"status": "paused"}).json()
    assert mine["id"] not in {c["id"] for c in paused["data"]}


def test_another_specialists_client_is_indistinguishable_from_a_missing_one(api: Api, world: World) -> None:
    theirs = api.create_client(world.headers["spec2"])
    other = api.get(f"/clients/{theirs['id']}", world.headers["spec1"])
    missing = api.get("/clients/C-DOESNOTEXIST", world.headers["spec1"])
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() == {"detail": "Client not found"}
    assert other.headers.get("ETag") is None


@pytest.mark.parametrize(
    ("profile", "loc", "words"),
    [
        ({"modes": ["rocket"]}, ["body", "profile", "modes", 0], "unknown travel mode"),
        ({"availability": ["Someday 9-5"]}, ["body", "profile", "availability", 0], "unknown day"),
        ({"capacity": {"telepathy": 3}}, ["body", "profile", "capacity", "telepathy"], "unknown"),
        ({"capacity": {"attention": 9}}, ["body", "profile", "capacity", "attention"], "range"),
        (
            {"accommodations": {"quiet_moon": "required"}},
            ["body", "profile", "accommodations", "quiet_moon"],
            "unknown",
        ),
        ({"min_hours": 30, "max_hours": 10}, ["body", "profile", "min_hours"], "greater"),
        ({"home": None}, ["body", "profile", "home"], "missing location"),
        ({"home": None, "zip": "00000"}, ["body", "profile", "zip"], "unknown US ZIP"),
        ({"priorities": {"luck": "high"}}, ["body", "profile", "priorities", "luck"], "unknown"),
        # an industry the engine does not know would exclude nothing: refused, pointed to keywords
        (
            {"exclusions": {"industries": ["retail", "zzzz"], "employers": [], "keywords": []}},
            ["body", "profile", "exclusions", "industries", 1],
            "names none of the industries",
        ),
        (
            {"exclusions": {"industries": ["casino"], "employers": [], "keywords": []}},
            ["body", "profile", "exclusions", "industries", 0],
            "avoidance topic 'gambling': add it to exclusions.keywords",
        ),
        (
            {"exclusions": {"industries": [], "employers": [], "keywords": ["night", "!!!"]}},
            ["body", "profile", "exclusions", "keywords", 1],
            "holds no word",
        ),
    ],
)
def test_invalid_profile_is_422_naming_the_field(
    api: Api, world: World, profile: dict, loc: list[str], words: str
) -> None:
    body = {"profile": client_profile(**profile)}
    response = api.post("/clients", world.headers["spec1"], json=body)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == loc
    assert words in error["msg"]


@pytest.mark.parametrize("field", ["id", "specialist_id", "status", "version", "diagnosis"])
def test_unknown_and_protected_fields_are_rejected(api: Api, world: World, field: str) -> None:
    body = {"profile": client_profile(), field: "x"}
    response = api.post("/clients", world.headers["spec1"], json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_diagnosis_is_refused_inside_the_profile_too(api: Api, world: World) -> None:
    body = {"profile": client_profile(diagnosis="schizophrenia")}
    response = api.post("/clients", world.headers["spec1"], json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "profile", "diagnosis"]


def test_update_with_current_version_bumps_it(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"])
    body = {"version": 1, "label": "new label", "profile": client_profile(max_commute_minutes=30)}
    response = api.put(f"/clients/{created['id']}", world.headers["spec1"], json=body)
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.headers["ETag"] == '"2"'
    again = api.get(f"/clients/{created['id']}", world.headers["spec1"]).json()
    assert again["label"] == "new label"
    assert again["profile"]["max_commute_minutes"] == 30


def test_stale_version_is_409_and_stale_if_match_is_412(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"])
    path, h = f"/clients/{created['id']}", world.headers["spec1"]
    ok = api.put(path, h, json={"version": 1, "profile": client_profile(max_hours=20)})
    assert ok.status_code == 200
    stale = api.put(path, h, json={"version": 1, "profile": client_profile(max_hours=25)})
    assert stale.status_code == 409
    assert stale.json() == {"detail": "Version mismatch: current version is 2"}
    stale_tag = api.put(
        path, {**h, "If-Match": '"1"'}, json={"version": 2, "profile": client_profile(max_hours=25)}
    )
    assert stale_tag.status_code == 412
    current = api.get(path, h).json()
    assert current["version"] == 2 and current["profile"]["max_hours"] == 20
    good_tag = api.put(path, {**h, "If-Match": '"2"'}, json={"version": 2, "profile": client_profile()})
    assert good_tag.status_code == 200 and good_tag.json()["version"] == 3


def test_pause_resume_close_transitions(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"])
    path, h = f"/clients/{created['id']}", world.headers["spec1"]
    assert api.post(f"{path}/resume", h).status_code == 409  # already active
    paused = api.post(f"{path}/pause", h)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert api.post(f"{path}/pause", {**h, "If-Match": '"1"'}).status_code == 412
    assert api.post(f"{path}/resume", h).json()["status"] == "active"
    closed = api.post(f"{path}/close", h)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    for action in ("pause", "resume", "close"):
        assert api.post(f"{path}/{action}", h).status_code == 409
    version = closed.json()["version"]
    edit = api.put(path, h, json={"version": version, "profile": client_profile()})
    assert edit.status_code == 409 and edit.json() == {"detail": "Client is closed"}
    kinds = [
        e["payload"]["status"]
        for e in api.get(
            "/audit/events",
            world.headers["auditor"],
            params={"client_id": created["id"], "kind": "client.status"},
        ).json()["data"]
    ]
    assert kinds == ["paused", "active", "closed"]


def test_home_location_is_only_in_the_owners_responses(api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"], home={"lat": 41.912345, "lon": -87.654321})
    secret = "41.912345"
    assert secret in api.get(f"/clients/{created['id']}", world.headers["spec1"]).text
    for who in ("spec2", "liaison1", "auditor", "admin"):
        for path in (
            f"/clients/{created['id']}",
            "/clients",
            "/audit/events",
            "/assignments/caseloads",
            "/audit/events/export",
        ):
            assert secret not in api.get(path, world.headers[who]).text, (who, path)


def test_profile_round_trips(api: Api, world: World) -> None:
    profile = client_profile(
        home=HOME,
        riasec=[1, 2, 3, 4, 5, 6],
        accommodations={"flexible_schedule": "required"},
        exclusions={"industries": ["retail"], "employers": [], "keywords": ["night"]},
        priorities={"commute": "high"},
        earnings_cap=1500,
        receives_ssi=True,
        discloses=True,
    )
    created = api.create_client(world.headers["spec1"], **profile)
    shown = created["profile"]
    for key in (
        "riasec",
        "accommodations",
        "exclusions",
        "priorities",
        "earnings_cap",
        "receives_ssi",
        "discloses",
        "home",
    ):
        assert shown[key] == profile[key], key


def test_nul_characters_and_oversized_ids_are_422_not_database_errors(api: Api, world: World) -> None:
    h = world.headers["spec1"]
    body = {"label": "a\x00b", "profile": client_profile()}
    response = api.post("/clients", h, json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "label"]
    nested = api.post("/clients", h, json={"profile": client_profile(interests=["ok", "bad\x00"])})
    assert nested.status_code == 422
    assert nested.json()["detail"][0]["loc"] == ["body", "profile", "interests"]
    in_path = api.get("/clients/C-%00", h)
    assert in_path.status_code == 422 and in_path.json()["detail"][0]["loc"] == ["path", "client_id"]
    in_query = api.get("/audit/events", world.headers["auditor"], params={"client_id": "x\x00"})
    assert in_query.status_code == 422 and in_query.json()["detail"][0]["loc"] == ["query", "client_id"]
    huge = api.put("/assignments/caseloads/C-X", world.headers["admin"], json={"specialist_id": 2**40})
    assert huge.status_code == 422
    assert api.get(f"/users/{2**40}", world.headers["admin"]).status_code == 422
