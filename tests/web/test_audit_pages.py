"""The auditor's pages: recent recommendations, one recommendation's trail, the chain check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from api.models import Role
from tests.api.conftest import HOME, Api, World
from tests.api.tamper_util import fresh_api, tamper
from tests.web.conftest import Browser, make_test_client


@pytest.fixture(scope="module")
def shown(api: Api, world: World) -> dict[str, Any]:
    """A client's shortlist as its specialist saw it (a recommendation record), one suggestion rejected."""
    employer = api.create_employer(world.headers["liaison1"])
    for _ in range(3):
        api.create_opening(world.headers["liaison1"], employer["id"])
    client = api.create_client(world.headers["spec1"])
    shortlist = api.get(f"/clients/{client['id']}/shortlist", world.headers["spec1"]).json()
    assert shortlist["suggestions"], shortlist
    rejected = shortlist["suggestions"][0]["opening_id"]
    decision = {
        "opening_id": rejected,
        "action": "reject",
        "reason_code": "schedule",
        "note": "evenings only",
        "recommendation_id": shortlist["recommendation_id"],
    }
    response = api.post(f"/clients/{client['id']}/decisions", world.headers["spec1"], json=decision)
    assert response.status_code in (200, 201), response.text
    return {"client": client, "shortlist": shortlist, "rejected": rejected}


def test_the_list_shows_recent_records_newest_first_and_filters(
    browser_for: Any, world: World, shown: dict[str, Any], api: Api
) -> None:
    # A second, newer record for the same client.
    newer = api.get(f"/clients/{shown['client']['id']}/shortlist", world.headers["spec1"]).json()
    browser = browser_for(world.users["auditor"])
    page = browser.get("/audit")
    assert page.status_code == 200
    ids = re.findall(r'href="/audit/recommendations/([^"]+)"', page.text)
    assert ids.index(newer["recommendation_id"]) < ids.index(shown["shortlist"]["recommendation_id"])
    by_id = browser.get("/audit", params={"record": newer["recommendation_id"]})
    assert re.findall(r'href="/audit/recommendations/([^"]+)"', by_id.text) == [newer["recommendation_id"]]
    nobody = browser.get("/audit", params={"actor": "nobody-at-all"})
    assert "No recommendation records match" in nobody.text
    mine = browser.get("/audit", params={"actor": world.users["spec1"].username, "since": "2000-01-01"})
    assert newer["recommendation_id"] in mine.text
    future = browser.get("/audit", params={"since": "2999-01-01"})
    assert "No recommendation records match" in future.text
    wrong = browser.get("/audit", params={"since": "yesterday", "until": "2000-01-01"})
    assert wrong.status_code == 422
    assert 'id="since-error"' in wrong.text and "Enter a date" in wrong.text


def test_the_trail_shows_hashes_versions_points_decisions_and_events(
    browser_for: Any, world: World, shown: dict[str, Any], api: Api
) -> None:
    record_id = shown["shortlist"]["recommendation_id"]
    record = api.get(f"/audit/recommendations/{record_id}", world.headers["auditor"]).json()
    page = browser_for(world.users["auditor"]).get(f"/audit/recommendations/{record_id}")
    assert page.status_code == 200
    text = page.text
    for value in (
        record["inputs_hash"],
        record["pool_hash"],
        record["engine_version"],
        record["config_hash"],
    ):
        assert value in text
    assert "Every factor adds up to the score</th><td>yes" in text
    assert "The journey to work</th><td>" in text and "points withheld" in text
    assert f"Decision on {shown['rejected']}: rejected (reason: schedule)" in text
    assert "Sealed this recommendation record" in text
    assert f"<td>{record['event_seq']}</td>" in text
    # Minimum necessary: no home, no total score, no commute minutes, no note text.
    assert str(HOME["lat"]) not in text and str(HOME["lon"]) not in text
    assert "evenings only" not in text
    for suggestion in shown["shortlist"]["suggestions"]:
        assert f"{suggestion['score']:.2f}" not in text


