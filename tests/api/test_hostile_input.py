"""Hostile input answers a 4xx naming the field, stores nothing, and is checked before parsing.

Each case was a 500 (or an undeclared 400) before: lone surrogates, NaN / Infinity /
1e309, deep nesting, non-UTF-8 bodies, a CSV title holding NUL on PostgreSQL, and
bodies read and parsed before the token was checked. Every case runs on SQLite and
PostgreSQL (the ``api`` fixture).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from api.guard import MAX_DEPTH, MAX_JSON_BYTES
from api.models import Client, Opening, ProgramConfig
from tests.api.conftest import Api, World, client_profile, opening_details

JSON = {"Content-Type": "application/json"}


def _count(api: Api, table: Any) -> int:
    with api.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _send(api: Api, headers: dict[str, str], path: str, raw: str | bytes, method: str = "POST") -> Any:
    return api.client.request(method, "/api/v1" + path, content=raw, headers=headers | JSON)


def _refused(response: Any, loc: list[Any], status: int = 422) -> None:
    assert response.status_code == status, response.text
    assert response.json()["detail"][0]["loc"] == loc, response.json()


def _client_body(**profile: Any) -> str:
    return (
        json.dumps({"label": "x", "profile": client_profile()})[:-2]
        + "".join(f', "{k}": {v}' for k, v in profile.items())
        + "}}"
    )


def test_a_lone_surrogate_is_refused_naming_the_field(api: Api, world: World) -> None:
    h, before = world.headers["spec1"], _count(api, Client)
    raw = json.dumps({"label": "\ud800", "profile": client_profile()})  # "\\ud800" on the wire
    assert '"\\ud800"' in raw
    _refused(_send(api, h, "/clients", raw), ["body", "label"])
    in_list = json.dumps({"profile": client_profile(interests=["cooking", "\udfff"])})
    _refused(_send(api, h, "/clients", in_list), ["body", "profile", "interests", 1])
    as_key = json.dumps({"profile": client_profile() | {"\ud83d": 1}})
    _refused(_send(api, h, "/clients", as_key), ["body", "profile", "\\ud83d"])
    assert _count(api, Client) == before


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309"])
def test_non_finite_numbers_are_refused_naming_the_field(api: Api, world: World, number: str) -> None:
    h, before = world.headers["spec1"], _count(api, Client)
    response = _send(api, h, "/clients", _client_body(max_commute_minutes=number))
    _refused(response, ["body", "profile", "max_commute_minutes"])
    assert "finite" in response.json()["detail"][0]["msg"]
    employer = api.create_employer(world.headers["liaison1"])
    details = json.dumps(opening_details())[:-1] + f', "hourly_wage": {number}}}'
    raw = f'{{"employer_id": "{employer["id"]}", "details": {details}}}'
    openings = _count(api, Opening)
    _refused(_send(api, world.headers["liaison1"], "/openings", raw), ["body", "details", "hourly_wage"])
    assert (_count(api, Client), _count(api, Opening)) == (before, openings)


def test_huge_integers_are_refused(api: Api, world: World) -> None:
    h = world.headers["spec1"]
    _refused(
        _send(api, h, "/clients", _client_body(max_commute_minutes=str(2**60))),
        ["body", "profile", "max_commute_minutes"],
    )
    _refused(_send(api, h, "/clients", _client_body(max_commute_minutes="9" * 5000)), ["body"])


def test_the_validation_error_renderer_survives_unserialisable_input() -> None:
    import asyncio

    from fastapi.exceptions import RequestValidationError

    from api.guard import validation_error

    errors = [
        {"type": "finite_number", "loc": ("body", "k"), "msg": "bad", "input": float("nan")},
        {"type": "string_type", "loc": ("body", "label\ud800"), "msg": "bad", "input": "\ud800"},
        {"type": "int_type", "loc": ("query", "n"), "msg": "bad", "input": "12x"},
    ]
    response = asyncio.run(validation_error(None, RequestValidationError(errors)))  # type: ignore[arg-type]
    assert response.status_code == 422
    detail = json.loads(response.body)["detail"]
    assert [e["loc"] for e in detail] == [["body", "k"], ["body", "label\\ud800"], ["query", "n"]]
    assert "input" not in detail[0] and "input" not in detail[1] and detail[2]["input"] == "12x"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 2, 100_000])
def test_deep_nesting_is_refused_before_it_reaches_a_route(api: Api, world: World, depth: int) -> None:
    before = _count(api, ProgramConfig)
    raw = '{"config": ' + "[" * depth + "]" * depth + "}"
    response = _send(api, world.headers["admin"], "/config", raw, method="PUT")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] in (["body"], ["body", "config"])
    assert "nested deeper" in response.json()["detail"][0]["msg"]
    assert _count(api, ProgramConfig) == before


def test_non_utf8_and_oversized_bodies_are_refused(api: Api, world: World) -> None:
    h, before = world.headers["spec1"], _count(api, Client)
    latin1 = json.dumps({"label": "café", "profile": client_profile()}, ensure_ascii=False).encode("latin-1")
    response = _send(api, h, "/clients", latin1)
    _refused(response, ["body"])
    assert "UTF-8" in response.json()["detail"][0]["msg"]
    big = json.dumps({"label": "x" * MAX_JSON_BYTES, "profile": client_profile()})
    assert _send(api, h, "/clients", big).status_code == 413
    assert _count(api, Client) == before


def test_nul_is_refused_on_both_databases_including_csv_imports(api: Api, world: World) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)
    before = _count(api, Opening)
    body = {"employer_id": employer["id"], "details": opening_details(title="Cook\x00")}
    _refused(api.post("/openings", h, json=body), ["body", "details", "title"])
    header = "employer_id,title,shifts,hours_per_week,hourly_wage\n"
    text = header + f"{employer['id']},Line\x00cook,Mon 09:00-13:00,20,16.5\n"
    files = {"file": ("openings.csv", text.encode(), "text/csv")}
    report = api.post("/openings/import", h, files=files)
    assert report.status_code == 200, report.text
    assert report.json()["errors"] == [
        {"row": 2, "field": "title", "message": "must not contain NUL characters"}
    ]
    nan = header + f"{employer['id']},Line cook,Mon 09:00-13:00,nan,1e309\n"
    errors = api.post("/openings/import", h, files={"file": ("o.csv", nan.encode(), "text/csv")}).json()[
        "errors"
    ]
    # Every unreadable cell is reported (then the engine's first other problem: no place given).
    assert [(e["field"], e["message"]) for e in errors] == [
        ("hours_per_week", "must be a finite number"),
        ("hourly_wage", "must be a finite number"),
        ("location", "missing location: give lat/lon or a US ZIP code"),
    ]
    assert _count(api, Opening) == before


def test_authentication_is_checked_before_a_body_is_read(api: Api) -> None:
    huge = b"[" * (MAX_JSON_BYTES * 2)  # too large and malformed: the token is refused first
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = _send(api, headers, "/clients", huge)
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
    upload = api.post("/openings/import", {}, files={"file": ("o.csv", b"x" * 10_000_000, "text/csv")})
    assert upload.status_code == 401


def test_the_guard_statuses_are_declared(api: Api) -> None:
    schema = api.client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                declared = set(operation["responses"])
                assert {"413", "422"} <= declared, (method, path)
                if not path.endswith("/login/access-token"):
                    assert "401" in declared, (method, path)
