"""The outcome and fairness pages, their charts and the demographics form, as browsers use them."""

from __future__ import annotations

from typing import Any

from api.models import ClientDemographics, Role
from tests.web.conftest import Api, World, make_user

__all__ = ["World"]


def test_each_role_gets_its_report(api: Api, browser_for: Any) -> None:
    specialist = make_user(api, Role.SPECIALIST)
    page = browser_for(specialist).get("/outcomes")
    assert page.status_code == 200 and "Outcomes: your caseload" in page.text
    auditor = browser_for(make_user(api, Role.AUDITOR))
    page = auditor.get("/outcomes")
    assert page.status_code == 200 and "the whole program" in page.text and "/audit/fairness" in page.text
    fairness = auditor.get("/audit/fairness")
    assert fairness.status_code == 200 and "How it is computed" in fairness.text
    assert browser_for(make_user(api, Role.LIAISON)).get("/outcomes").status_code == 404
    assert browser_for(specialist).get("/audit/fairness").status_code == 404


def test_the_charts_are_svg_from_the_app(api: Api, browser_for: Any) -> None:
    browser = browser_for(make_user(api, Role.ADMIN))
    for path in ("/outcomes/over-time.svg?over=quarter", "/outcomes/tenure.svg"):
        response = browser.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.lstrip().startswith("<?xml") and "<svg" in response.text


def test_a_bad_date_is_named_on_the_page(api: Api, browser_for: Any) -> None:
    page = browser_for(make_user(api, Role.ADMIN)).get("/outcomes?since=2026-13-01")
    assert page.status_code == 422 and "Enter a date like 2026-03-02" in page.text


def test_the_page_and_its_csv_refuse_a_window_that_ends_before_it_starts(api: Api, browser_for: Any) -> None:
    browser = browser_for(make_user(api, Role.ADMIN))
    window = "since=2026-03-01&until=2026-02-01"
    page = browser.get(f"/outcomes?{window}")
    assert page.status_code == 422 and "The last day must be on or after the first day" in page.text
    csv = browser.get(f"/outcomes.csv?by=month&{window}")  # the error page names the field
    assert csv.status_code == 422 and "until: The last day must be on or after the first day" in csv.text


def test_the_demographics_form_needs_consent_and_shows_nothing_back(api: Api, browser_for: Any) -> None:
    specialist = make_user(api, Role.SPECIALIST)
    client_id = api.create_client(api.headers(specialist))["id"]
    browser = browser_for(specialist)
    form = f"/clients/{client_id}/demographics"
    assert form in browser.get(f"/clients/{client_id}").text
    refused = browser.submit(form, form, {"sex": "female"})
    assert refused.status_code == 422 and "consent is required" in refused.text
    done = browser.submit(form, form, {"sex": "female", "disability": "cognitive", "consent": "yes"})
    assert done.status_code == 303
    page = browser.get(form)
    assert "Answers were recorded on" in page.text
    assert "selected" not in page.text  # the answers are not shown back
    with api.session() as session:
        assert session.get(ClientDemographics, client_id).sex == "female"  # type: ignore[union-attr]
    browser.submit(form, form, {"withdraw": "yes"})
    with api.session() as session:
        assert session.get(ClientDemographics, client_id) is None
    other = browser_for(make_user(api, Role.SPECIALIST))
    assert other.get(form).status_code == 404
