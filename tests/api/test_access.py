"""Table-driven access control: every role x every endpoint x own / someone else's / missing.

Each row names the roles allowed on an endpoint and, for each of them, the status
expected when the record in the path is the caller's own, someone else's, or
missing. Every other role gets 403 and an anonymous caller 401, whatever the
record. A second table check makes sure every endpoint of the app is listed here.
Throughout, no response may carry another caseload's client data or any client's
home location except to that client's own specialist.
"""

from __future__ import annotations

import io
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from matcher.vocab import DATA_DIR
from tests.api.conftest import Api, World, client_profile, opening_details

OWN, OTHER, MISSING = "own", "other", "missing"
S, L, AU, AD = "specialist", "liaison", "auditor", "admin"
ROLE_USER = {S: "spec1", L: "liaison1", AU: "auditor", AD: "admin"}
OWN_HOME = {"lat": 41.871234, "lon": -87.631234}
OTHER_HOME = {"lat": 41.875678, "lon": -87.635678}


def owned(code: int) -> dict[str, int]:
    """Own record: ``code``; someone else's or missing: 404 (indistinguishable)."""
    return {OWN: code, OTHER: 404, MISSING: 404}


def shared(code: int) -> dict[str, int]:
    """Anyone's record: ``code``; missing: 404."""
    return {OWN: code, OTHER: code, MISSING: 404}


def read_only(code: int = 403) -> dict[str, int]:
    """Anyone's record may be read but not changed: ``code``; missing: 404."""
    return {OWN: code, OTHER: code, MISSING: 404}


#: Distinct titles for the openings one row posts (a repeated one is a near-duplicate, 409).
_TITLES = itertools.cycle(
    (
        "Usher",
        "Florist",
        "Baker",
        "Bike mechanic",
        "Stocker",
        "Tailor",
        "Painter",
        "Groomer",
        "Gardener",
        "Porter",
        "Cashier",
        "Mover",
        "Welder",
    )
)


def single(code: int) -> dict[str, int]:
    """No record in the path."""
    return {OWN: code}


# A later year's figures (the 2026 file's fields), as an admin loads them.
BENEFITS_2027 = json.loads((DATA_DIR / "benefits_us_2026.json").read_text(encoding="utf-8")) | {
    "effective_from": "2027-01-01",
    "effective_to": "2027-12-31",
}


@dataclass
class Ctx:
    """Records of the caller (own) and of someone else (other), made fresh for each row."""

    api: Api
    world: World
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    variant: str = OWN
    kind: str | None = None

    def id(self, kind: str) -> Any:
        """The id of ``kind`` for the current variant if the row varies it, else the own one."""
        return self.ids[kind][self.variant if kind == self.kind else OWN]


Body = Callable[[Ctx], Any]
# Decisions here are on openings the specialist found (no shortlist is made in these tests).
FOUND = {"source": "specialist_found", "source_reason": "found by the specialist"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    allowed: dict[str, dict[str, int]]
    kind: str | None = None
    body: Body | None = None
    prepare: Callable[[Ctx], None] | None = None
    upload: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.kind}]" if self.kind else "")


def _reject_openings(c: Ctx) -> None:
    body = {"opening_id": c.ids["opening"][OWN], "action": "reject", "reason_code": "pay"} | FOUND
    for who, client in (("spec1", c.ids["client"][OWN]), ("spec2", c.ids["client"][OTHER])):
        assert c.api.post(f"/clients/{client}/decisions", c.world.headers[who], json=body).status_code == 201


def _pause(c: Ctx) -> None:
    c.api.post(f"/clients/{c.ids['client'][OWN]}/pause", c.world.headers["spec1"])
    c.api.post(f"/clients/{c.ids['client'][OTHER]}/pause", c.world.headers["spec2"])


def _infer(c: Ctx) -> None:
    """Give both clients an inferred strength (held in the profile: these apps have no O*NET store)."""
    clients = (("spec1", c.ids["client"][OWN], OWN_HOME), ("spec2", c.ids["client"][OTHER], OTHER_HOME))
    for who, client, home in clients:
        body = {"version": 1, "profile": client_profile(home=home, inferred_strengths=["Clean tableware"])}
        assert c.api.put(f"/clients/{client}", c.world.headers[who], json=body).status_code == 200


