"""The admin's pages: users, caseload and employer assignments, program settings and their history."""

from __future__ import annotations

import re
from typing import Any

from api.models import Role
from tests.api.conftest import PASSWORD, Api, World
from tests.web.conftest import Browser

WEIGHTS = {
    "preference": "0.3",
    "strengths": "0.15",
    "cognitive": "0.15",
    "accommodation": "0.1",
    "commute": "0.12",
    "schedule": "0.08",
    "wage": "0.1",
}


def program_form(**changes: str) -> dict[str, str]:
    form = {f"scoring_weights_{f}": w for f, w in WEIGHTS.items()}
    form |= {"ranking_k": "10", "ranking_max_per_employer": "2", "commute_short_share": "0.5"}
    form |= {"commute_fit_at_limit": "0.2", "note": ""}
    return form | changes


def test_admin_pages_are_not_found_for_other_roles(browser_for: Any, world: World) -> None:
    target = world.users["spec1"].id
    paths = ("/admin", "/admin/users/new", f"/admin/users/{target}", "/admin/assignments")
    paths += ("/admin/assignments/employers", "/admin/program")
    for name in ("auditor", "spec1", "liaison1"):
        browser = browser_for(world.users[name])
        for path in paths:
            assert browser.get(path).status_code == 404, (name, path)
    # Posting is refused too (the CSRF token of the browser's own page is valid: the role is not).
    auditor: Browser = browser_for(world.users["auditor"])
    response = auditor.submit(
        "/audit", "/admin/users", {"username": "mallory", "password": PASSWORD, "role": "admin"}
    )
    assert response.status_code == 404
    response = auditor.submit("/audit", "/admin/program", program_form(ranking_k="3"))
    assert response.status_code == 404


def test_admin_creates_a_user_with_every_problem_shown_at_once(
    browser_for: Any, world: World, api: Api
) -> None:
    browser: Browser = browser_for(world.users["admin"])
    bad = {"username": "a b", "full_name": "Nia Sato", "role": "superuser", "password": "short"}
    response = browser.submit("/admin/users/new", "/admin/users", bad)
    assert response.status_code == 422
    for field in ("username", "role", "password"):
        assert f'id="{field}-error"' in response.text, field
    assert 'value="Nia Sato"' in response.text  # the values are kept
    assert "Nothing was saved: please fix these 3 problems" in response.text
    good = bad | {"username": "nia.sato", "role": "liaison", "password": PASSWORD}
    created = browser.submit("/admin/users/new", "/admin/users", good)
    assert created.status_code == 303 and created.headers["location"] == "/admin?done=created"
    listing = browser.get(created.headers["location"])
    assert "The user was created." in listing.text and "nia.sato" in listing.text
    again = browser.submit("/admin/users/new", "/admin/users", good | {"username": "NIA.SATO"})
    assert again.status_code == 422 and "This username is taken" in again.text
    liaisons = api.get("/users", world.headers["admin"], params={"role": "liaison", "limit": 500}).json()
    assert [u["full_name"] for u in liaisons["data"] if u["username"] == "nia.sato"] == ["Nia Sato"]


def test_a_role_change_ends_the_users_sessions(browser_for: Any, world: World, api: Api) -> None:
    target = api.add_user(Role.AUDITOR)
    theirs: Browser = browser_for(target)
    assert theirs.get("/audit").status_code == 200
    admin: Browser = browser_for(world.users["admin"])
    page = f"/admin/users/{target.id}"
    response = admin.submit(page, page + "/role", {"role": "liaison"})
    assert response.status_code == 303 and response.headers["location"] == page + "?done=role"
    assert "The role was changed" in admin.get(response.headers["location"]).text
    assert theirs.get("/audit", follow_redirects=False).headers["location"].startswith("/login")
    assert api.get(f"/users/{target.id}", world.headers["admin"]).json()["role"] == "liaison"
    refused = admin.submit(page, page + "/role", {"role": "boss"})
    assert refused.status_code == 422 and 'id="role-error"' in refused.text


