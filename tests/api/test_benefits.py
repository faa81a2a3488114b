"""Benefits figures by date: the 2026 figures for 2026, a plain warning outside the data, loading a year."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from api.main import create_app
from api.models import Role
from matcher.vocab import DATA_DIR
from tests.api.conftest import Api, fresh_database, make_settings, make_test_client
from tests.web.conftest import Browser, csrf_of

LATER = dt.date(2028, 3, 1)  # no packaged figures cover it
STALE = "these benefits figures are from 2026 and may be out of date on 2028-03-01"


@pytest.fixture(scope="module")
def apis(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Api]]:
    """Two services on one database: one whose today is in 2026, one in 2028."""
    directory = tmp_path_factory.mktemp(f"benefits-{backend}")
    with fresh_database(backend, directory) as url:
        now = create_app(make_settings(directory, url))
        later = create_app(make_settings(directory, url, as_of=LATER))
        with make_test_client(now) as c_now, make_test_client(later) as c_later:
            yield {"2026": Api(app=now, client=c_now), "2028": Api(app=later, client=c_later)}


@pytest.fixture(scope="module")
def world(apis: dict[str, Api]) -> dict[str, Any]:
    api = apis["2026"]
    users = {role: api.add_user(role) for role in (Role.SPECIALIST, Role.LIAISON, Role.ADMIN)}
    h = {role.value: api.headers(u) for role, u in users.items()}
    employer = api.create_employer(h["liaison"])
    # 30 h/week at $20/h: about $2,607 a month, above SGA in every year
    api.create_opening(h["liaison"], employer["id"], hourly_wage=20, hours_per_week=30)
    client = api.create_client(h["specialist"], receives_ssdi=True)
    return {"users": users, "h": h, "client": client}


def sga_text(api: Api, world: dict[str, Any]) -> str:
    response = api.get(f"/clients/{world['client']['id']}/shortlist", world["h"]["specialist"])
    assert response.status_code == 200, response.text
    (suggestion,) = response.json()["suggestions"]
    return next(r["text"] for r in suggestion["concerns"] if r["code"] == "BENEFITS_SGA")


def figures(**changes: Any) -> dict[str, Any]:
    raw = json.loads((DATA_DIR / "benefits_us_2026.json").read_text(encoding="utf-8"))
    raw |= {"effective_from": "2028-01-01", "effective_to": "2028-12-31", "sga_monthly_non_blind": 1800}
    return raw | changes


def test_2026_dates_use_the_2026_figures_without_a_warning(apis: dict[str, Api], world: dict) -> None:
    text = sga_text(apis["2026"], world)
    assert "SGA level ($1,690.00, 2026)" in text and "out of date" not in text
    shown = apis["2026"].get("/benefits", world["h"]["admin"]).json()
    assert (shown["year"], shown["current"], shown["warning"]) == (2026, True, None)


def test_a_date_outside_the_data_is_said_plainly_in_explanations_and_to_the_admin(
    apis: dict[str, Api], world: dict
) -> None:
    text = sga_text(apis["2028"], world)
    assert "($1,690.00, 2026)" in text and STALE in text
    shown = apis["2028"].get("/benefits", world["h"]["admin"]).json()
    assert (shown["year"], shown["current"]) == (2026, False) and STALE in shown["warning"].lower()
    for year, shown_warning in (("2028", True), ("2026", False)):
        with make_test_client(apis[year].app) as http:
            browser = Browser(http)
            browser.log_in(world["users"][Role.ADMIN])
            for path in ("/admin/benefits", "/admin", "/admin/program"):
                page = browser.get(path)
                assert page.status_code == 200, path
                assert ('id="benefits-warning"' in page.text) is shown_warning, (year, path)
                assert (STALE in page.text.lower()) is shown_warning, (year, path)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sga_monthly_blind": None}, "sga_monthly_blind"),
        ({"trial_work_month": 121000}, "trial_work_month"),
        ({"ssi_federal_benefit_rate": "994"}, "ssi_federal_benefit_rate"),
        ({"effective_to": "2029-12-31"}, "effective_to"),
        ({"effective_from": "next year"}, "effective_from"),
    ],
)
def test_a_bad_year_is_refused_naming_the_field_and_nothing_is_stored(
    apis: dict[str, Api], world: dict, changes: dict[str, Any], field: str
) -> None:
    api, h = apis["2028"], world["h"]["admin"]
    versions = api.get("/config/versions", h).json()["count"]
    body = {k: v for k, v in figures(**changes).items() if v is not None}
    response = api.put("/benefits", h, json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert field in response.json()["detail"][0]["msg"]
    assert api.get("/benefits", h).json()["years"] == [2025, 2026]
    assert api.get("/config/versions", h).json()["count"] == versions
    assert api.put("/benefits", world["h"]["specialist"], json=figures()).status_code == 403


def test_a_bad_upload_on_the_page_names_the_field(apis: dict[str, Api], world: dict) -> None:
    with make_test_client(apis["2028"].app) as http:
        browser = Browser(http)
        browser.log_in(world["users"][Role.ADMIN])
        body = json.dumps({k: v for k, v in figures().items() if k != "trial_work_month"})
        page = browser.get("/admin/benefits")
        response = http.post(
            "/admin/benefits",
            data={"csrf_token": csrf_of(page.text)},
            files={"file": ("benefits_us_2028.json", body, "application/json")},
            headers={"Accept": "text/html"},
        )
    assert response.status_code == 422 and "trial_work_month: is missing" in response.text
    assert apis["2028"].get("/benefits", world["h"]["admin"]).json()["years"] == [2025, 2026]


def test_a_loaded_year_is_used_at_once_and_audited(apis: dict[str, Api], world: dict) -> None:
    api, h = apis["2028"], world["h"]["admin"]
    before = sga_text(api, world)  # the 2028 service has fitted its matcher on the 2026 figures
    assert STALE in before
    loaded = api.put("/benefits", h, json=figures())
    assert loaded.status_code == 200, loaded.text
    assert (loaded.json()["year"], loaded.json()["current"]) == (2028, True)
    text = sga_text(api, world)
    assert "($1,800.00, 2028)" in text and "out of date" not in text
    assert "($1,690.00, 2026)" in sga_text(apis["2026"], world)  # 2026 dates keep the 2026 figures
    events = api.get(
        "/audit/events", api.headers(api.add_user(Role.AUDITOR)), params={"kind": "benefits.loaded"}
    )
    assert [e["payload"]["year"] for e in events.json()["data"]] == [2028]
    with make_test_client(api.app) as http:
        browser = Browser(http)
        browser.log_in(world["users"][Role.ADMIN])
        page = browser.get("/admin/benefits").text
    assert '<th scope="row">2028</th>' in page and world["users"][Role.ADMIN].username in page
    assert 'id="benefits-warning"' not in page


def test_a_record_made_before_the_figures_were_dated_is_rebuilt_with_its_own(
    apis: dict[str, Api], world: dict
) -> None:
    from api import reconstruct, store

    api = apis["2026"]
    version = api.put("/config", world["h"]["admin"], json={"config": {}, "note": "for the record"}).json()
    with api.session() as session:
        pinned = store.config.matcher_config(store.config.current(session))
        # the version's stored figures (2025's) for a record that carries the version's own hash
        old = reconstruct._config(session, version["version"], version["config_hash"], dt.date(2026, 3, 2))
        assert old == pinned and old.benefits.year == 2025
        new = reconstruct._config(session, version["version"], "another hash", dt.date(2026, 3, 2))
        assert new.benefits.year == 2026