def _fill(c: Ctx) -> None:
    c.api.post(f"/openings/{c.ids['opening'][OWN]}/fill", c.world.headers["liaison1"])
    c.api.post(f"/openings/{c.ids['opening'][OTHER]}/fill", c.world.headers["liaison2"])


def _csv(c: Ctx) -> dict[str, Any]:
    text = (
        "employer_id,title,lat,lon,shifts,hours_per_week,hourly_wage\n"
        f"{c.ids['employer'][OWN]},Usher,41.88,-87.63,Mon 09:00-13:00,4,16\n"
    )
    return {"file": ("o.csv", io.BytesIO(text.encode()), "text/csv")}


ROWS = [
    Row("GET", "/users/me", {S: single(200), L: single(200), AU: single(200), AD: single(200)}),
    Row("GET", "/users", {AD: single(200)}),
    Row(
        "POST",
        "/users",
        {AD: single(201)},
        body=lambda c: {"username": "made-by-table", "password": "long enough pw", "role": "auditor"},
    ),
    Row("GET", "/users/{user}", {AD: {OWN: 200, MISSING: 404}}, kind="user"),
    Row(
        "PATCH",
        "/users/{user}",
        {AD: {OWN: 200, MISSING: 404}},
        kind="user",
        body=lambda c: {"full_name": "Renamed"},
    ),
    Row(
        "PUT",
        "/users/{user}/role",
        {AD: {OWN: 200, MISSING: 404}},
        kind="user",
        body=lambda c: {"role": "auditor"},
    ),
    Row("GET", "/assignments/caseloads", {AD: single(200)}),
    Row(
        "PUT",
        "/assignments/caseloads/{client}",
        {AD: shared(200)},
        kind="client",
        body=lambda c: {"specialist_id": c.world.users["spec1" if c.variant == OWN else "spec2"].id},
    ),
    Row("GET", "/assignments/employers", {AD: single(200)}),
    Row(
        "PUT",
        "/assignments/employers/{employer}",
        {AD: shared(200)},
        kind="employer",
        body=lambda c: {"liaison_ids": [c.world.users["liaison1" if c.variant == OWN else "liaison2"].id]},
    ),
    Row("GET", "/config", {AD: single(200), AU: single(200)}),
    Row("GET", "/config/versions", {AD: single(200), AU: single(200)}),
    Row("PUT", "/config", {AD: single(200)}, body=lambda c: {"config": {}, "note": "table"}),
    Row("GET", "/retention/proposal", {AD: single(200), AU: single(200)}),
    Row("POST", "/retention/proposal/promote", {AD: single(409)}, body=lambda c: {"model_version": "none"}),
    Row("GET", "/benefits", {AD: single(200), AU: single(200)}),
    Row("PUT", "/benefits", {AD: single(200)}, body=lambda c: BENEFITS_2027),
    Row("GET", "/clients", {S: single(200)}),
    Row("POST", "/clients", {S: single(201)}, body=lambda c: {"profile": client_profile()}),
    Row("GET", "/clients/{client}", {S: owned(200)}, kind="client"),
    Row(
        "PUT",
        "/clients/{client}",
        {S: owned(200)},
        kind="client",
        body=lambda c: {"version": 1, "profile": client_profile(home=OWN_HOME)},
    ),
    Row("POST", "/clients/{client}/pause", {S: owned(200)}, kind="client"),
    Row("POST", "/clients/{client}/resume", {S: owned(200)}, kind="client", prepare=_pause),
    Row("POST", "/clients/{client}/close", {S: owned(200)}, kind="client"),
    Row("GET", "/clients/{client}/inferred-strengths", {S: owned(200)}, kind="client"),
    Row(
        "POST",
        "/clients/{client}/inferred-strengths/accept",
        {S: owned(200)},
        kind="client",
        prepare=_infer,
        body=lambda c: {"version": 2, "phrases": ["Clean tableware"]},
    ),
    Row(
        "POST",
        "/clients/{client}/inferred-strengths/remove",
        {S: owned(200)},
        kind="client",
        prepare=_infer,
        body=lambda c: {"phrases": ["clean tableware"]},
    ),
    Row("GET", "/clients/{client}/shortlist", {S: owned(200)}, kind="client"),
    Row("POST", "/clients/{client}/shortlist", {S: owned(200)}, kind="client", body=lambda c: {"k": 3}),
    Row("GET", "/clients/{client}/openings/{opening}/explain", {S: owned(200)}, kind="client"),
    Row("GET", "/clients/{client}/exclusions", {S: owned(200)}, kind="client"),
    Row("GET", "/clients/{client}/openings/{opening}/explain", {S: shared(200)}, kind="opening"),
    Row(
        "POST",
        "/clients/{client}/decisions",
        {S: owned(201)},
        kind="client",
        body=lambda c: {"opening_id": c.id("opening"), "action": "approve"} | FOUND,
    ),
    Row("GET", "/clients/{client}/decisions", {S: owned(200)}, kind="client"),
    Row("GET", "/clients/{client}/rejections", {S: owned(200)}, kind="client"),
    Row(
        "POST",
        "/clients/{client}/rejections/{opening}/restore",
        {S: owned(200)},
        kind="client",
        prepare=_reject_openings,
    ),
    # Restoring an opening that was never rejected for this client is a 404 too.
    Row(
        "POST",
        "/clients/{client}/rejections/{opening}/restore",
        {S: owned(200)},
        kind="opening",
        prepare=lambda c: c.api.post(
            f"/clients/{c.ids['client'][OWN]}/decisions",
            c.world.headers["spec1"],
            json={"opening_id": c.ids["opening"][OWN], "action": "reject", "reason_code": "pay"} | FOUND,
        ),
    ),
    Row(
        "POST",
        "/clients/{client}/placements",
        {S: owned(201)},
        kind="client",
        body=lambda c: {"opening_id": c.id("opening"), "start_date": "2026-03-09"},
    ),
    Row("GET", "/clients/{client}/placements", {S: owned(200)}, kind="client"),
    Row(
        "PATCH",
        "/clients/{client}/placements/{placement}",
        {S: owned(200)},
        kind="client",
        body=lambda c: {"version": 1, "end_date": "2026-05-01", "separation_reason": "moved"},
    ),
    # Another client's placement under one's own client is a 404.
    Row(
        "PATCH",
        "/clients/{client}/placements/{placement}",
        {S: owned(200)},
        kind="placement",
        body=lambda c: {"version": 1, "end_date": "2026-05-01", "separation_reason": "moved"},
    ),
    Row("GET", "/employers", {L: single(200), S: single(200)}),
    Row("POST", "/employers", {L: single(201), S: single(201)}, body=lambda c: {"name": "Made By Table"}),
    Row("GET", "/employers/{employer}", {L: owned(200), S: shared(200)}, kind="employer"),
    Row(
        "PUT",
        "/employers/{employer}",
        {L: owned(200), S: read_only()},
        kind="employer",
        body=lambda c: {"name": "Renamed Employer", "version": 1},
    ),
    Row("GET", "/openings", {L: single(200), S: single(200)}),
    Row(
        "POST",
        "/openings",
        {L: owned(201), S: shared(201)},
        kind="employer",
        body=lambda c: {"employer_id": c.id("employer"), "details": opening_details(title=next(_TITLES))},
    ),
    Row("GET", "/openings/{opening}", {L: owned(200), S: shared(200)}, kind="opening"),
    Row(
        "PUT",
        "/openings/{opening}",
        {L: owned(200), S: read_only()},
        kind="opening",
        body=lambda c: {"version": 1, "details": opening_details(hourly_wage=17)},
    ),
    Row("POST", "/openings/{opening}/fill", {L: owned(200), S: read_only()}, kind="opening"),
    Row("POST", "/openings/{opening}/close", {L: owned(200), S: read_only()}, kind="opening"),
    Row("POST", "/openings/{opening}/reopen", {L: owned(200), S: read_only()}, kind="opening", prepare=_fill),
    Row("POST", "/openings/import", {L: single(200)}, upload=True),
    Row("GET", "/audit/events", {AU: single(200)}),
    Row("GET", "/audit/events/export", {AU: single(200)}),
    Row("GET", "/audit/recommendations", {AU: single(200)}),
    Row("GET", "/audit/recommendations/{record}", {AU: {OWN: 200, MISSING: 404}}, kind="record"),
    Row("GET", "/audit/recommendations/{record}/reconstruct", {AU: {OWN: 200, MISSING: 404}}, kind="record"),
    Row("GET", "/audit/pools/{pool}/openings", {AU: {OWN: 200, MISSING: 404}}, kind="pool"),
    Row("GET", "/audit/verify", {AU: single(200)}),
    Row(
        "POST",
        "/audit/notes/{note}/redaction",
        # admin comes after the auditor, who has just redacted the same note
        {AU: {OWN: 200, MISSING: 404}, AD: {OWN: 409, MISSING: 404}},
        kind="note",
        body=lambda c: {"reason": "erasure request 2026-114"},
    ),
    Row("POST", "/rematch/runs", {AD: single(202)}, prepare=lambda c: _rematch_idle(c)),
    Row("GET", "/rematch/runs/latest", {AD: single(200), S: single(200)}, prepare=lambda c: _rematch_done(c)),
    Row("GET", "/rematch/digest", {S: single(200)}, prepare=lambda c: _rematch_done(c)),
    Row("GET", "/rematch/digests", {S: single(200)}, prepare=lambda c: _rematch_done(c)),
    Row("GET", "/rematch/digests/{run}", {S: single(200)}, prepare=lambda c: _rematch_run(c)),
    # Career exploration: these apps have no O*NET store, so the allowed roles get the 409 that
    # says how to build one (with a store: tests/api/test_explore_api.py, caseload included).
    Row("GET", "/occupations/resolve", {S: single(409), AD: single(409)}),
    Row("GET", "/occupations/{code}", {S: single(409), AD: single(409)}),
    Row("GET", "/occupations/{code}/related", {S: single(409), AD: single(409)}),
    Row("GET", "/clients/{client}/explore", {S: {OWN: 409, OTHER: 409, MISSING: 409}}, kind="client"),
    # Outcome reports: specialists (own caseload), auditors and admins (the program).
    Row("GET", "/outcomes", {S: single(200), AU: single(200), AD: single(200)}),
    Row("GET", "/outcomes.csv", {S: single(200), AU: single(200), AD: single(200)}),
    # Demographics: read only in aggregate, by auditors and admins; written by the client's specialist.
    Row("GET", "/audit/fairness", {AU: single(200), AD: single(200)}),
    Row("GET", "/audit/fairness.csv", {AU: single(200), AD: single(200)}),
    Row(
        "PUT",
        "/clients/{client}/demographics",
        {S: owned(204)},
        kind="client",
        body=lambda c: {"consent": True, "sex": "female"},
    ),
    Row("DELETE", "/clients/{client}/demographics", {S: owned(204)}, kind="client"),
]


