"""Outcome reports and the fairness audit over HTTP: who sees what, validation, CSV escaping,
and demographics that are written by the client's specialist and read by no one per client."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
import pytest

from api.models import Client, ClientDemographics, Placement, User
from tests.api.conftest import Api, World

INJECTION = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(scope="module")
def program(api: Api, world: World) -> dict[str, Any]:
    """spec1: two clients (one placed twice), spec2: one client; spec2's name is a formula."""
    ids = {
        "spec1": [api.create_client(world.headers["spec1"])["id"] for _ in range(2)],
        "spec2": [api.create_client(world.headers["spec2"])["id"]],
    }
    with api.session() as session:
        session.get(User, world.users["spec2"].id).full_name = INJECTION  # type: ignore[union-attr]
        for cid in [*ids["spec1"], *ids["spec2"]]:
            session.get(Client, cid).enrolled_on = dt.date(2026, 1, 1)  # type: ignore[union-attr]
        a = ids["spec1"][0]
        session.add_all(
            [
                Placement(
                    client_id=a,
                    start_date=dt.date(2026, 1, 21),
                    end_date=dt.date(2026, 2, 20),
                    separation_reason="fired",
                    hourly_wage=15.0,
                    weekly_hours=20.0,
                ),
                Placement(client_id=a, start_date=dt.date(2026, 2, 25), hourly_wage=17.0, weekly_hours=30.0),
                Placement(
                    client_id=ids["spec2"][0],
                    start_date=dt.date(2026, 2, 1),
                    hourly_wage=16.0,
                    weekly_hours=12.0,
                    competitive_integrated=False,
                ),
            ]
        )
        session.commit()
    return ids


@pytest.mark.usefixtures("program")
def test_a_specialist_sees_their_own_caseload_only(api: Api, world: World) -> None:
    body = api.get("/outcomes", world.headers["spec1"]).json()
    (row,) = body["rows"]
    assert body["program_wide"] is False
    # spec1's two clients; client a held a competitive integrated job: 1 of 2.
    assert (row["clients_served"], row["clients_employed_cie"], row["jobs_started"]) == (2, 1, 2)
    # a's first job 20 days after enrolment (Jan 1 -> Jan 21).
    assert row["days_to_first_job_median"] == 20.0
    per = api.get("/outcomes", world.headers["spec1"], params={"by": "specialist"}).json()["rows"]
    assert [r["group"] for r in per] == [world.users["spec1"].username]


@pytest.mark.usefixtures("program")
@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_admins_and_auditors_see_the_program(api: Api, world: World, who: str) -> None:
    body = api.get("/outcomes", world.headers[who]).json()
    (row,) = body["rows"]
    assert body["program_wide"] is True
    # 3 clients; spec2's client's job is not competitive integrated: still 1 employed in CIE.
    assert (row["clients_served"], row["clients_employed_cie"], row["jobs_started"]) == (3, 1, 3)
    assert row["endings"] == {"fired": 1}
    per = api.get("/outcomes", world.headers[who], params={"by": "specialist"}).json()["rows"]
    assert sorted(r["clients_served"] for r in per) == [1, 2]
    sizes = {c["specialist"]: c["active_clients"] for c in body["caseloads"]}
    assert sizes[world.users["spec1"].username] == 2


def test_a_liaison_gets_no_report_and_no_audit(api: Api, world: World) -> None:
    for path in ("/outcomes", "/outcomes.csv", "/audit/fairness", "/audit/fairness.csv"):
        response = api.get(path, world.headers["liaison1"])
        assert response.status_code == 403, path
        assert response.json()["detail"] == "Not enough permissions"


@pytest.mark.parametrize("who", ["spec1", "liaison1"])
def test_specialists_and_liaisons_cannot_read_the_fairness_aggregate(
    api: Api, world: World, who: str
) -> None:
    assert api.get("/audit/fairness", world.headers[who]).status_code == 403


@pytest.mark.parametrize("path", ["/outcomes", "/outcomes.csv"])
def test_bad_parameters_name_the_field(api: Api, world: World, path: str) -> None:
    response = api.get(path, world.headers["admin"], params={"by": "week"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "by"]
    response = api.get(path, world.headers["admin"], params={"since": "2026-03-01", "until": "2026-02-01"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "until"]


@pytest.mark.usefixtures("program")
def test_the_csv_escapes_a_formula_in_a_specialists_name(api: Api, world: World) -> None:
    response = api.get("/outcomes.csv", world.headers["admin"], params={"by": "specialist"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(response.text))
    assert "'" + INJECTION in set(frame["group"])
    assert INJECTION not in set(frame["group"])
    assert frame["ended_fired"].sum() == 1


def test_demographics_are_written_with_consent_by_the_clients_specialist(
    api: Api, world: World, program: dict[str, Any]
) -> None:
    own, other = program["spec1"][0], program["spec2"][0]
    answers = {"consent": True, "sex": "female", "race_ethnicity": "black", "age_band": "25_34"}
    assert api.put(f"/clients/{own}/demographics", world.headers["spec1"], json=answers).status_code == 204
    assert api.put(f"/clients/{other}/demographics", world.headers["spec1"], json=answers).status_code == 404
    refused = api.put(
        f"/clients/{own}/demographics", world.headers["spec1"], json=answers | {"consent": False}
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "consent"]
    unknown = api.put(f"/clients/{own}/demographics", world.headers["spec1"], json=answers | {"sex": "F"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "sex"]
    with api.session() as session:
        row = session.get(ClientDemographics, own)
        assert row is not None and (row.sex, row.race_ethnicity, row.disability) == ("female", "black", None)


def test_no_route_reads_one_clients_demographics(api: Api, world: World, program: dict[str, Any]) -> None:
    schema = api.client.get("/api/v1/openapi.json").json()
    reads = [path for path, item in schema["paths"].items() if "demographics" in path and "get" in item]
    assert reads == []
    own = program["spec1"][0]
    for who in ("spec1", "auditor", "admin"):
        assert api.get(f"/clients/{own}/demographics", world.headers[who]).status_code == 405
    # The client's own record and the audit trail say nothing of the answers either.
    assert "female" not in api.get(f"/clients/{own}", world.headers["spec1"]).text
    assert "female" not in api.get("/audit/events", world.headers["auditor"], params={"client_id": own}).text


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_the_aggregate_suppresses_groups_under_ten(
    api: Api, world: World, program: dict[str, Any], who: str
) -> None:
    body = api.get("/audit/fairness", world.headers[who]).json()
    assert (body["clients"], body["min_group"]) == (3, 10)
    assert body["impact_ratios"] and all(r["suppressed"] for r in body["impact_ratios"])
    assert all(r["n"] is None and r["rate"] is None for r in body["impact_ratios"])
    assert not any(r["flag"] for r in body["impact_ratios"])
    assert program["spec1"][0] not in api.get("/audit/fairness.csv", world.headers[who]).text


def test_withdrawn_consent_deletes_the_answers(api: Api, world: World, program: dict[str, Any]) -> None:
    own = program["spec1"][1]
    api.put(f"/clients/{own}/demographics", world.headers["spec1"], json={"consent": True, "sex": "male"})
    assert (
        api.client.delete(f"/api/v1/clients/{own}/demographics", headers=world.headers["spec1"]).status_code
        == 204
    )
    with api.session() as session:
        assert session.get(ClientDemographics, own) is None
