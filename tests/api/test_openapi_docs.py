"""The API reference: offline pages, a description on every field, examples the API accepts.

Every example of a JSON request body is posted to its endpoint as the role that endpoint
serves and must get a 2xx. The examples' ids are placeholders (``api.schemas.examples``),
swapped here for the ids of records made for each case; everything else is sent as shown.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import api.schemas
from api.main import app as default_app
from api.openapi_docs import ASSET_FILES, ASSETS_URL
from api.routes.retention import get_models_dir
from api.schemas import clients, decisions, examples, openings, reports, retention, users
from matcher.config import DEFAULT_WEIGHTS
from tests.api.conftest import Api, World
from tests.api.test_retention_api import simulated_model

SCHEMA = default_app.openapi()
COMPONENTS: dict[str, Any] = SCHEMA["components"]["schemas"]
# Who may call each tag's endpoints.
ROLE_OF_TAG = {
    "clients": "spec1",
    "shortlists": "spec1",
    "decisions": "spec1",
    "employers": "liaison1",
    "openings": "liaison1",
    "users": "admin",
    "assignments": "admin",
    "config": "admin",
    "audit": "auditor",
    "outcomes": "spec1",
    "retention": "admin",
}
MODELS = {
    name: cls
    for module in (
        api.schemas.common,
        clients,
        decisions,
        openings,
        users,
        api.schemas.audit,
        reports,
        retention,
    )
    for name, cls in inspect.getmembers(module, inspect.isclass)
    if issubclass(cls, BaseModel)
}


def _json_bodies() -> Iterator[tuple[str, str, str, str]]:
    """(method, path, tag, schema name) of every operation that takes a JSON body."""
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref")
            if ref:
                yield method, path, operation["tags"][0], ref.rsplit("/", 1)[-1]


BODIES = sorted(_json_bodies())
CASES = [
    pytest.param(method, path, tag, name, i, id=f"{method} {path} {name}[{i}]")
    for method, path, tag, name in BODIES
    for i in range(len(COMPONENTS[name].get("examples", [])))
]


def test_every_json_request_body_has_an_example() -> None:
    missing = sorted({name for _, _, _, name in BODIES if not COMPONENTS[name].get("examples")})
    assert not missing, f"request bodies without examples: {missing}"
    assert {tag for _, _, tag, _ in BODIES} <= set(ROLE_OF_TAG), "a new tag needs its role here"


def test_every_property_of_every_schema_has_a_description() -> None:
    missing = [
        f"{name}.{prop}"
        for name, component in sorted(COMPONENTS.items())
        for prop, spec in component.get("properties", {}).items()
        if not str(spec.get("description", "")).strip()
    ]
    assert not missing, f"{len(missing)} properties without a description: {', '.join(missing)}"


@pytest.mark.parametrize("name", sorted(n for n, c in COMPONENTS.items() if c.get("examples")))
def test_every_example_validates_against_its_model(name: str) -> None:
    for example in COMPONENTS[name]["examples"]:
        MODELS[name].model_validate(example)


def test_the_client_example_is_a_real_looking_person_in_chicago() -> None:
    shown = COMPONENTS["ClientCreate"]["examples"][0]["profile"]
    assert shown["zip"].startswith("606")  # a Chicago ZIP, not lat -90 / lon -180
    assert shown["modes"] and "string" not in shown["modes"]
    assert all(
        re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d-\d\d:\d\d", w) for w in shown["availability"]
    )


class Records:
    """Fresh records for one case: path parameters and the ids its example refers to."""

    def __init__(self, api: Api, world: World) -> None:
        self.api, self.world = api, world
        self.h = world.headers

    def client(self) -> dict[str, Any]:
        # The accept/remove examples name strengths the service inferred for this client.
        phrases = [
            p
            for name in ("InferredStrengthsAccept", "InferredStrengthsRemove")
            for example in COMPONENTS[name]["examples"]
            for p in example["phrases"]
        ]
        profile = examples.CLIENT_PROFILE | {"inferred_strengths": phrases}
        response = self.api.post("/clients", self.h["spec1"], json={"label": "D.W.", "profile": profile})
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def employer(self) -> str:
        return str(self.api.create_employer(self.h["liaison1"], name=examples.EMPLOYER["name"])["id"])

    def opening(self) -> str:
        body = {"employer_id": self.employer(), "details": examples.OPENING_DETAILS}
        response = self.api.post("/openings", self.h["liaison1"], json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def recommendation(self, client_id: str, opening_id: str) -> str:
        """A shortlist of the client that shows the opening (decisions must name one)."""
        employer_id = self.api.get(f"/openings/{opening_id}", self.h["liaison1"]).json()["employer_id"]
        params = {"k": 3, "employer_id": employer_id}
        response = self.api.get(f"/clients/{client_id}/shortlist", self.h["spec1"], params=params)
        assert response.status_code == 200, response.text
        return str(response.json()["recommendation_id"])

    def placement(self, client_id: str) -> str:
        body = {"opening_id": self.opening(), "start_date": "2026-03-16"}
        response = self.api.post(f"/clients/{client_id}/placements", self.h["spec1"], json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def note(self) -> str:
        """The id of a fresh free-text note (one on a configuration change)."""
        response = self.api.put(
            "/config", self.h["admin"], json={"config": {}, "note": "kept outside the chain"}
        )
        assert response.status_code == 200, response.text
        events = self.api.get(
            "/audit/events", self.h["auditor"], params={"kind": "config.updated", "limit": 1000}
        )
        return str(events.json()["data"][-1]["payload"]["note_id"])

    def path(self, template: str) -> tuple[str, dict[str, str]]:
        """The path with its parameters filled, and placeholder id -> real id for the body."""
        ids: dict[str, str] = {}
        values: dict[str, str] = {}
        if "{client_id}" in template:
            values["client_id"] = self.client()["id"]
            ids[examples.OPENING_ID] = self.opening()
            ids[examples.RECOMMENDATION_ID] = self.recommendation(
                values["client_id"], ids[examples.OPENING_ID]
            )
        if "{placement_id}" in template:
            values["placement_id"] = self.placement(values["client_id"])
        if "{employer_id}" in template:
            values["employer_id"] = self.employer()
        if "{opening_id}" in template:
            values["opening_id"] = self.opening()
        if "{note_id}" in template:
            values["note_id"] = self.note()
        if "{user_id}" in template:
            values["user_id"] = str(self.api.add_user("specialist").id)
        return template.format(**values), ids

    def body(self, example: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
        text = json.dumps(example)
        if examples.OPENING_ID in text:
            ids.setdefault(examples.OPENING_ID, self.opening())
        if examples.EMPLOYER_ID in text:
            ids.setdefault(examples.EMPLOYER_ID, self.employer())
        for placeholder, real in ids.items():
            text = text.replace(placeholder, real)
        body: dict[str, Any] = json.loads(text)
        if "specialist_id" in body:
            body["specialist_id"] = self.world.users["spec2"].id
        if "liaison_ids" in body:
            body["liaison_ids"] = [self.world.users[n].id for n in ("liaison1", "liaison2")]
        return body


@pytest.mark.parametrize(("method", "path", "tag", "name", "index"), CASES)
def test_request_example_is_accepted(
    api: Api, world: World, method: str, path: str, tag: str, name: str, index: int, tmp_path: Path
) -> None:
    records = Records(api, world)
    url, ids = records.path(path)
    body = records.body(copy.deepcopy(COMPONENTS[name]["examples"][index]), ids)
    if tag == "retention":  # a promotion names the model reviewed: train one on simulated outcomes
        api.app.dependency_overrides[get_models_dir] = lambda: tmp_path
        body["model_version"] = simulated_model(tmp_path, DEFAULT_WEIGHTS)
    response = api.client.request(method.upper(), url, json=body, headers=world.headers[ROLE_OF_TAG[tag]])
    api.app.dependency_overrides.pop(get_models_dir, None)
    assert 200 <= response.status_code < 300, (body, response.text)


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_docs_pages_load_nothing_from_outside(api: Api, page: str) -> None:
    response = api.client.get(page)
    assert response.status_code == 200
    links = re.findall(r"""(?:src|href|spec-url)=["']([^"']+)""", response.text)
    assert all(link.startswith("/") and not link.startswith("//") for link in links), links
    assert "http://" not in response.text and "https://" not in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "http" not in policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src


def test_docs_assets_are_served_by_the_app(api: Api) -> None:
    for name in ASSET_FILES:
        response = api.client.get(f"{ASSETS_URL}/{name}")
        assert response.status_code == 200, name
        assert len(response.content) > 1000, name
    assert "javascript" in api.client.get(f"{ASSETS_URL}/swagger-ui-bundle.js").headers["content-type"]


def test_the_example_opening_fits_the_example_client(api: Api, world: World) -> None:
    records = Records(api, world)
    client_id, opening_id = records.client()["id"], records.opening()
    response = api.get(f"/clients/{client_id}/openings/{opening_id}/explain", world.headers["spec1"])
    assert response.status_code == 200, response.text
    assert response.json()["feasible"] is True, response.json()  # (ranked or held back by the employer cap)


def test_the_response_examples_are_what_the_service_answers(api: Api, world: World) -> None:
    shown_client, shown_opening = (COMPONENTS[n]["examples"][0] for n in ("ClientPublic", "OpeningPublic"))
    request = COMPONENTS["ClientCreate"]["examples"][0]
    client = api.post("/clients", world.headers["spec1"], json=request).json()
    assert client["profile"] == shown_client["profile"]  # the ZIP's centre as home, defaults filled
    assert {k: client[k] for k in ("label", "status", "version")} == {
        k: shown_client[k] for k in ("label", "status", "version")
    }
    opening = api.get(f"/openings/{Records(api, world).opening()}", world.headers["liaison1"]).json()
    details = {k: v for k, v in opening["details"].items() if v is not None}  # OpenAPI drops nulls
    assert details == shown_opening["details"]  # posted: the tests' "today" is the example's
    assert {k: opening[k] for k in ("employer_name", "status", "expired", "version")} == {
        k: shown_opening[k] for k in ("employer_name", "status", "expired", "version")
    }