def _rematch_idle(c: Ctx) -> None:
    """Wait until no re-match run is working (a POST would otherwise get 409)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        latest = c.api.get("/rematch/runs/latest", c.world.headers["admin"])
        if latest.status_code == 404 or latest.json()["status"] != "running":
            return
        time.sleep(0.1)
    raise AssertionError("re-match run did not finish")


def _rematch_done(c: Ctx) -> None:
    """A finished re-match run covering the caller's client (so spec1 has a digest)."""
    _rematch_idle(c)
    assert c.api.post("/rematch/runs", c.world.headers["admin"]).status_code == 202
    _rematch_idle(c)


def _rematch_run(c: Ctx) -> None:
    """A finished run, its id as the ``run`` of the path (only a specialist with clients in it reads it)."""
    _rematch_done(c)
    c.ids["run"] = {OWN: c.api.get("/rematch/runs/latest", c.world.headers["admin"]).json()["id"]}


def make_ctx(api: Api, world: World, row: Row) -> Ctx:
    """Fresh own/other records: clients of spec1/spec2, employers and openings of liaison1/2."""
    c = Ctx(api=api, world=world)
    own_client = api.create_client(world.headers["spec1"], home=OWN_HOME)["id"]
    other_client = api.create_client(world.headers["spec2"], home=OTHER_HOME)["id"]
    own_employer = api.create_employer(world.headers["liaison1"])["id"]
    other_employer = api.create_employer(world.headers["liaison2"])["id"]
    own_opening = api.create_opening(world.headers["liaison1"], own_employer, title="Line cook")["id"]
    other_opening = api.create_opening(world.headers["liaison2"], other_employer, title="Line cook")["id"]
    placements = [0, 0]
    if "{placement}" in row.path:
        for i, (who, client) in enumerate((("spec1", own_client), ("spec2", other_client))):
            body = {"opening_id": own_opening, "start_date": "2026-03-09"}
            placements[i] = api.post(f"/clients/{client}/placements", world.headers[who], json=body).json()[
                "id"
            ]
    record = pool = None
    if "{record}" in row.path or "{pool}" in row.path:
        shown = api.get(f"/clients/{own_client}/shortlist", world.headers["spec1"]).json()
        record, pool = shown["recommendation_id"], shown["pool_hash"]
    target_user = api.add_user("specialist").id if "{user}" in row.path else 0
    note = _note(api, world) if "{note}" in row.path else ""
    c.ids = {
        "client": {OWN: own_client, OTHER: other_client, MISSING: "C-MISSING0000"},
        "employer": {OWN: own_employer, OTHER: other_employer, MISSING: "E-MISSING0000"},
        "opening": {OWN: own_opening, OTHER: other_opening, MISSING: "O-MISSING0000"},
        "placement": {OWN: placements[0], OTHER: placements[1], MISSING: 999_999},
        "record": {OWN: record, MISSING: "00000000-0000-0000-0000-000000000000"},
        "pool": {OWN: pool, MISSING: "0" * 64},
        "user": {OWN: target_user, MISSING: 999_999},
        "note": {OWN: note, MISSING: "00000000-0000-0000-0000-000000000000"},
    }
    return c


