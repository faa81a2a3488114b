"""The admin's benefits page: a year loaded from the page is confirmed after a redirect, once."""

from __future__ import annotations

import json
from typing import Any

from api.models import Role
from matcher.vocab import DATA_DIR
from tests.web.conftest import Api, make_user

NOTICE = "The new figures are stored and in force from now on"


def test_a_loaded_year_redirects_to_the_page_with_its_notice(api: Api, browser_for: Any) -> None:
    raw = json.loads((DATA_DIR / "benefits_us_2026.json").read_text(encoding="utf-8"))
    raw |= {"effective_from": "2030-01-01", "effective_to": "2030-12-31"}
    browser = browser_for(make_user(api, Role.ADMIN))
    upload = {"file": ("benefits_us_2030.json", json.dumps(raw), "application/json")}
    loaded = browser.submit("/admin/benefits", "/admin/benefits", {}, files=upload)
    assert loaded.status_code == 303 and loaded.headers["location"] == "/admin/benefits?done=loaded"
    page = browser.get(loaded.headers["location"])
    assert page.status_code == 200 and NOTICE in page.text and '<th scope="row">2030</th>' in page.text
    assert NOTICE not in browser.get("/admin/benefits").text  # the notice says what just happened only
