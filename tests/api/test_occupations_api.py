"""The O*NET occupation store in the HTTP service: inferred demands and strengths, accept, remove.

The app here points ``occupations_store`` at a store imported from the tiny
synthetic O*NET release of the occupations tests (Dishwashers, Cashiers, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.cli import IMPORT_COMMAND, occupations_line
from api.config import Settings
from api.deps import get_matcher
from api.main import create_app
from api.matching import MatcherCache, load_occupations
from api.rematch import work as rematch_work
from api.rematch.models import RematchRun
from api.rematch.run import JobOptions, run_job
from matcher.occupations import import_onet
from tests.api.conftest import (
    Api,
    World,
    fresh_database,
    make_settings,
    make_test_client,
    opening_details,
)
from tests.matcher.occupations import synthetic

DIMENSIONS = ("attention", "memory", "pace", "multitasking", "complexity", "public_contact", "change")
INFERRED_DEMAND = "inferred from the O*NET occupation"
INFERRED_STRENGTH = "inferred from work history"


def pool_openings(api: Api, world: World, record: dict[str, Any], opening_id: str) -> list[dict[str, Any]]:
    """The snapshots of ``opening_id`` in the pool a recommendation record references."""
    url = f"/audit/pools/{record['pool_hash']}/openings"
    response = api.get(url, world.headers["auditor"], params={"opening_id": opening_id})
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    release = synthetic.write_release(tmp_path_factory.mktemp("onet") / "release")
    out = tmp_path_factory.mktemp("occupations") / "store"
    import_onet([release], out)
    return out


@pytest.fixture(scope="module")
def api(backend: str, tmp_path_factory: pytest.TempPathFactory, store_dir: Path) -> Iterator[Api]:
    """A running app whose settings point at the tiny occupation store."""
    directory = tmp_path_factory.mktemp(f"occ-api-{backend}")
    with fresh_database(backend, directory) as url:
        app = create_app(make_settings(directory, url, occupations_store=store_dir))
        with make_test_client(app) as client:
            yield Api(app=app, client=client)


@pytest.fixture(scope="module")
def dish_opening(api: Api, world: World) -> dict[str, Any]:
    """A Dishwasher opening without liaison demands or skills: the occupation fills them."""
    employer = api.create_employer(world.headers["liaison1"])
    details = opening_details(title="Dishwasher", demands={}, description="Wash dishes in a busy kitchen.")
    return api.create_opening(world.headers["liaison1"], employer["id"], **details)


def dishwasher_client(api: Api, world: World, **overrides: Any) -> dict[str, Any]:
    # Low capacity on every dimension, so the inferred demands show up as named gaps.
    profile = {"past_titles": ["Dishwasher"], "capacity": dict.fromkeys(DIMENSIONS, 1)} | overrides
    return api.create_client(world.headers["spec1"], **profile)


def texts(suggestion: dict[str, Any]) -> list[str]:
    """Every reason text of a suggestion (positives, concerns, hints)."""
    return [r["text"] for kind in ("positives", "concerns", "hints") for r in suggestion[kind]]


def reasons_for(shortlist: dict[str, Any], opening_id: str) -> list[str]:
    (item,) = [s for s in shortlist["suggestions"] if s["opening_id"] == opening_id]
    return texts(item)


def test_shortlist_shows_inferred_demands_and_strengths(
    api: Api, world: World, dish_opening: dict[str, Any]
) -> None:
    client = dishwasher_client(api, world)
    h = world.headers["spec1"]
    shortlist = api.post(f"/clients/{client['id']}/shortlist", h, json={"k": 5}).json()
    assert shortlist["occupation_store"] is True
    reasons = reasons_for(shortlist, dish_opening["id"])
    assert any(INFERRED_DEMAND in t for t in reasons), reasons
    assert any("clean tableware (inferred from work history)" in t.lower() for t in reasons), reasons
    # The stored client is unchanged; the audit record keeps what the engine saw.
    assert api.get(f"/clients/{client['id']}", h).json()["profile"]["inferred_strengths"] == []
    record = api.get(f"/audit/recommendations/{shortlist['recommendation_id']}", world.headers["auditor"])
    snapshot = record.json()
    assert "Clean tableware" in snapshot["client_snapshot"]["inferred_strengths"]
    (opening,) = pool_openings(api, world, snapshot, dish_opening["id"])
    assert opening["onet_soc"] == "35-9021.00" and opening["skills_inferred"]
    assert set(opening["inferred_demands"]) == set(DIMENSIONS)
    explained = api.get(f"/clients/{client['id']}/openings/{dish_opening['id']}/explain", h).json()
    assert explained["suggested"] and any(INFERRED_STRENGTH in t for t in texts(explained))


def test_inferred_strengths_name_their_source(api: Api, world: World) -> None:
    client = dishwasher_client(api, world, past_titles=["Dishwasher", "Cashier"])
    response = api.get(f"/clients/{client['id']}/inferred-strengths", world.headers["spec1"])
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json()
    assert body["occupation_store"] is True and body["count"] == len(body["data"]) > 0
    by_phrase = {s["phrase"]: s for s in body["data"]}
    assert by_phrase["Clean tableware"] == {
        "phrase": "Clean tableware",
        "kind": "activity",
        "source_title": "Dishwasher",
        "code": "35-9021.00",
        "occupation": "Dishwashers",
    }
    assert by_phrase["Process sales or other transactions"]["code"] == "41-2011.00"
    assert body["removed"] == []


def test_accept_moves_a_phrase_into_strengths(api: Api, world: World, dish_opening: dict[str, Any]) -> None:
    client = dishwasher_client(api, world)
    h, path = world.headers["spec1"], f"/clients/{client['id']}/inferred-strengths"
    response = api.post(path + "/accept", h, json={"version": 1, "phrases": ["clean tableware"]})
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert response.json()["profile"]["strengths"] == ["Clean tableware"]  # spelled as inferred
    assert [s["phrase"] for s in api.get(path, h).json()["data"]] == ["Clean food preparation areas"]
    shortlist = api.post(f"/clients/{client['id']}/shortlist", h, json={}).json()
    reasons = reasons_for(shortlist, dish_opening["id"])
    assert any("clean tableware" in t.lower() for t in reasons), reasons  # now an own strength
    assert not any("clean tableware (inferred" in t.lower() for t in reasons), reasons
    again = api.post(path + "/accept", h, json={"version": 1, "phrases": ["Clean food preparation areas"]})
    assert again.status_code == 409 and again.json()["detail"].startswith("Version mismatch")
    precondition = api.post(
        path + "/accept",
        {**h, "If-Match": '"1"'},
        json={"version": 2, "phrases": ["Clean food preparation areas"]},
    )
    assert precondition.status_code == 412
    unknown = api.post(path + "/accept", h, json={"version": 2, "phrases": ["Flying a plane"]})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "phrases", 0]


def test_remove_keeps_a_phrase_from_coming_back(api: Api, world: World, dish_opening: dict[str, Any]) -> None:
    client = dishwasher_client(api, world)
    h, path = world.headers["spec1"], f"/clients/{client['id']}/inferred-strengths"
    response = api.post(path + "/remove", h, json={"phrases": ["CLEAN TABLEWARE"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["removed"] == ["Clean tableware"]
    assert [s["phrase"] for s in body["data"]] == ["Clean food preparation areas"]
    again = api.post(path + "/remove", h, json={"phrases": ["Clean tableware"]})
    assert again.status_code == 200  # removing twice is allowed
    assert api.get(path, h).json()["removed"] == ["Clean tableware"]
    shortlist = api.post(f"/clients/{client['id']}/shortlist", h, json={}).json()
    assert not any("clean tableware" in t.lower() for t in reasons_for(shortlist, dish_opening["id"]))
    record = api.get(f"/audit/recommendations/{shortlist['recommendation_id']}", world.headers["auditor"])
    assert record.json()["client_snapshot"]["inferred_strengths"] == ["Clean food preparation areas"]
    assert api.get(f"/clients/{client['id']}", h).json()["version"] == 1  # the profile is not edited
    params = {"client_id": client["id"], "kind": "client.strengths_removed"}
    events = api.get("/audit/events", world.headers["auditor"], params=params).json()["data"]
    assert [(e["payload"]["phrases"], e["payload"]["newly_removed"]) for e in events] == [
        (["Clean tableware"], ["Clean tableware"]),
        (["Clean tableware"], []),
    ]
    unknown = api.post(path + "/remove", h, json={"phrases": ["Clean food preparation areas", "nope"]})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "phrases", 1]


def test_accept_and_remove_refuse_a_closed_client(api: Api, world: World) -> None:
    client = dishwasher_client(api, world)
    h, path = world.headers["spec1"], f"/clients/{client['id']}/inferred-strengths"
    assert api.post(f"/clients/{client['id']}/close", h).status_code == 200
    accept = api.post(path + "/accept", h, json={"version": 2, "phrases": ["Clean tableware"]})
    remove = api.post(path + "/remove", h, json={"phrases": ["Clean tableware"]})
    assert (accept.status_code, remove.status_code) == (409, 409)
    assert remove.json() == {"detail": "Client is closed"}


def test_accept_is_audited(api: Api, world: World) -> None:
    client = dishwasher_client(api, world)
    path = f"/clients/{client['id']}/inferred-strengths/accept"
    body = {"version": 1, "phrases": ["Clean tableware"]}
    assert api.post(path, world.headers["spec1"], json=body).status_code == 200
    params = {"client_id": client["id"], "kind": "client.strengths_accepted"}
    events = api.get("/audit/events", world.headers["auditor"], params=params).json()["data"]
    assert [e["payload"]["phrases"] for e in events] == [["Clean tableware"]]


def test_without_a_store_nothing_is_inferred(api: Api, world: World, dish_opening: dict[str, Any]) -> None:
    client = dishwasher_client(api, world)
    h = world.headers["spec1"]
    plain = MatcherCache()  # a cache without an occupation store, injected where routes get theirs
    api.app.dependency_overrides[get_matcher] = lambda: plain
    try:
        shortlist = api.post(f"/clients/{client['id']}/shortlist", h, json={}).json()
        inferred = api.get(f"/clients/{client['id']}/inferred-strengths", h).json()
    finally:
        api.app.dependency_overrides.pop(get_matcher)
    assert shortlist["occupation_store"] is False
    assert all("inferred" not in t for t in reasons_for(shortlist, dish_opening["id"]))
    assert (inferred["occupation_store"], inferred["data"]) == (False, [])
    auditor = world.headers["auditor"]
    record = api.get(f"/audit/recommendations/{shortlist['recommendation_id']}", auditor).json()
    stored = api.get(f"/clients/{client['id']}", h).json()["profile"]
    assert record["client_snapshot"] == {"id": client["id"], **stored, "home": "redacted"}  # auditor view
    (opening,) = pool_openings(api, world, record, dish_opening["id"])
    assert opening["inferred_demands"] == [] and not opening["skills_inferred"]


def test_profile_inferred_strengths_can_be_removed_without_a_store(api: Api, world: World) -> None:
    client = api.create_client(world.headers["spec1"], inferred_strengths=["Customer service"])
    h, path = world.headers["spec1"], f"/clients/{client['id']}/inferred-strengths"
    plain = MatcherCache()
    api.app.dependency_overrides[get_matcher] = lambda: plain
    try:
        before = api.get(path, h).json()["data"]
        after = api.post(path + "/remove", h, json={"phrases": ["customer service"]}).json()
    finally:
        api.app.dependency_overrides.pop(get_matcher)
    assert before == [
        {"phrase": "Customer service", "kind": None, "source_title": None, "code": None, "occupation": None}
    ]
    assert after["data"] == [] and after["removed"] == ["Customer service"]


def test_setting_defaults_to_the_var_dir_and_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_dir: Path
) -> None:
    assert Settings(var_dir=tmp_path).occupations_path == tmp_path / "occupations"
    assert Settings(_env_file=None).occupations_path == Path("var/occupations")  # type: ignore[call-arg]
    monkeypatch.setenv("PLACEMENT_OCCUPATIONS_STORE", str(store_dir))
    assert Settings(_env_file=None).occupations_path == store_dir  # type: ignore[call-arg]
    assert load_occupations(tmp_path) is None  # a folder without an imported store is not used
    loaded = load_occupations(store_dir)
    assert loaded is not None and "35-9021.00" in loaded


def test_demo_line_says_whether_the_store_is_used(tmp_path: Path, store_dir: Path) -> None:
    used = occupations_line(Settings(var_dir=tmp_path, occupations_store=store_dir))
    assert used.startswith(f"occupation store: {store_dir} (4 occupations)") and "\n" not in used
    missing = occupations_line(Settings(var_dir=tmp_path))
    assert "nothing is inferred" in missing and IMPORT_COMMAND in missing
    assert missing.endswith(f"--store {tmp_path / 'occupations'}")


def test_an_edited_opening_is_enriched_again(api: Api, world: World) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    details = opening_details(title="Dishwasher", demands={})
    opening = api.create_opening(world.headers["liaison1"], employer["id"], **details)
    client = dishwasher_client(api, world)

    def onet_soc() -> str:
        shortlist = api.post(f"/clients/{client['id']}/shortlist", world.headers["spec1"], json={}).json()
        record = api.get(f"/audit/recommendations/{shortlist['recommendation_id']}", world.headers["auditor"])
        (snapshot,) = pool_openings(api, world, record.json(), opening["id"])
        return str(snapshot["onet_soc"])

    assert onet_soc() == "35-9021.00"
    body = {"version": opening["version"], "details": details | {"title": "Cashier"}}
    assert api.put(f"/openings/{opening['id']}", world.headers["liaison1"], json=body).status_code == 200
    assert onet_soc() == "41-2011.00"


def test_the_nightly_run_infers_demands_like_interactive_shortlists(
    api: Api, dish_opening: dict[str, Any]
) -> None:
    """The nightly re-match fits on the same enriched openings as interactive shortlists."""
    settings = api.app.state.settings
    factory = api.app.state.session_factory
    options = JobOptions(occupations_path=settings.occupations_path)
    run_id = run_job(factory, as_of=settings.today(), options=options)
    with factory() as session:
        run = session.scalars(select(RematchRun).where(RematchRun.id == run_id)).one()
    fitted = {}
    for store in (None, load_occupations(settings.occupations_path)):
        matcher, _, _ = rematch_work.fit(factory, run, occupations=store)
        fitted[store is not None] = matcher.index.openings[matcher.index.position[dish_opening["id"]]]
    assert fitted[True].inferred_demands and not fitted[False].inferred_demands
