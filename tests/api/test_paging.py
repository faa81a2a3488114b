"""Paged JSON lists: GET /openings and GET /employers take limit/offset, search, filters, sort."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, World


def openings_page(api: Api, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = api.get("/openings", headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_openings_are_paged_with_total_and_a_next_link(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Paging Diner")["id"]
    made = [
        api.create_opening(h, employer, title=f"Server {i}", location={"lat": 41.7 + i * 0.02, "lon": -87.6})[
            "id"
        ]
        for i in range(5)
    ]
    first = openings_page(api, h, employer_id=employer, limit=2)
    assert (first["count"], first["total"], first["limit"], first["offset"]) == (2, 5, 2, 0)
    assert [o["id"] for o in first["data"]] == made[:2]  # oldest first by default
    seen = [o["id"] for o in first["data"]]
    next_url = first["next"]
    while next_url:  # following next visits every opening once
        page = api.client.get(next_url, headers=h).json()
        seen += [o["id"] for o in page["data"]]
        next_url = page["next"]
    assert seen == made
    assert "employer_id=" in first["next"] and "offset=2" in first["next"]
    past = openings_page(api, h, employer_id=employer, limit=2, offset=50)
    assert past["data"] == [] and past["count"] == 0 and past["total"] == 5 and past["next"] is None
    searched = openings_page(api, h, employer_id=employer, q="server", limit=2, offset=4)
    assert (searched["count"], searched["total"], searched["next"]) == (1, 5, None)
    searched_past = openings_page(api, h, employer_id=employer, q="server", limit=2, offset=6)
    assert (searched_past["count"], searched_past["total"]) == (0, 5)


def test_bad_limits_and_offsets_are_422_naming_the_parameter(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    for path in ("/openings", "/employers"):
        for params in ({"limit": 0}, {"limit": 501}, {"limit": "ten"}, {"offset": -1}):
            response = api.get(path, h, params=params)
            assert response.status_code == 422, (path, params)
            name = next(iter(params))
            assert response.json()["detail"][0]["loc"] == ["query", name]
    assert api.get("/openings", h, params={"sort": "salary"}).json()["detail"][0]["loc"] == ["query", "sort"]


def test_openings_search_filters_and_sort(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    bakery = api.create_employer(h, name="Sorting Bakery")["id"]
    kennel = api.create_employer(h, name="Sorting Kennels")["id"]
    bread = api.create_opening(h, bakery, title="Bread baker", industry="Food service", expires="2026-03-10")
    cake = api.create_opening(
        h, bakery, title="Cake decorator", industry="food service", expires="2026-08-01"
    )
    dogs = api.create_opening(h, kennel, title="Dog walker", industry="animal care")
    api.post(f"/openings/{cake['id']}/close", h)

    def ids(**params: Any) -> list[str]:
        return [o["id"] for o in openings_page(api, h, **({"q": "sorting"} | params))["data"]]

    assert ids(sort="title") == [bread["id"], cake["id"], dogs["id"]]
    assert ids(sort="title", order="desc") == [dogs["id"], cake["id"], bread["id"]]
    assert ids(q="kennels") == [dogs["id"]]  # the employer's name
    assert ids(q="CAKE") == [cake["id"]]  # the title, any case
    assert ids(industry="food service", sort="title") == [bread["id"], cake["id"]]
    assert ids(status="closed") == [cake["id"]]
    assert ids(expiring_within=14) == [bread["id"]]  # today is 2026-03-02
    assert ids(sort="expires") == [bread["id"], cake["id"], dogs["id"]]  # no end date last
    assert ids(sort="employer", order="desc")[0] == dogs["id"]
    assert openings_page(api, h, q="100%_")["total"] == 0  # wildcards are text


def test_specialists_page_through_open_unexpired_openings_only(api: Api, world: World) -> None:
    h = world.headers["liaison2"]
    employer = api.create_employer(h, name="Specialist View Cafe")["id"]
    shown = api.create_opening(h, employer, title="Barista")
    expired = api.create_opening(h, employer, title="Cashier", posted="2026-02-01", expires="2026-03-01")
    filled = api.create_opening(h, employer, title="Janitor")
    api.post(f"/openings/{filled['id']}/fill", h)
    spec = world.headers["spec1"]
    page = openings_page(api, spec, q="specialist view")
    assert [o["id"] for o in page["data"]] == [shown["id"]] and page["total"] == 1
    assert expired["id"] not in str(page)
    assert openings_page(api, spec, q="specialist view", status="filled")["total"] == 0


def test_employers_are_paged_and_searched(api: Api, world: World) -> None:
    h = world.headers["liaison2"]
    names = [f"Paged Employer {c}" for c in "CAB"]
    for name in names:
        api.create_employer(h, name=name)
    response = api.get("/employers", h, params={"q": "paged employer", "limit": 2})
    body = response.json()
    assert [e["name"] for e in body["data"]] == ["Paged Employer A", "Paged Employer B"]
    assert (body["count"], body["total"], body["offset"]) == (2, 3, 0)
    rest = api.client.get(body["next"], headers=h).json()
    assert [e["name"] for e in rest["data"]] == ["Paged Employer C"] and rest["next"] is None
    assert (
        api.get("/employers", world.headers["liaison1"], params={"q": "paged employer"}).json()["total"] == 0
    )


def test_the_openapi_describes_the_paging_parameters_and_fields(api: Api) -> None:
    schema = api.app.openapi()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/openings"]["get"]["parameters"]}
    for name in ("limit", "offset", "q", "industry", "expiring_within", "sort", "order", "status"):
        assert params[name].get("description"), name
    assert params["limit"]["schema"]["maximum"] == 500
    page = schema["components"]["schemas"]["OpeningsPublic"]["properties"]
    for name in ("total", "limit", "offset", "next", "data", "count"):
        assert page[name].get("description"), name
