"""The specialist's client pages: caseload, client form, client page (TestClient, both databases)."""

from __future__ import annotations

import re
from typing import Any

from api.web.caseload_form import body_of, values_of
from tests.api.conftest import Api, World, client_profile
from tests.web.conftest import Browser, csrf_of

VALID_FORM = {
    "label": "R.K.",
    "profile.zip": "60647",
    "profile.modes": ["transit", "walk"],
    "profile.max_commute_minutes": "40",
    "grid.Mon": ["morning", "afternoon"],
    "grid.Tue": ["morning"],
    "times.Sat": "10:00-14:00",
    "profile.min_hours": "10",
    "profile.max_hours": "25",
    "profile.capacity.attention": "3",
    "profile.capacity.stamina": "2",
    "profile.accommodations.written_instructions": "required",
    "profile.accommodations.extra_breaks": "preferred",
    "profile.discloses": "yes",
    "profile.interests": "working with animals\ngardening",
    "profile.wage_floor": "16",
    "profile.receives_ssdi": "yes",
    "profile.priorities.commute": "high",
}


def _client_ids(api: Api, world: World, who: str) -> set[str]:
    return {c["id"] for c in api.get("/clients", world.headers[who]).json()["data"]}


def _events(api: Api, world: World, **params: Any) -> list[dict[str, Any]]:
    return api.get("/audit/events", world.headers["auditor"], params=params).json()["data"]  # type: ignore[no-any-return]


def _error_beside(html: str, field_id: str) -> str:
    found = re.search(rf'id="{field_id}-error"><span class="visually-hidden">Error:</span> ([^<]+)</p>', html)
    assert found, f"no error beside {field_id}"
    return found.group(1)