def test_a_record_reconstructs_identically(browser_for: Any, world: World, shown: dict[str, Any]) -> None:
    record_id = shown["shortlist"]["recommendation_id"]
    browser: Browser = browser_for(world.users["auditor"])
    trail = f"/audit/recommendations/{record_id}"
    response = browser.submit(trail, trail + "/reconstruct", {})
    assert response.status_code == 200
    assert "Identical:" in response.text


def test_an_admin_reads_the_audit_pages_too(browser_for: Any, world: World, shown: dict[str, Any]) -> None:
    browser = browser_for(world.users["admin"])
    assert browser.get("/audit").status_code == 200
    assert browser.get(f"/audit/recommendations/{shown['shortlist']['recommendation_id']}").status_code == 200


def test_other_roles_do_not_find_the_audit_pages(
    browser_for: Any, world: World, shown: dict[str, Any]
) -> None:
    record_id = shown["shortlist"]["recommendation_id"]
    for name in ("spec1", "liaison1"):
        browser = browser_for(world.users[name])
        for path in ("/audit", f"/audit/recommendations/{record_id}", "/audit/verify"):
            assert browser.get(path).status_code == 404, (name, path)
        assert browser.http.post("/audit/verify", data={}).status_code in (403, 404)
    assert browser_for().get("/audit", follow_redirects=False).status_code == 303  # to the login


def test_an_unknown_record_is_not_found(browser_for: Any, world: World) -> None:
    response = browser_for(world.users["auditor"]).get("/audit/recommendations/no-such-record")
    assert response.status_code == 404 and "no recommendation record" in response.text


def test_verify_says_ok_with_the_number_of_events(browser_for: Any, world: World, api: Api) -> None:
    browser = browser_for(world.users["auditor"])
    response = browser.submit("/audit/verify", "/audit/verify", {})
    assert response.status_code == 200
    checked = api.get("/audit/verify", world.headers["auditor"]).json()
    found = re.search(r"OK:</strong> the chain is intact\. (\d+) events checked", response.text)
    assert found and int(found.group(1)) >= checked["n_events"] - 5  # a few logins since


def test_verify_shows_the_first_broken_event_of_a_tampered_chain(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        client = api.create_client(world.headers["spec1"])
        first = api.get("/audit/events", world.headers["auditor"], params={"client_id": client["id"]}).json()
        target = first["data"][0]
        api.create_client(world.headers["spec1"])
        tamper(url, f"UPDATE audit_events SET actor = 'mallory' WHERE seq = {int(target['seq'])}")
        with make_test_client(api.app) as http:
            browser = Browser(http)
            browser.log_in(world.users["auditor"])
            response = browser.submit("/audit/verify", "/audit/verify", {})
        assert response.status_code == 200
        text = response.text
        assert "Broken:" in text
        assert f"<dt>Event</dt><dd>{target['seq']}</dd>" in text
        assert "<dt>Kind</dt><dd>client.created</dd>" in text
        assert "<dt>Who</dt><dd>mallory</dd>" in text
        assert f"event {target['seq']} was altered" in text


def test_list_endpoints_give_total_limit_and_offset(api: Api, world: World, shown: dict[str, Any]) -> None:
    h = world.headers["auditor"]
    events = api.get("/audit/events", h, params={"limit": 2, "offset": 1}).json()
    assert events["count"] == 2 and events["limit"] == 2 and events["offset"] == 1
    assert events["total"] == len(api.get("/audit/events", h, params={"limit": 1000}).json()["data"])
    records = api.get("/audit/recommendations", h, params={"client_id": shown["client"]["id"]}).json()
    assert records["total"] == records["count"] >= 1
    assert api.get("/audit/recommendations", h, params={"limit": 1001}).status_code == 422
    pool = api.get(f"/audit/pools/{shown['shortlist']['pool_hash']}/openings", h, params={"limit": 1}).json()
    assert pool["count"] == 1 and pool["total"] == pool["n_openings"] >= 3 and pool["limit"] == 1
    users = api.get(
        "/users", world.headers["admin"], params={"limit": 1, "role": Role.SPECIALIST.value}
    ).json()
    assert users["count"] == 1 and users["total"] >= 2 and users["limit"] == 1
    assert api.get("/users", world.headers["admin"], params={"limit": 501}).status_code == 422