def _note(api: Api, world: World) -> str:
    """The id of a fresh free-text note (kept outside the chain), here on a configuration change."""
    body = {"config": {}, "note": "a note to redact"}
    assert api.put("/config", world.headers["admin"], json=body).status_code == 200
    params = {"kind": "config.updated", "limit": 1000}
    events = api.get("/audit/events", world.headers["auditor"], params=params).json()["data"]
    return str(events[-1]["payload"]["note_id"])


def call(c: Ctx, row: Row, headers: dict[str, str] | None) -> Any:
    path = row.path
    for kind in ("client", "employer", "opening", "placement", "record", "pool", "user", "note", "run"):
        if "{" + kind + "}" in path:
            path = path.replace("{" + kind + "}", str(c.id(kind)))
    kwargs: dict[str, Any] = {}
    if row.body is not None:
        kwargs["json"] = row.body(c)
    if row.upload:
        kwargs["files"] = _csv(c)
    return c.api.client.request(row.method, "/api/v1" + path, headers=headers, **kwargs)


def variants(row: Row) -> list[str]:
    if row.kind is None:
        return [OWN]
    return [OTHER, MISSING, OWN] if row.kind not in ("record", "pool", "user", "note") else [MISSING, OWN]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_access_table(api: Api, world: World, row: Row) -> None:
    c = make_ctx(api, world, row)
    c.kind = row.kind
    if row.prepare is not None:
        row.prepare(c)
    seen: list[tuple[str, str, int]] = []
    for role, username in ROLE_USER.items():
        expected_by_variant = row.allowed.get(role)
        for variant in variants(row):  # own last: it may change the record
            c.variant = variant
            expected = 403 if expected_by_variant is None else expected_by_variant[variant]
            response = call(c, row, world.headers[username])
            seen.append((role, variant, response.status_code))
            assert response.status_code == expected, (
                role,
                variant,
                response.status_code,
                response.text[:300],
            )
            if expected == 404:
                assert set(response.json()) == {"detail"} and response.json()["detail"].endswith("not found")
            check_privacy(role, response.text)
    c.variant = OWN
    assert call(c, row, None).status_code == 401


