"""The liaison's pages: openings list, opening form, employers, CSV import with a preview."""

from __future__ import annotations

import re
from typing import Any

from api.models import Role
from tests.api.conftest import Api, World, opening_details
from tests.web.conftest import csrf_of, make_user

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'


def opening_form(employer_id: str = "", **overrides: Any) -> dict[str, Any]:
    """A valid opening form as a person fills it (ZIP, Monday and Wednesday mornings)."""
    form = {
        "employer_id": employer_id,
        "title": "Kennel attendant",
        "description": "Feed and walk dogs.",
        "industry": "animal care",
        "where": "zip",
        "zip": "60647",
        "shift.Mon.start": "09:00",
        "shift.Mon.end": "13:00",
        "shift.Wed.start": "09:00",
        "shift.Wed.end": "13:00",
        "hours_per_week": "8",
        "hourly_wage": "16.50",
        "positions": "1",
        "demand.pace": "3",
        "acc.extra_breaks": "request",
        "acc.flexible_schedule": "all",
        "required_skills": "animal handling, cleaning",
        "expires": "2026-06-30",
    }
    return form | overrides


def setup_liaison(api: Api, browser_for: Any, name: str = "Good Dog Shelter") -> tuple[Any, Any, str]:
    liaison = make_user(api, Role.LIAISON)
    browser = browser_for(liaison)
    employer = api.create_employer(api.headers(liaison), name=name)["id"]
    return liaison, browser, employer


def test_a_liaison_creates_an_opening_fixing_a_wrong_field_after_the_error(
    api: Api, browser_for: Any
) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    wrong = browser.submit(
        "/openings/new",
        "/openings/new",
        opening_form(employer, hourly_wage="sixteen", zip="6064", **{"shift.Wed.end": ""}),
    )
    assert wrong.status_code == 422
    # Every error at once, beside its field, and the values kept.
    for field, message in (
        ("hourly_wage", "Enter a number"),
        ("zip", "Enter a 5-digit ZIP code"),
        ("shift-Wed-start", "Give both a start and an end time for Wednesday"),
    ):
        assert f'id="{field}-error"' in wrong.text, field
        assert message in wrong.text
    assert 'value="sixteen"' in wrong.text and "Feed and walk dogs." in wrong.text
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 0  # nothing saved
    fixed = browser.submit("/openings/new", "/openings/new", opening_form(employer))
    assert fixed.status_code == 303
    page = browser.get(fixed.headers["location"])
    assert page.status_code == 200
    assert "The opening was saved." in page.text
    assert "Pace and time pressure: moderate" in page.text
    assert "Extra or longer breaks: on request" in page.text
    stored = api.get("/openings", api.headers(liaison)).json()["data"][0]["details"]
    assert stored["shifts"] == ["Mon 09:00-13:00", "Wed 09:00-13:00"]
    assert stored["on_request"] == ["extra_breaks"] and stored["offered_to_all"] == ["flexible_schedule"]
    assert stored["demands"] == {"pace": 3} and stored["hourly_wage"] == 16.5


