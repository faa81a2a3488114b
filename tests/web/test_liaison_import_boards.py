"""The import page with a job-board export: format and full-feed choice, a preview, then storing."""

from __future__ import annotations

import re
from typing import Any

from api.models import Role
from tests.api.conftest import Api
from tests.api.test_import_boards import LINKEDIN_HEADER, csv_bytes, linkedin_row
from tests.web.conftest import csrf_of, make_user


def upload(browser: Any, data: bytes, **form: str) -> Any:
    page = browser.get("/openings/import")
    assert 'name="profile" value="linkedin"' in page.text and 'name="full_feed"' in page.text
    return browser.http.post(
        "/openings/import",
        data={"csrf_token": csrf_of(page.text), **form},
        files={"file": ("postings.csv", data, "text/csv")},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )


def store(browser: Any, preview: Any) -> Any:
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview.text))
    return browser.http.post("/openings/import/store", data=hidden, follow_redirects=False)


def test_a_job_board_file_is_previewed_then_stored_and_a_full_feed_closes_the_rest(
    api: Api, browser_for: Any
) -> None:
    liaison = make_user(api, Role.LIAISON)
    browser = browser_for(liaison)
    tag = f"-web{liaison.id}"
    rows = [
        linkedin_row("w1" + tag),
        linkedin_row("w2" + tag, pay_period="", min_salary="", max_salary=""),
        linkedin_row("w3" + tag, title=""),
    ]
    preview = upload(browser, csv_bytes(LINKEDIN_HEADER, rows), profile="linkedin")
    assert preview.status_code == 200, preview.text
    assert "read as a linkedin export" in preview.text
    assert re.search(r"New openings</th><td>2<", preview.text)
    assert "<code>wage_unknown</code></th><td>1<" in preview.text
    assert re.search(r"<td>title</td><td></td><td>missing", preview.text)  # row 4, every problem
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 0  # nothing stored yet
    stored = store(browser, preview)
    assert stored.status_code == 303 and "n=2" in stored.headers["location"]
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 2
    feed = upload(browser, csv_bytes(LINKEDIN_HEADER, rows[:1]), full_feed="on")
    assert re.search(r"Closed \(not in the whole feed\)</th><td>1<", feed.text)
    assert store(browser, feed).status_code == 303
    statuses = {o["status"] for o in api.get("/openings", api.headers(liaison)).json()["data"]}
    assert statuses == {"open", "closed"}


def test_a_full_feed_of_a_file_in_the_services_own_format_is_refused(api: Api, browser_for: Any) -> None:
    browser = browser_for(make_user(api, Role.LIAISON))
    page = upload(browser, b"employer_id,title\nE-1,Cook\n", full_feed="on", profile="native")
    assert page.status_code == 422 and "A full feed needs a job-board file" in page.text
    unknown = upload(browser, b"employer_id,title\nE-1,Cook\n", profile="monster")
    assert unknown.status_code == 422 and "Choose one of the formats listed" in unknown.text