def test_role_change_rules_match_the_api(browser_for: Any, world: World, api: Api) -> None:
    admin: Browser = browser_for(world.users["admin"])
    me = f"/admin/users/{world.users['admin'].id}"
    own = admin.submit(me, me + "/role", {"role": "auditor"})
    assert own.status_code == 422 and "Cannot change your own role" in own.text
    busy = api.add_user(Role.SPECIALIST)
    api.create_client(api.headers(busy))
    page = f"/admin/users/{busy.id}"
    carrying = admin.submit(page, page + "/role", {"role": "auditor"})
    assert carrying.status_code == 422 and "still carries clients" in carrying.text
    json = api.put(f"/users/{busy.id}/role", world.headers["admin"], json={"role": "auditor"})
    assert json.status_code == 409 and "still carries clients" in json.json()["detail"]
    assert api.get(f"/users/{busy.id}", world.headers["admin"]).json()["role"] == "specialist"


def test_deactivate_and_reactivate(browser_for: Any, world: World, api: Api) -> None:
    target = api.add_user(Role.LIAISON)
    theirs: Browser = browser_for(target)
    admin: Browser = browser_for(world.users["admin"])
    page = f"/admin/users/{target.id}"
    off = admin.submit(page, page + "/active", {"active": "false"})
    assert off.headers["location"] == page + "?done=deactivated"
    assert "Reactivate" in admin.get(page).text
    assert theirs.get("/", follow_redirects=False).headers["location"].startswith("/login")
    on = admin.submit(page, page + "/active", {"active": "true"})
    assert on.headers["location"] == page + "?done=reactivated"
    assert api.get(f"/users/{target.id}", world.headers["admin"]).json()["is_active"] is True
    me = f"/admin/users/{world.users['admin'].id}"
    myself = admin.submit(me, me + "/active", {"active": "false"})
    assert myself.status_code == 422 and "Cannot deactivate yourself" in myself.text


def test_rename_and_new_password(browser_for: Any, world: World, api: Api) -> None:
    target = api.add_user(Role.LIAISON)
    admin: Browser = browser_for(world.users["admin"])
    page = f"/admin/users/{target.id}"
    short = admin.submit(page, page, {"full_name": "Ada Lee", "password": "short"})
    assert (
        short.status_code == 422 and 'id="password-error"' in short.text and 'value="Ada Lee"' in short.text
    )
    assert api.get(f"/users/{target.id}", world.headers["admin"]).json()["full_name"] == ""
    saved = admin.submit(page, page, {"full_name": "Ada Lee", "password": "a new password"})
    assert saved.status_code == 303
    login = api.post("/login/access-token", data={"username": target.username, "password": "a new password"})
    assert login.status_code == 200


def test_caseload_and_employer_assignments(browser_for: Any, world: World, api: Api) -> None:
    client = api.create_client(world.headers["spec1"])
    employer = api.create_employer(world.headers["liaison1"])
    admin: Browser = browser_for(world.users["admin"])
    listing = admin.get("/admin/assignments")
    assert listing.status_code == 200
    assert "test client" not in listing.text  # ids only, never client data
    pages = int(re.search(r"Page 1 of (\d+)", listing.text).group(1)) if "Page 1 of" in listing.text else 1
    last = f"/admin/assignments?page={pages}"
    assert client["id"] in admin.get(last).text
    moved = admin.submit(
        last, f"/admin/assignments/clients/{client['id']}", {"specialist_id": str(world.users["spec2"].id)}
    )
    assert moved.status_code == 303 and "done=moved" in moved.headers["location"]
    assert api.get(f"/clients/{client['id']}", world.headers["spec2"]).status_code == 200
    wrong = admin.submit(
        last, f"/admin/assignments/clients/{client['id']}", {"specialist_id": str(world.users["liaison1"].id)}
    )
    assert wrong.status_code == 422 and f'id="specialist-{client["id"]}-error"' in wrong.text
    edit = f"/admin/assignments/employers/{employer['id']}"
    both = [str(world.users["liaison1"].id), str(world.users["liaison2"].id)]
    saved = admin.submit(edit, edit, {"liaison_ids": both})
    assert saved.status_code == 303
    ids = api.get("/assignments/employers", world.headers["admin"], params={"limit": 500}).json()["data"]
    entry = next(e for e in ids if e["employer_id"] == employer["id"])
    assert sorted(entry["liaison_ids"]) == sorted(int(i) for i in both)
    refused = admin.submit(edit, edit, {"liaison_ids": [str(world.users["spec1"].id)]})
    assert refused.status_code == 422 and "Choose active liaisons only" in refused.text


