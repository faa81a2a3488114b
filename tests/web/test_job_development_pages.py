"""Pages of job development and of IPS placements.

A specialist records an employer (with its contact) and an opening through the liaison's
forms; the liaisons' lists say who developed it. The outcome form on the shortlist is
prefilled from the opening and the placed job leaves the client's shortlist.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from api.models import Role
from tests.api.conftest import Api, World
from tests.web.conftest import make_user
from tests.web.test_liaison import XSS_IMG, XSS_SCRIPT, opening_form


def _employer_id(api: Api, name: str) -> str:
    from api import store

    with api.session() as session:
        rows, _ = store.employers.search_employers(session, liaison_id=None, search=name, limit=5, offset=0)
        return rows[0].id


def test_a_specialist_records_an_employer_and_an_opening_the_liaisons_see_as_developed(
    api: Api, browser_for: Any
) -> None:
    specialist = make_user(api, Role.SPECIALIST)
    browser = browser_for(specialist)
    listing = browser.get("/openings")
    assert "Record an opening" in listing.text and "Record an employer" in listing.text
    name = f"Lakeview Kennels {uuid.uuid4().hex[:6]}"
    form = browser.get("/employers/new")
    assert form.status_code == 200 and "<h1>Record an employer</h1>" in form.text
    wrong = browser.submit(
        "/employers/new",
        "/employers/new",
        {"name": name, "contact_email": "dana at kennels", "contact_phone": "call me"},
    )
    assert wrong.status_code == 422
    assert 'id="contact_email-error"' in wrong.text and 'id="contact_phone-error"' in wrong.text
    assert 'value="dana at kennels"' in wrong.text  # kept, nothing saved
    contact = {
        "name": name,
        "contact_name": "Dana Whitfield",
        "contact_phone": "773-555-0142",
        "contact_email": "dana@kennels.example",
        "contact_address": "2817 N Milwaukee Ave, Chicago, IL 60618",
    }
    saved = browser.submit("/employers/new", "/employers/new", contact)
    assert saved.status_code == 303 and "done=employer-recorded" in saved.headers["location"]
    employer = _employer_id(api, name)
    shown = browser.get(saved.headers["location"])
    assert "Dana Whitfield" in shown.text and "773-555-0142" in shown.text
    created = browser.submit("/openings/new", "/openings/new", opening_form(employer, title="Dog walker"))
    assert created.status_code == 303, created.text
    opening_id = created.headers["location"].split("/")[2].split("?")[0]
    detail = browser.get(f"/openings/{opening_id}")
    assert f"Developed by {specialist.username}" in detail.text
    assert f'href="/openings/{opening_id}/edit"' in detail.text  # its developer may change it
    # Unassigned: any liaison sees it, with who developed it, and the employer's contact.
    liaison = browser_for(make_user(api, Role.LIAISON))
    openings = liaison.get("/openings?q=Dog+walker")
    assert opening_id in openings.text and f"developed by {specialist.username}" in openings.text
    employers = liaison.get(f"/employers?q={name}")
    assert "Dana Whitfield" in employers.text and f"recorded by {specialist.username}" in employers.text
    assert liaison.get(f"/openings/{opening_id}/edit").status_code == 403  # no liaison manages it yet


def test_the_specialist_opening_form_checks_as_the_liaisons_does(api: Api, browser_for: Any) -> None:
    browser = browser_for(make_user(api, Role.SPECIALIST))
    liaison = make_user(api, Role.LIAISON)
    employer = api.create_employer(api.headers(liaison), name=f"Corner Diner {uuid.uuid4().hex[:6]}")["id"]
    wrong = browser.submit("/openings/new", "/openings/new", opening_form("", hourly_wage="sixteen"))
    assert wrong.status_code == 422
    assert 'id="employer_id-error"' in wrong.text and 'id="hourly_wage-error"' in wrong.text
    first = browser.submit("/openings/new", "/openings/new", opening_form(employer, title="Dishwasher"))
    assert first.status_code == 303
    again = browser.submit("/openings/new", "/openings/new", opening_form(employer, title="Dishwashers"))
    assert again.status_code == 422 and "almost the same title" in again.text
    # The managing liaison sees it as developed and may edit it.
    mine = browser_for(liaison)
    opening_id = first.headers["location"].split("/")[2].split("?")[0]
    assert mine.get(f"/openings/{opening_id}/edit").status_code == 200


def test_names_and_contacts_are_shown_as_text(api: Api, browser_for: Any) -> None:
    browser = browser_for(make_user(api, Role.SPECIALIST))
    name = f"{XSS_SCRIPT} {uuid.uuid4().hex[:6]}"
    saved = browser.submit("/employers/new", "/employers/new", {"name": name, "contact_name": XSS_IMG})
    assert saved.status_code == 303
    page = browser.get(saved.headers["location"]).text
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&gt;&lt;img src=x" in page


def test_the_outcome_form_is_prefilled_and_the_job_leaves_the_shortlist(
    api: Api, world: World, browser_for: Any
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name=f"Page Bakery {uuid.uuid4().hex[:6]}")
    opening = api.create_opening(
        h, employer["id"], title="Baker", hourly_wage=17.25, hours_per_week=24, positions=3
    )
    client = api.create_client(world.headers["spec1"])
    browser = browser_for(world.users["spec1"])
    url = f"/clients/{client['id']}/shortlist?employer_id={employer['id']}"
    page = browser.get(url)
    assert page.status_code == 200 and opening["id"] in page.text
    oid = opening["id"]
    for name, value in (("job_title", "Baker"), ("hourly_wage", "17.25"), ("weekly_hours", "24")):
        assert re.search(
            rf'id="placement-{oid}-{name}" name="{name}" value="{re.escape(value)}"', page.text
        ), name
    assert re.search(
        rf'id="placement-{oid}-competitive_integrated" name="competitive_integrated" value="1" checked',
        page.text,
    )
    assert "Competitive integrated employment" in page.text  # the hint says what it means
    action = f"/clients/{client['id']}/shortlist/placements"
    bad = browser.submit(url, action, {"opening_id": oid, "start_date": "2026-03-16", "hourly_wage": "a lot"})
    assert bad.status_code == 422 and "Enter the pay per hour as a number" in bad.text
    assert 'value="a lot"' in bad.text
    form = {
        "opening_id": oid,
        "start_date": "2026-03-16",
        "job_title": "Baker",
        "hourly_wage": "$18.00",
        "weekly_hours": "20",
        "employer_name": employer["name"],
    }  # competitive_integrated unticked
    started = browser.submit(url, action, form)
    assert started.status_code == 303, started.text
    rows = api.get(f"/clients/{client['id']}/placements", world.headers["spec1"]).json()["data"]
    assert [(r["hourly_wage"], r["weekly_hours"], r["competitive_integrated"]) for r in rows] == [
        (18.0, 20, False)
    ]
    after = browser.get(url)
    assert f'id="placement-{oid}-job_title"' not in after.text  # no longer suggested to this client