def _values(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_the_form_creates_the_client_the_json_api_would(browser_for: Any, api: Api, world: World) -> None:
    browser: Browser = browser_for(world.users["spec1"])
    response = browser.submit("/clients/new", "/clients/new", VALID_FORM)
    assert response.status_code == 303
    client_id = response.headers["location"].split("/")[2].split("?")[0]
    assert response.headers["location"] == f"/clients/{client_id}?done=created"
    stored = api.get(f"/clients/{client_id}", world.headers["spec1"]).json()
    profile = stored["profile"]
    assert stored["label"] == "R.K."
    assert profile["availability"] == ["Mon 09:00-17:00", "Tue 09:00-12:00", "Sat 10:00-14:00"]
    assert profile["capacity"] == {"attention": 3, "stamina": 2}
    assert profile["accommodations"] == {"written_instructions": "required", "extra_breaks": "preferred"}
    assert profile["discloses"] is True and profile["receives_ssdi"] is True
    assert profile["interests"] == ["working with animals", "gardening"]
    assert profile["priorities"] == {"commute": "high"}
    # Same as the JSON API makes of the same profile.
    same = api.post(
        "/clients",
        world.headers["spec1"],
        json={"label": "R.K.", "profile": body_of(VALID_FORM)[0]["profile"]},
    ).json()
    assert same["profile"] == profile
    # The same event as the JSON route logs.
    assert [e["actor"] for e in _events(api, world, client_id=client_id, kind="client.created")] == [
        world.users["spec1"].username
    ]


def test_every_error_is_shown_at_once_beside_its_field_and_nothing_is_saved(
    browser_for: Any, api: Api, world: World
) -> None:
    browser: Browser = browser_for(world.users["spec1"])
    before = _client_ids(api, world, "spec1")
    created_before = len(_events(api, world, kind="client.created", limit=1000))
    bad = VALID_FORM | {
        "label": "Nobody",
        "profile.zip": "00000",
        "profile.min_hours": "30",
        "profile.max_hours": "10",
        "times.Sat": "10-2",  # 10 at night or in the morning?
        "profile.wage_floor": "lots",
        "profile.modes": [],
    }
    response = browser.submit("/clients/new", "/clients/new", bad)
    assert response.status_code == 422
    html = response.text
    assert "Nothing was saved: please fix these 5 problems" in html
    assert "00000" in _error_beside(html, "profile-zip")
    assert "more than the most hours (10)" in _error_beside(html, "profile-min_hours")
    assert "say am or pm" in _error_beside(html, "times-Sat")
    assert "Enter a number" in _error_beside(html, "profile-wage_floor")
    assert "travel" in _error_beside(html, "profile-modes")
    # The summary links to each field.
    for anchor in (
        "#profile-zip",
        "#profile-min_hours",
        "#times-Sat",
        "#profile-wage_floor",
        "#profile-modes",
    ):
        assert f'href="{anchor}"' in html
    # Values kept as typed.
    assert _values(html, "profile.zip") == "00000"
    assert _values(html, "times.Sat") == "10-2"
    assert _values(html, "label") == "Nobody"
    assert 'value="morning" id="grid-Mon-morning" checked' in html
    # Nothing saved, nothing logged.
    assert _client_ids(api, world, "spec1") == before
    assert len(_events(api, world, kind="client.created", limit=1000)) == created_before


def test_an_edit_keeps_what_it_does_not_change_and_logs_the_update(
    browser_for: Any, api: Api, world: World
) -> None:
    created = api.create_client(
        world.headers["spec1"], **{"riasec": [5, 2, 1.5, 4, 1, 3.5], "past_titles": ["Cook"]}
    )
    browser: Browser = browser_for(world.users["spec1"])
    page = browser.get(f"/clients/{created['id']}/edit")
    assert page.status_code == 200
    # What the form shows, posted back unchanged, is the same profile.
    values = values_of(created["label"], created["profile"], version=1) | {"label": "Renamed"}
    response = browser.submit(f"/clients/{created['id']}/edit", f"/clients/{created['id']}/edit", values)
    assert response.status_code == 303, response.text
    after = api.get(f"/clients/{created['id']}", world.headers["spec1"]).json()
    assert after["version"] == 2 and after["label"] == "Renamed"
    assert after["profile"] == created["profile"]
    assert _events(api, world, client_id=created["id"], kind="client.updated")[0]["payload"]["version"] == 2


def test_a_stale_edit_says_changed_meanwhile_shows_the_current_values_and_saves_nothing(
    browser_for: Any, api: Api, world: World
) -> None:
    created = api.create_client(world.headers["spec1"], label="Before")
    browser: Browser = browser_for(world.users["spec1"])
    form_page = f"/clients/{created['id']}/edit"
    opened = browser.get(form_page)
    # Someone else saves a change meanwhile (through the JSON API).
    changed = api.put(
        f"/clients/{created['id']}",
        world.headers["spec1"],
        json={"version": 1, "label": "Changed elsewhere", "profile": client_profile(max_hours=20)},
    )
    assert changed.status_code == 200
    values = values_of("My edit", created["profile"], version=1)
    response = browser.http.post(
        form_page, data={"csrf_token": csrf_of(opened.text), **values}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 409
    assert "Changed meanwhile" in response.text
    assert _values(response.text, "label") == "Changed elsewhere"
    assert _values(response.text, "profile.max_hours") == "20"
    assert _values(response.text, "version") == "2"
    after = api.get(f"/clients/{created['id']}", world.headers["spec1"]).json()
    assert after["label"] == "Changed elsewhere" and after["version"] == 2


def test_the_caseload_lists_only_own_clients_with_search_status_and_flags(
    browser_for: Any, api: Api, world: World
) -> None:
    spec = api.add_user("specialist")
    headers = api.headers(spec)
    a = api.create_client(headers, label="Alma Q.")
    b = api.create_client(headers, label="Bert Z.")
    other = api.create_client(world.headers["spec2"], label="Theirs")
    employer = api.create_employer(world.headers["liaison1"])
    api.create_opening(world.headers["liaison1"], employer["id"])
    shortlist = api.get(f"/clients/{a['id']}/shortlist", headers).json()
    assert shortlist["suggestions"], "the opening near HOME fits"
    api.post(f"/clients/{b['id']}/pause", headers)
    browser: Browser = browser_for(spec)

    page = browser.get("/caseload").text
    assert "Alma Q." in page and "Bert Z." in page and "Theirs" not in page and other["id"] not in page
    assert f'href="/clients/{a["id"]}/shortlist"' in page
    assert f"{len(shortlist['suggestions'])} decision" in page  # shown, none approved or rejected yet
    assert "No shortlist yet" not in page.split("Alma Q.")[1].split("</tr>")[0]

    searched = browser.get("/caseload", params={"q": "alma"}).text
    assert "Alma Q." in searched and "Bert Z." not in searched
    paused = browser.get("/caseload", params={"status": "paused"}).text
    assert "Bert Z." in paused and "Alma Q." not in paused

    # A decision on each shown suggestion: nothing pending any more.
    for item in shortlist["suggestions"]:
        api.post(
            f"/clients/{a['id']}/decisions",
            headers,
            json={
                "opening_id": item["opening_id"],
                "action": "approve",
                "recommendation_id": shortlist["recommendation_id"],
            },
        )
    assert "pending" not in browser.get("/caseload").text.split("Alma Q.")[1].split("</tr>")[0]


def test_a_long_caseload_is_paged(browser_for: Any, api: Api) -> None:
    spec = api.add_user("specialist")
    headers = api.headers(spec)
    for n in range(27):
        api.create_client(headers, label=f"Client {n:02d}")
    browser: Browser = browser_for(spec)
    first = browser.get("/caseload").text
    assert "Client 00" in first and "Client 24" in first and "Client 25" not in first
    assert "Page 1 of 2 (27 in all)" in first
    second = browser.get("/caseload", params={"page": 2}).text
    assert "Client 25" in second and "Client 26" in second and "Client 00" not in second


def test_the_client_page_shows_the_profile_in_words(browser_for: Any, world: World) -> None:
    browser: Browser = browser_for(world.users["spec1"])
    response = browser.submit("/clients/new", "/clients/new", VALID_FORM)
    page = browser.get(response.headers["location"])
    html = page.text
    assert "The client was added to your caseload." in html
    assert "ZIP code 60647 (Chicago, IL)" in html
    assert "Public transit, Walking" in html
    assert "09:00 to 17:00" in html and "Saturday" in html
    assert "Moderate" in html and "Low (about 4 hours a day)" in html
    assert "Written or visual instructions and checklists" in html
    assert "The journey to work: matters more" in html
    assert f'href="{response.headers["location"].split("?")[0]}/edit"' in html


def test_another_caseload_and_other_roles_meet_not_found(browser_for: Any, api: Api, world: World) -> None:
    theirs = api.create_client(world.headers["spec2"])
    spec1: Browser = browser_for(world.users["spec1"])
    for path in (f"/clients/{theirs['id']}", f"/clients/{theirs['id']}/edit", "/clients/C-NOSUCHCLIENT"):
        response = spec1.get(path)
        assert response.status_code == 404 and "<h1>Page not found</h1>" in response.text
    response = spec1.submit("/caseload", f"/clients/{theirs['id']}/pause", {"version": "1"})
    assert response.status_code == 404
    assert api.get(f"/clients/{theirs['id']}", world.headers["spec2"]).json()["status"] == "active"
    for role in ("liaison1", "auditor", "admin"):
        browser: Browser = browser_for(world.users[role])
        for path in ("/caseload", "/clients/new", f"/clients/{theirs['id']}"):
            assert browser.get(path).status_code == 404, (role, path)


def test_pause_resume_and_close_through_the_client_page(browser_for: Any, api: Api, world: World) -> None:
    created = api.create_client(world.headers["spec1"])
    page = f"/clients/{created['id']}"
    browser: Browser = browser_for(world.users["spec1"])
    assert (
        browser.submit(page, f"{page}/pause", {"version": "1"}).headers["location"] == f"{page}?done=paused"
    )
    assert "Resume the client" in browser.get(page).text
    stale = browser.submit(page, f"{page}/resume", {"version": "1"})
    assert stale.status_code == 409 and "changed meanwhile" in stale.text
    assert browser.submit(page, f"{page}/resume", {"version": "2"}).status_code == 303
    unconfirmed = browser.submit(page, f"{page}/close", {"version": "3"})
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.text
    assert api.get(page, world.headers["spec1"]).json()["status"] == "active"
    closed = browser.submit(page, f"{page}/close", {"version": "3", "confirm": "yes"})
    assert closed.headers["location"] == f"{page}?done=closed"
    assert [
        e["payload"]["status"] for e in _events(api, world, client_id=created["id"], kind="client.status")
    ] == [
        "paused",
        "active",
        "closed",
    ]
    assert browser.get(f"{page}/edit").status_code == 409


def test_a_hostile_label_is_text(browser_for: Any, api: Api, world: World) -> None:
    label = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
    created = api.create_client(world.headers["spec1"], label=label)
    browser: Browser = browser_for(world.users["spec1"])
    for path in ("/caseload", f"/clients/{created['id']}", f"/clients/{created['id']}/edit"):
        html = browser.get(path).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_client_form_without_this_browsers_csrf_token_saves_nothing(
    browser_for: Any, api: Api, world: World
) -> None:
    before = _client_ids(api, world, "spec1")
    browser: Browser = browser_for(world.users["spec1"])
    response = browser.http.post(
        "/clients/new", data={"csrf_token": "0" * 64, **VALID_FORM}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 403
    assert _client_ids(api, world, "spec1") == before