def test_program_settings_show_all_errors_then_save_a_version_with_history(
    browser_for: Any, world: World, api: Api
) -> None:
    admin: Browser = browser_for(world.users["admin"])
    before = api.get("/config", world.headers["admin"]).json()
    form = admin.get("/admin/program")
    assert form.status_code == 200 and "Weight: pay" in form.text
    bad = program_form(scoring_weights_wage="-1", ranking_k="2.5", commute_short_share="half", note="x")
    response = admin.submit("/admin/program", "/admin/program", bad)
    assert response.status_code == 422
    for field in ("scoring_weights_wage", "ranking_k", "commute_short_share"):
        assert f'id="{field}-error"' in response.text, field
    assert 'value="half"' in response.text
    assert api.get("/config", world.headers["admin"]).json()["version"] == before["version"]
    zeros = program_form(**{f"scoring_weights_{f}": "0" for f in WEIGHTS})
    assert 'id="weights-error"' in admin.submit("/admin/program", "/admin/program", zeros).text
    good = program_form(
        scoring_weights_preference="0.4", ranking_k="8", note="Preferences first (team, 2026-03-01)"
    )
    saved = admin.submit("/admin/program", "/admin/program", good)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/program?done=saved"
    after = api.get("/config", world.headers["admin"]).json()
    assert after["version"] == before["version"] + 1
    assert after["config"]["scoring"]["weights"]["preference"] == 0.4 and after["config"]["ranking"]["k"] == 8
    assert after["config"]["benefits"] == before["config"]["benefits"]  # the rest stays as it was
    page = admin.get(saved.headers["location"]).text
    assert "The new program settings are in force" in page
    assert f"Version {after['version']} (in force)" in page
    assert "Why: Preferences first (team, 2026-03-01)" in page
    changed = re.search(r"What version \d+ changed.*?</table>", page, re.S)
    assert changed is not None
    assert "Weight: what the client wants to do</th><td>0.3</td><td>0.4</td>" in changed.group(0)
    assert "Suggestions in a shortlist</th><td>10</td><td>8</td>" in changed.group(0)
    assert (
        api.get("/audit/events", world.headers["auditor"], params={"kind": "config.updated"}).json()["total"]
        >= 1
    )


def test_user_list_pages_and_filters_by_role(browser_for: Any, world: World) -> None:
    admin: Browser = browser_for(world.users["admin"])
    for missing in ("/admin/users/999999", "/admin/users/abc", "/admin/assignments/employers/E-NONE"):
        assert admin.get(missing).status_code == 404, missing
    page = admin.get("/admin", params={"role": "auditor"})
    assert world.users["auditor"].username in page.text and world.users["spec1"].username not in page.text


def test_hostile_names_and_notes_are_text_and_forms_need_their_token(browser_for: Any, world: World) -> None:
    hostile = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
    admin: Browser = browser_for(world.users["admin"])
    made = {"username": "hostile.name", "full_name": hostile, "role": "specialist", "password": PASSWORD}
    assert admin.submit("/admin/users/new", "/admin/users", made).status_code == 303
    note = program_form(note=hostile)
    assert admin.submit("/admin/program", "/admin/program", note).status_code == 303
    for path in ("/admin", "/admin/program"):
        text = admin.get(path).text
        assert "<script>alert(1)</script>" not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
    auditor_view = browser_for(world.users["auditor"]).get("/audit").text  # specialists in the filter
    assert "<script>alert(1)</script>" not in auditor_view and "&lt;script&gt;" in auditor_view
    for action in ("/admin/users", "/admin/program", f"/admin/users/{world.users['spec1'].id}/role"):
        refused = admin.http.post(action, data={"role": "admin", "username": "x"}, follow_redirects=False)
        assert refused.status_code == 403, action