def check_privacy(role: str, text: str) -> None:
    """No cross-caseload reads; a home location only ever reaches the client's own specialist."""
    assert str(OTHER_HOME["lat"]) not in text, "another caseload's client leaked"
    if str(OWN_HOME["lat"]) in text:
        assert role == S, f"home location shown to {role}"
    if role != S:
        assert '"profile"' not in text, f"client profile shown to {role}"


def test_every_endpoint_is_in_the_table(api: Api) -> None:
    schema = api.client.get("/api/v1/openapi.json").json()
    endpoints = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, item in schema["paths"].items()
        for method in item
    }
    public = {("POST", "/login/access-token"), ("GET", "/health"), ("GET", "/ready")}
    # Any logged-in user may log out; it ends the token, so tests/api/test_tokens.py covers it.
    public.add(("POST", "/logout"))
    names = {
        "client_id": "client",
        "employer_id": "employer",
        "opening_id": "opening",
        "placement_id": "placement",
        "record_id": "record",
        "pool_hash": "pool",
        "user_id": "user",
        "note_id": "note",
        "run_id": "run",
    }
    covered = set()
    for row in ROWS:
        path = row.path
        for param, kind in names.items():
            path = path.replace("{" + kind + "}", "{" + param + "}")
        covered.add((row.method, path))
    assert endpoints - public == covered
