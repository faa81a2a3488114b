"""Career exploration in the JSON API, on the real O*NET store (skipped without ../shared/data).

Resolve a title, an occupation's profile, related occupations, and a client's current openings
in them (own caseload only, nothing about the client's home); without a store a 409 says how
to build one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api import occupations
from api.main import create_app
from tests.api.conftest import (
    HOME,
    Api,
    World,
    fresh_database,
    make_settings,
    make_test_client,
    opening_details,
)
from tests.real_occupations import real_store_dir

__all__ = ["real_store_dir"]

DISHWASHERS = "35-9021.00"
PHARMACY_TECHNICIANS = "29-2052.00"
FAR = {"lat": 42.60, "lon": -87.90}  # about 80 km north of the clients' home
DIMENSIONS = {
    "attention",
    "memory",
    "pace",
    "multitasking",
    "complexity",
    "public_contact",
    "change",
    "stamina",
}


@pytest.fixture(scope="module")
def api(backend: str, tmp_path_factory: pytest.TempPathFactory, real_store_dir: Path) -> Iterator[Api]:
    """A running app whose settings point at the real occupation store."""
    directory = tmp_path_factory.mktemp(f"explore-api-{backend}")
    with fresh_database(backend, directory) as url:
        app = create_app(make_settings(directory, url, occupations_store=real_store_dir))
        with make_test_client(app) as client:
            yield Api(app=app, client=client)


def test_store_is_loaded_once_and_shared_with_shortlists(api: Api) -> None:
    path = api.app.state.settings.occupations_path
    first = occupations.cached_store(path)
    assert first is not None and first is occupations.cached_store(path)
    assert api.app.state.matcher_cache.occupations is first


def test_resolve_title(api: Api, world: World) -> None:
    body = api.get(
        "/occupations/resolve", world.headers["spec1"], params={"title": "Dishwasher PT nights"}
    ).json()
    assert body["unknown"] is False and body["title"] == "Dishwasher PT nights"
    best = body["candidates"][0]
    assert best["code"] == DISHWASHERS and best["title"] == "Dishwashers"
    confidences = [c["confidence"] for c in body["candidates"]]
    assert confidences == sorted(confidences, reverse=True)
    assert min(confidences) >= body["threshold"]


def test_an_unknown_title_says_unknown(api: Api, world: World) -> None:
    body = api.get("/occupations/resolve", world.headers["admin"], params={"title": "qzxv wprrt"}).json()
    assert body == {"title": "qzxv wprrt", "unknown": True, "threshold": body["threshold"], "candidates": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "cook", "top": 0}, "top"),
    ],
)
def test_bad_resolve_input_names_the_field(
    api: Api, world: World, params: dict[str, Any], field: str
) -> None:
    response = api.get("/occupations/resolve", world.headers["spec1"], params=params)
    assert response.status_code == 422
    assert ["query", field] in [e["loc"][:2] for e in response.json()["detail"]]


def test_only_specialists_and_admins_explore(api: Api, world: World) -> None:
    for role in ("liaison1", "auditor"):
        response = api.get(f"/occupations/{DISHWASHERS}", world.headers[role])
        assert response.status_code == 403, role
    assert api.get(f"/occupations/{DISHWASHERS}").status_code == 401


def test_profile_in_plain_language(api: Api, world: World) -> None:
    body = api.get("/occupations/35-9021", world.headers["spec1"]).json()
    assert body["code"] == DISHWASHERS and body["title"] == "Dishwashers"
    assert "dish" in body["description"].lower()
    assert body["activities"] and all(isinstance(a, str) and a for a in body["activities"])
    prep = body["preparation"]
    assert prep["job_zone"] == 1 and prep["name"] == "Little or no preparation" and prep["words"]
    dims = {d["dimension"] for d in body["demands"]}
    assert dims and dims <= DIMENSIONS and "stamina" not in dims
    assert all(1 <= d["level"] <= 5 and d["label"] and d["words"] for d in body["demands"])


def test_preparation_differs_by_job_zone(api: Api, world: World) -> None:
    body = api.get(f"/occupations/{PHARMACY_TECHNICIANS}", world.headers["spec1"]).json()
    assert body["preparation"]["job_zone"] == 3 and body["preparation"]["name"] == "Medium preparation"


@pytest.mark.parametrize(("code", "status"), [("99-9999.00", 404), ("dishwasher", 422), ("35-90211", 422)])
def test_bad_or_unknown_code(api: Api, world: World, code: str, status: int) -> None:
    for path in (f"/occupations/{code}", f"/occupations/{code}/related"):
        response = api.get(path, world.headers["spec1"])
        assert response.status_code == status, (path, response.text)
        if status == 422:
            assert ["path", "code"] in [e["loc"][:2] for e in response.json()["detail"]]
        else:
            assert response.json()["detail"] == "Occupation not found"


def test_related_occupations_with_reasons(api: Api, world: World) -> None:
    body = api.get(f"/occupations/{DISHWASHERS}/related", world.headers["spec1"], params={"top": 5}).json()
    assert body["code"] == DISHWASHERS and body["count"] == len(body["data"]) == 5
    codes = [r["code"] for r in body["data"]]
    assert DISHWASHERS not in codes and len(set(codes)) == 5
    scores = [r["score"] for r in body["data"]]
    assert scores == sorted(scores, reverse=True)
    assert all(r["reasons"] and r["preparation"] for r in body["data"])


def _keys(value: Any) -> set[str]:
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _related_codes(api: Api, world: World, code: str) -> list[str]:
    body = api.get(f"/occupations/{code}/related", world.headers["spec1"], params={"top": 10}).json()
    return [r["code"] for r in body["data"]]


@pytest.fixture(scope="module")
def explored(api: Api, world: World) -> dict[str, Any]:
    """Openings in dishwashing, a related occupation, far away, and an unrelated one; a client."""
    liaison = world.headers["liaison1"]
    employer = api.create_employer(liaison)
    related = _related_codes(api, world, DISHWASHERS)[0]
    made = {
        "dish": opening_details(title="Dishwasher", description="Wash dishes in a busy kitchen."),
        "related": opening_details(title="Kitchen team member", onet_soc=related),
        "far": opening_details(title="Dish machine operator", onet_soc=DISHWASHERS, location=FAR),
        "other": opening_details(title="Pharmacy technician", onet_soc=PHARMACY_TECHNICIANS),
    }
    ids = {name: api.create_opening(liaison, employer["id"], **d)["id"] for name, d in made.items()}
    client = api.create_client(world.headers["spec1"], past_titles=["Dishwasher"])
    return {"ids": ids, "client": client, "related": related}


def test_client_openings_in_the_occupation_and_related_ones(
    api: Api, world: World, explored: dict[str, Any]
) -> None:
    ids = explored["ids"]
    url = f"/clients/{explored['client']['id']}/explore"
    response = api.get(url, world.headers["spec1"], params={"code": DISHWASHERS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == DISHWASHERS and body["title"] == "Dishwashers"
    assert body["occupations"][0] == {"code": DISHWASHERS, "title": "Dishwashers", "relation": "chosen"}
    assert explored["related"] in {o["code"] for o in body["occupations"] if o["relation"] == "related"}
    by_id = {o["opening_id"]: o for o in body["data"]}
    assert ids["other"] not in by_id and body["count"] == len(body["data"]) == body["total"] == 3
    dish, near, far = by_id[ids["dish"]], by_id[ids["related"]], by_id[ids["far"]]
    # no onet_soc given: the title resolves to Dishwashers, as in the shortlist's pool
    assert dish["occupation_code"] == DISHWASHERS and dish["relation"] == "chosen"
    assert dish["open_to_client"] and dish["band"] in {"strong", "good", "possible"} and not dish["ruled_out"]
    assert near["relation"] == "related" and near["occupation_code"] == explored["related"]
    assert not far["open_to_client"] and far["band"] is None and "COMMUTE_TOO_LONG" in far["ruled_out"]
    assert far["ruled_out_words"] and [o["open_to_client"] for o in body["data"]][-1] is False
    # nothing about where the client lives or how long the trip is
    assert not _keys(body) & {"home", "location", "lat", "lon", "commute", "minutes", "zip"}
    assert str(HOME["lat"]) not in response.text and str(HOME["lon"]) not in response.text


def test_client_openings_a_page_at_a_time(api: Api, world: World, explored: dict[str, Any]) -> None:
    url = f"/clients/{explored['client']['id']}/explore"
    whole = api.get(url, world.headers["spec1"], params={"code": DISHWASHERS}).json()["data"]
    pages = [
        api.get(url, world.headers["spec1"], params={"code": DISHWASHERS, "per_page": 2, "page": n}).json()
        for n in (1, 2)
    ]
    assert [p["count"] for p in pages] == [2, 1] and {p["total"] for p in pages} == {3}
    assert pages[0]["data"] + pages[1]["data"] == whole
    bad = api.get(url, world.headers["spec1"], params={"code": DISHWASHERS, "per_page": 0})
    assert bad.status_code == 422 and ["query", "per_page"] in [e["loc"][:2] for e in bad.json()["detail"]]


def test_client_explore_follows_the_caseload(api: Api, world: World, explored: dict[str, Any]) -> None:
    url = f"/clients/{explored['client']['id']}/explore"
    params = {"code": DISHWASHERS}
    assert api.get(url, world.headers["spec2"], params=params).status_code == 404
    assert api.get(url, world.headers["admin"], params=params).status_code == 403
    missing = api.get(url, world.headers["spec1"], params={"code": "99-9999.00"})
    assert missing.status_code == 404 and missing.json()["detail"] == "Occupation not found"
    bad = api.get(url, world.headers["spec1"], params={"code": "dish"})
    assert bad.status_code == 422 and ["query", "code"] in [e["loc"][:2] for e in bad.json()["detail"]]
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": explored["client"]["id"]}
    )
    assert any(e.get("payload", {}).get("part") == "explore" for e in events.json()["data"]), events.text


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """An app with no occupation store."""
    directory = tmp_path_factory.mktemp("explore-bare")
    app = create_app(make_settings(directory, f"sqlite:///{directory / 'api.db'}"))
    with make_test_client(app) as client:
        yield Api(app=app, client=client)


def test_without_a_store_the_answer_says_how_to_build_it(bare: Api) -> None:
    headers = bare.headers(bare.add_user("specialist"))
    for path in (
        "/occupations/resolve?title=cook",
        f"/occupations/{DISHWASHERS}",
        f"/occupations/{DISHWASHERS}/related",
    ):
        response = bare.get(path, headers)
        assert response.status_code == 409, path
        assert "matcher occupations import" in response.json()["detail"]
