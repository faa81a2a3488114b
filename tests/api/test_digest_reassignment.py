"""A client reassigned to another specialist leaves the former specialist's nightly digest."""

from __future__ import annotations

from pathlib import Path

from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF
from tests.api.tamper_util import fresh_api


def _digest(api, headers) -> dict:  # type: ignore[no-untyped-def]
    response = api.get("/rematch/digest", headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _names(digest: dict, client_id: str) -> list[str]:
    """The forms of the digest that mention ``client_id``."""
    forms = {"json": str(digest["digest"]), "markdown": digest["markdown"], "csv": digest["csv"]}
    return [name for name, text in forms.items() if client_id in text]


def test_reassigned_client_leaves_the_former_specialists_digest(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        h = world.headers
        employer = api.create_employer(h["liaison1"])
        for _ in range(4):
            api.create_opening(h["liaison1"], employer["id"])
        mine = [api.create_client(h["spec1"])["id"] for _ in range(3)]
        theirs = api.create_client(h["spec2"])["id"]
        run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions())
        moved, *kept = mine
        before = _digest(api, h["spec1"])
        assert _names(before, moved) == ["json", "markdown", "csv"]  # named in every form
        assert before["digest"]["totals"]["clients"] == 3

        body = {"specialist_id": world.users["spec2"].id}
        assert api.put(f"/assignments/caseloads/{moved}", h["admin"], json=body).status_code == 200
        after = _digest(api, h["spec1"])
        assert _names(after, moved) == []  # read time: no longer named in any form
        assert {c["client_id"] for c in after["digest"]["clients"]} == set(kept)
        assert after["digest"]["totals"]["clients"] == 2
        assert all(_names(after, c) == ["json", "markdown", "csv"] for c in kept)
        assert f"Run `{before['digest']['run_id']}`: 2 clients" in after["markdown"]
        assert after["csv"].splitlines()[0] == before["csv"].splitlines()[0]  # header kept
        assert _names(_digest(api, h["spec2"]), theirs)  # the other digest is untouched

        run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions())
        again = _digest(api, h["spec1"])
        assert again["run_id"] != before["run_id"] and _names(again, moved) == []  # build time too
        assert {c["client_id"] for c in _digest(api, h["spec2"])["digest"]["clients"]} == {theirs, moved}
