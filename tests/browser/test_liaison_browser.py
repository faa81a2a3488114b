"""The liaison's pages in a real Chromium against the demo: import, form, list, hostile names."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from tests.browser.conftest import assert_accessible, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'


def add_employer(page: Page, base: str, name: str) -> str:
    """Add an employer through its form; its id (from the list's edit link)."""
    page.goto(base + "/employers/new")
    assert_accessible(page)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Industry").fill("retail")
    page.get_by_role("button", name="Add the employer").click()
    assert page.get_by_role("status").inner_text().strip() == "The employer was added."
    assert_accessible(page)
    href = page.get_by_role("link", name=f"Edit {name}").get_attribute("href")
    assert href is not None
    return href.split("/")[2]


def fill_opening(page: Page, employer_id: str, title: str, wage: str) -> None:
    page.get_by_label("Employer", exact=True).select_option(employer_id)
    page.get_by_label("Job title", exact=True).fill(title)
    page.get_by_label("ZIP code", exact=True).fill("60647")
    page.get_by_label("Monday starts", exact=True).fill("09:00")
    page.get_by_label("Monday ends", exact=True).fill("13:00")
    page.get_by_label("Hours a week", exact=True).fill("4")
    page.get_by_label("Pay per hour (US dollars)", exact=True).fill(wage)
    page.get_by_label("Pace and time pressure", exact=True).select_option("3")
    page.get_by_role("group", name="Extra or longer breaks").get_by_label("On request", exact=True).check()


def test_a_liaison_previews_an_import_with_a_bad_row_then_stores_the_valid_rows(
    demo_server: str, page: Page
) -> None:
    log_in(page, demo_server, "liaison")
    assert_accessible(page)  # the openings list, the liaison's start page
    employer = add_employer(page, demo_server, f"Import Test Store {uuid.uuid4().hex[:6]}")
    csv_text = "\n".join(
        [
            "employer_id,title,zip,shifts,hours_per_week,hourly_wage,demands,remote",
            f'{employer},Stock clerk,60647,"Mon 09:00-13:00",4,16.5,pace=2,false',
            f'{employer},Cashier,60647,"Tue 09:00-13:00",lots,16.5,pace=9,false',
            f'{employer},Greeter,60647,"Wed 09:00-13:00",4,17,,false',
        ]
    )
    page.get_by_role("link", name="Import CSV").click()
    assert_accessible(page)
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "openings.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("heading", name="1 row has problems (not stored)").is_visible()
    problems = page.get_by_role("table", name=re.compile("Every problem found"))
    assert "hours_per_week" in problems.inner_text() and "must be a number" in problems.inner_text()
    assert_accessible(page)
    # Nothing is stored before the confirmation.
    check = page.context.new_page()
    check.goto(f"{demo_server}/openings?employer_id={employer}")
    assert "No openings match" in check.content()
    page.get_by_role("button", name="Store the 2 valid rows").click()
    assert page.get_by_role("status").inner_text().strip() == "2 openings were stored from the file."
    assert_accessible(page)
    check.goto(f"{demo_server}/openings?employer_id={employer}")
    table = check.get_by_role("table").inner_text()
    assert "Stock clerk" in table and "Greeter" in table and "Cashier" not in table


def test_a_liaison_creates_an_opening_fixing_the_wrong_field(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "liaison")
    employer = add_employer(page, demo_server, f"Form Test Cafe {uuid.uuid4().hex[:6]}")
    page.get_by_role("link", name="Openings", exact=True).click()
    page.get_by_role("link", name="New opening").click()
    assert_accessible(page)
    fill_opening(page, employer, "Counter assistant", wage="sixteen")
    page.get_by_role("button", name="Save the opening").click()
    summary = page.get_by_role("alert")
    assert "Enter a number" in summary.inner_text()
    assert page.get_by_label("Job title", exact=True).input_value() == "Counter assistant"  # values kept
    assert page.get_by_label("Pay per hour (US dollars)", exact=True).get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    summary.get_by_role("link").first.click()  # the summary leads to the field
    page.get_by_label("Pay per hour (US dollars)", exact=True).fill("16.50")
    page.get_by_role("button", name="Save the opening").click()
    assert page.get_by_role("status").inner_text().strip() == "The opening was saved."
    assert page.get_by_role("heading", level=1).inner_text() == "Counter assistant"
    assert page.get_by_text("Pace and time pressure: moderate").is_visible()
    assert page.get_by_text("Extra or longer breaks: on request").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit", exact=True).click()
    assert page.get_by_label("Monday starts", exact=True).input_value() == "09:00"
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Close").click()
    assert "no longer suggested" in page.get_by_role("status").inner_text()


def test_a_liaison_filters_sorts_and_pages_the_openings(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "liaison")
    page.get_by_label("Status").select_option("open")
    page.get_by_label("Sort by").select_option("title")
    page.get_by_role("button", name="Show").click()
    caption = page.get_by_role("table").locator("caption").inner_text()
    assert re.search(r"\d+ openings, page 1 of \d+", caption), caption
    first_titles = page.locator("tbody th a").all_inner_texts()
    assert first_titles == sorted(first_titles, key=str.lower)
    page.get_by_role("link", name="Next").click()
    assert "page 2 of" in page.get_by_role("table").locator("caption").inner_text()
    assert page.get_by_label("Sort by").input_value() == "title"  # the filters are kept
    assert_accessible(page)
    page.get_by_label("Search title or employer").fill("kennel")
    page.get_by_label("Last day to apply within 14 days").uncheck()
    page.get_by_role("button", name="Show").click()
    titles = page.locator("tbody tr").all_inner_texts()
    assert titles and all("kennel" in t.lower() for t in titles)
    page.get_by_role("link", name="Employers").click()
    assert_accessible(page)
    page.get_by_label("Search name or industry").fill("shelter")
    page.get_by_role("button", name="Search").click()
    assert all("shelter" in t.lower() for t in page.locator("tbody tr").all_inner_texts())


def test_hostile_employer_names_and_titles_render_inert(demo_server: str, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, demo_server, "liaison")
    tag = uuid.uuid4().hex[:6]
    name = f"Hostile {tag} {XSS_SCRIPT}{XSS_IMG}"
    employer = add_employer(page, demo_server, name)
    page.goto(demo_server + "/openings/new")
    fill_opening(page, employer, f"Clerk {tag} {XSS_IMG}{XSS_SCRIPT}", wage="15")
    page.get_by_role("button", name="Save the opening").click()
    opening_url = page.url.split("?")[0]
    assert page.get_by_role("heading", level=1).inner_text() == f"Clerk {tag} {XSS_IMG}{XSS_SCRIPT}"
    for url in (
        opening_url,
        f"{opening_url}/edit",
        f"{demo_server}/openings?q={tag}",
        f"{demo_server}/employers?q={tag}",
        f"{demo_server}/employers/{employer}/edit",
    ):
        page.goto(url)
        assert page.locator('img[src="x"]').count() == 0, url
        assert tag in page.inner_text("main"), url
        assert_accessible(page)
    assert dialogs == []


def test_a_specialist_reads_openings_without_edit_forms(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "specialist")
    page.goto(demo_server + "/openings")
    assert page.get_by_role("link", name="New opening").count() == 0
    assert page.get_by_label("Status").count() == 0  # open ones only
    assert_accessible(page)
    page.locator("tbody th a").first.click()
    assert page.locator("main form").count() == 0
    assert page.get_by_role("link", name="Edit", exact=True).count() == 0
    assert_accessible(page)
    page.goto(page.url + "/edit")  # a liaison's opening: the specialist may read, not change it
    assert page.get_by_role("heading", name="Not allowed").is_visible()
