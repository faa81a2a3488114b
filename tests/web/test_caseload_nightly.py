"""Caseload flags from the nightly re-match: new suggestions since the last run, none at all."""

from __future__ import annotations

from pathlib import Path

from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF, make_test_client
from tests.api.tamper_util import fresh_api
from tests.web.conftest import Browser


def _row(html: str, label: str) -> str:
    return html.split(label, 1)[1].split("</tr>", 1)[0]


def test_the_caseload_flags_new_suggestions_of_the_night_and_clients_without_any(
    backend: str, tmp_path: Path
) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        h = world.headers
        employer = api.create_employer(h["liaison1"])
        api.create_opening(h["liaison1"], employer["id"])
        api.create_client(h["spec1"], label="Fits")
        api.create_client(h["spec1"], label="Never free", availability=["Sun 02:00-03:00"])
        run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions())
        api.create_opening(h["liaison1"], employer["id"])
        run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions())

        with make_test_client(api.app) as http:
            browser = Browser(http)
            browser.log_in(world.users["spec1"])
            page = browser.get("/caseload").text
        assert "1 new since last night" in _row(page, "Fits")
        assert "No suggestions" not in _row(page, "Fits")
        assert "pending" not in _row(page, "Fits")  # nightly lists are not shown to anyone yet
        assert "No suggestions" in _row(page, "Never free")
        assert "new since last night" not in _row(page, "Never free")