def test_the_form_asks_each_accommodation_in_four_states(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    blank = browser.get("/openings/new")
    # every accommodation starts as not stated: a question for the specialist, never "not offered"
    assert 'name="acc.job_coach" value="unstated" checked' in blank.text
    assert "Not offered" not in blank.text
    form = opening_form(employer, **{"acc.job_coach": "not_possible", "acc.quiet_workspace": "unstated"})
    saved = browser.submit("/openings/new", "/openings/new", form)
    assert saved.status_code == 303
    page = browser.get(saved.headers["location"])
    assert "Job coach on site: not possible (the employer says so)" in page.text
    stored = api.get("/openings", api.headers(liaison)).json()["data"][0]
    assert stored["details"]["not_possible"] == ["job_coach"]
    assert "quiet_workspace" not in {*stored["details"]["on_request"], *stored["details"]["offered_to_all"]}
    edit = browser.get(f"/openings/{stored['id']}/edit")
    assert 'name="acc.job_coach" value="not_possible" checked' in edit.text
    assert 'name="acc.extra_breaks" value="request" checked' in edit.text


def test_engine_errors_and_a_near_duplicate_are_shown_beside_the_field(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    unknown_zip = browser.submit("/openings/new", "/openings/new", opening_form(employer, zip="00000"))
    assert unknown_zip.status_code == 422 and "Unknown US ZIP code" in unknown_zip.text
    no_place = browser.submit("/openings/new", "/openings/new", opening_form(employer, zip=""))
    assert no_place.status_code == 422 and 'id="location-error"' in no_place.text
    first = browser.submit("/openings/new", "/openings/new", opening_form(employer))
    opening_id = first.headers["location"].split("/")[2].split("?")[0]
    again = browser.submit("/openings/new", "/openings/new", opening_form(employer, title="Kennel Attendant"))
    assert again.status_code == 422
    assert 'id="title-error"' in again.text and opening_id in again.text
    assert f'href="/openings/{opening_id}"' in again.text
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 1


def test_an_edit_needs_the_current_version_and_keeps_the_values(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    opening = api.create_opening(api.headers(liaison), employer)
    edit = f"/openings/{opening['id']}/edit"
    form = browser.get(edit)
    assert form.status_code == 200 and 'name="version" value="1"' in form.text
    assert 'value="09:00"' in form.text  # the stored shifts are in the grid
    changed = opening_form(title="Head line cook", where="coords", lat="41.885", lon="-87.635", version="1")
    changed.pop("employer_id")
    saved = browser.submit(edit, edit, changed)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")
    stale = browser.submit(edit, edit, changed | {"title": "Cook"})  # version 1 again: now stale
    assert stale.status_code == 422
    assert "Someone changed this meanwhile" in stale.text and 'value="Cook"' in stale.text
    now = api.get(f"/openings/{opening['id']}", api.headers(liaison)).json()
    assert now["details"]["title"] == "Head line cook" and now["version"] == 2


def test_close_and_reopen_from_the_opening_page(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    opening = api.create_opening(api.headers(liaison), employer)
    page = f"/openings/{opening['id']}"
    closed = browser.submit(page, f"{page}/close", {})
    assert closed.status_code == 303
    assert "no longer suggested" in browser.get(closed.headers["location"]).text
    assert api.get(page, api.headers(liaison)).json()["status"] == "closed"
    twice = browser.http.post(f"{page}/close", data={"csrf_token": csrf_of(browser.get(page).text)})
    assert twice.status_code == 409 and "already closed" in twice.text
    reopened = browser.submit(page, f"{page}/reopen", {})
    assert reopened.status_code == 303
    assert api.get(page, api.headers(liaison)).json()["status"] == "open"


def test_the_list_searches_filters_sorts_and_pages(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for, name="Alpha Bakery")
    h = api.headers(liaison)
    other = api.create_employer(h, name="Zeta Kennels")["id"]
    for i in range(27):
        api.create_opening(
            h, employer, title=f"Baker {i:02d}", location={"lat": 41.80 + i * 0.02, "lon": -87.6}
        )
    soon = api.create_opening(h, other, title="Dog walker", industry="animal care", expires="2026-03-10")
    first = browser.get("/openings?sort=title")
    assert first.status_code == 200
    assert "28 openings, page 1 of 2" in first.text
    second = browser.get("/openings?sort=title&page=2")
    assert "Baker 25" in second.text and "Dog walker" in second.text and "Baker 00" not in second.text
    beyond = browser.get("/openings?sort=title&page=99")  # past the end: the last page
    assert "page 2 of 2" in beyond.text
    by_employer = browser.get("/openings?q=zeta")
    assert "Dog walker" in by_employer.text and "Baker 01" not in by_employer.text
    industry = browser.get("/openings?industry=animal+care")
    assert "1 opening" in industry.text and soon["id"] in industry.text
    expiring = browser.get("/openings?soon=1")
    assert "1 opening" in expiring.text
    api.post(f"/openings/{soon['id']}/close", h)
    closed = browser.get("/openings?status=closed")
    assert "Dog walker" in closed.text and "1 opening" in closed.text
    desc = browser.get("/openings?sort=title&order=desc")
    assert desc.text.index("Baker 26") < desc.text.index("Baker 25")


def test_a_specialist_reads_open_openings_and_changes_none_they_did_not_develop(
    api: Api, browser_for: Any, world: World
) -> None:
    liaison, _, employer = setup_liaison(api, browser_for)
    h = api.headers(liaison)
    shown = api.create_opening(h, employer, title="Usher")
    hidden = api.create_opening(h, employer, title="Cashier")
    api.post(f"/openings/{hidden['id']}/fill", h)
    specialist = browser_for(world.users["spec1"])
    page = specialist.get("/openings?q=Usher")
    assert page.status_code == 200 and shown["id"] in page.text and "New opening" not in page.text
    assert "Record an opening" in page.text  # job development (test_job_development_pages.py)
    assert hidden["id"] not in specialist.get("/openings?status=filled").text
    detail = specialist.get(f"/openings/{shown['id']}")
    assert detail.status_code == 200 and "<form" not in detail.text.split("<main", 1)[1]
    # A liaison's opening: read, never changed by a specialist; the import stays the liaison's.
    assert specialist.get(f"/openings/{shown['id']}/edit").status_code == 403
    assert specialist.get("/openings/import").status_code == 404


def test_a_liaison_sees_only_the_employers_they_manage(api: Api, browser_for: Any) -> None:
    _, browser, employer = setup_liaison(api, browser_for, name="Mine Diner")
    other_liaison = make_user(api, Role.LIAISON)
    theirs = api.create_employer(api.headers(other_liaison), name="Their Diner")["id"]
    theirs_opening = api.create_opening(api.headers(other_liaison), theirs)
    listing = browser.get("/employers")
    assert "Mine Diner" in listing.text and "Their Diner" not in listing.text
    assert browser.get(f"/employers/{theirs}/edit").status_code == 404
    assert browser.get(f"/openings/{theirs_opening['id']}").status_code == 404
    refused = browser.submit("/openings/new", "/openings/new", opening_form(theirs))
    assert refused.status_code == 422 and 'id="employer_id-error"' in refused.text


def test_employers_are_added_edited_and_searched(api: Api, browser_for: Any) -> None:
    liaison = make_user(api, Role.LIAISON)
    browser = browser_for(liaison)
    empty = browser.submit("/employers/new", "/employers/new", {"name": "  ", "industry": "x" * 200})
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.text and 'id="industry-error"' in empty.text
    added = browser.submit("/employers/new", "/employers/new", {"name": "Corner Grill", "industry": "food"})
    assert added.status_code == 303
    listing = browser.get(added.headers["location"])
    assert "The employer was added." in listing.text and "Corner Grill" in listing.text
    employer = api.get("/employers", api.headers(liaison)).json()["data"][0]
    edit = f"/employers/{employer['id']}/edit"
    saved = browser.submit(edit, edit, {"name": "Corner Grill & Bar", "version": "1", "fair_chance": "1"})
    assert saved.status_code == 303
    stale = browser.submit(edit, edit, {"name": "Old name", "version": "1"})
    assert stale.status_code == 422 and "Someone changed this meanwhile" in stale.text
    now = api.get(f"/employers/{employer['id']}", api.headers(liaison)).json()
    assert now["name"] == "Corner Grill & Bar" and now["fair_chance"] is True
    assert "Corner Grill" in browser.get("/employers?q=grill").text
    assert "Corner Grill" not in browser.get("/employers?q=bakery").text


IMPORT_HEADER = "employer_id,title,zip,shifts,hours_per_week,hourly_wage,demands,remote"


def upload(browser: Any, text: str) -> Any:
    page = browser.get("/openings/import")
    return browser.http.post(
        "/openings/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("openings.csv", text.encode(), "text/csv")},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )


def test_an_import_is_previewed_with_every_error_then_the_valid_rows_stored(
    api: Api, browser_for: Any
) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    existing = api.create_opening(
        api.headers(liaison), employer, title="Line cook", zip="60647", location=None
    )
    text = "\n".join(
        [
            IMPORT_HEADER,
            f'{employer},Barista,60647,"Mon 09:00-13:00",8,16.5,pace=3,false',
            f'{employer},Cashier,60647,"Mon 09:00-13:00",eight,cheap,juggling=2,maybe',
            f'{employer},Line Cook,60647,"Tue 09:00-13:00",8,16.5,,false',
            f'{employer},Baker,60647,"Wed 09:00-13:00",8,17,,false',
        ]
    )
    preview = upload(browser, text)
    assert preview.status_code == 200
    assert "Store the 2 valid rows" in preview.text
    # Every unreadable cell of row 3 is listed, not only the first.
    for column, message in (
        ("hours_per_week", "must be a number"),
        ("hourly_wage", "must be a number"),
        ("remote", "must be true or false"),
    ):
        assert re.search(rf"<td>{column}</td><td>{message}", preview.text), column
    assert "demands" in preview.text
    assert existing["id"] in preview.text  # row 4 near-duplicates the stored opening
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 1  # nothing stored yet
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert token
    stored = browser.http.post(
        "/openings/import/store",
        data={"csrf_token": csrf_of(preview.text), "token": token.group(1)},
        follow_redirects=False,
    )
    assert stored.status_code == 303 and "n=2" in stored.headers["location"]
    assert "2 openings were stored from the file." in browser.get(stored.headers["location"]).text
    titles = {o["details"]["title"] for o in api.get("/openings", api.headers(liaison)).json()["data"]}
    assert titles == {"Line cook", "Barista", "Baker"}
    again = browser.http.post(
        "/openings/import/store",
        data={"csrf_token": csrf_of(preview.text), "token": token.group(1)},
        follow_redirects=False,
    )
    assert again.status_code == 422 and "no longer kept" in again.text  # stored once only


def test_the_import_token_is_bound_to_the_user_who_uploaded(api: Api, browser_for: Any) -> None:
    _, browser, employer = setup_liaison(api, browser_for)
    preview = upload(browser, f'{IMPORT_HEADER}\n{employer},Barista,60647,"Mon 09:00-13:00",8,16.5,,false\n')
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert token
    intruder = browser_for(make_user(api, Role.LIAISON))
    page = intruder.get("/openings/import")
    response = intruder.http.post(
        "/openings/import/store",
        data={"csrf_token": csrf_of(page.text), "token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 422 and "no longer kept" in response.text
    for bad in ("../../etc/passwd", ""):
        response = intruder.http.post(
            "/openings/import/store", data={"csrf_token": csrf_of(page.text), "token": bad}
        )
        assert response.status_code == 422


def test_import_refuses_a_file_over_the_limit_or_not_utf8(
    api: Api, browser_for: Any, monkeypatch: Any
) -> None:
    _, browser, employer = setup_liaison(api, browser_for)
    not_utf8 = upload(browser, "x")
    assert not_utf8.status_code == 200  # a header-only problem is a preview
    assert "column names" in not_utf8.text
    monkeypatch.setattr(api.app.state.settings, "max_import_bytes", 50)
    too_big = upload(
        browser, IMPORT_HEADER + "\n" + f"{employer},Barista,60647,Mon 09:00-13:00,8,16.5,,false"
    )
    assert too_big.status_code == 422 and "larger than the limit" in too_big.text


def test_hostile_names_are_shown_as_text(api: Api, browser_for: Any) -> None:
    liaison, browser, _ = setup_liaison(api, browser_for)
    h = api.headers(liaison)
    employer = api.create_employer(h, name=f"Shop {XSS_SCRIPT}{XSS_IMG}")["id"]
    opening = api.create_opening(h, employer, **opening_details(title=f"Clerk {XSS_IMG}{XSS_SCRIPT}"))
    for path in ("/openings", f"/openings/{opening['id']}", "/employers", f"/openings/{opening['id']}/edit"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert XSS_SCRIPT not in page.text and "<img src=x" not in page.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path


def test_nul_characters_in_the_query_or_path_are_not_errors(api: Api, browser_for: Any) -> None:
    _, browser, _ = setup_liaison(api, browser_for)
    assert browser.get("/openings?q=%00&industry=a%00&employer_id=%00").status_code == 200
    assert browser.get("/employers?q=%00").status_code == 200
    assert browser.get("/openings/O-%00").status_code == 404
    assert browser.get("/employers/E-%00/edit").status_code == 404


def test_every_liaison_form_refuses_a_post_without_the_csrf_token(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    opening = api.create_opening(api.headers(liaison), employer)
    for action in (
        "/openings/new",
        f"/openings/{opening['id']}/edit",
        f"/openings/{opening['id']}/close",
        "/employers/new",
        f"/employers/{employer}/edit",
        "/openings/import",
        "/openings/import/store",
    ):
        assert browser.http.post(action, data={"title": "x"}).status_code == 403, action
    assert api.get(f"/openings/{opening['id']}", api.headers(liaison)).json()["status"] == "open"


def test_an_edit_keeps_what_o_net_filled_in_marked_until_it_is_changed(api: Api, browser_for: Any) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for)
    h = api.headers(liaison)
    opening = api.create_opening(
        h, employer, demands={"attention": 2, "pace": 4}, inferred_demands=["pace", "attention"]
    )
    edit = f"/openings/{opening['id']}/edit"
    values = dict(
        re.findall(r'<input type="hidden" name="(inferred\.[a-z_]+)" value="([^"]*)"', browser.get(edit).text)
    )
    assert values == {"inferred.attention": "2", "inferred.pace": "4"}
    form = opening_form(version="1", **{"demand.attention": "2", "demand.pace": "5"}) | values
    form.pop("employer_id")
    assert browser.submit(edit, edit, form).status_code == 303
    details = api.get(f"/openings/{opening['id']}", h).json()["details"]
    assert details["inferred_demands"] == ["attention"]  # pace was changed by the liaison


def test_an_opening_that_states_no_shifts_hours_or_pay_is_saved_with_them_unknown(
    api: Api, browser_for: Any
) -> None:
    liaison, browser, employer = setup_liaison(api, browser_for, name="Quiet Stockroom")
    silent = opening_form(
        employer,
        title="Stock clerk",
        hours_per_week="",
        hourly_wage="",
        **{"shift.Mon.start": "", "shift.Mon.end": "", "shift.Wed.start": "", "shift.Wed.end": ""},
    )
    saved = browser.submit("/openings/new", "/openings/new", silent)
    assert saved.status_code == 303, saved.text
    page = browser.get(saved.headers["location"]).text
    assert "not stated (specialists are asked to find out)" in page
    details = api.get("/openings", api.headers(liaison)).json()["data"][0]["details"]
    assert details.get("shifts") is None and details.get("hours_per_week") is None
    assert details.get("hourly_wage") is None


def test_the_page_preview_refuses_a_file_over_the_row_limit(
    api: Api, browser_for: Any, monkeypatch: Any
) -> None:
    """The preview keeps the upload's row limit, as the store does: nothing is offered to store."""
    liaison, browser, employer = setup_liaison(api, browser_for)
    rows = [f'{employer},{title},60647,"Mon 09:00-13:00",8,16.5,,false' for title in ("Barista", "Baker")]
    monkeypatch.setattr(api.app.state.settings, "max_import_rows", 1)
    preview = upload(browser, "\n".join([IMPORT_HEADER, *rows]))
    assert preview.status_code == 200 and "more than 1 rows" in preview.text
    assert 'name="token"' not in preview.text
    monkeypatch.setattr(api.app.state.settings, "max_import_rows", 2)
    assert "Store the 2 valid rows" in upload(browser, "\n".join([IMPORT_HEADER, *rows])).text
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 0
