"""A client reassigned to another specialist leaves the former specialist's nightly digest."""

from __future__ import annotations

import uuid
from pathlib import Path

from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF
from tests.api.tamper_util import fresh_api


def _digest(api, headers) -> dict:  # type: ignore[no-untyped-def]
    response = api.get("/rematch/digest", headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


LABELS: dict[str, str] = {}  # client id -> its label


def _names(digest: dict, client_id: str) -> list[str]:
    """The forms of the digest that mention ``client_id``, by id or by label."""
    forms = {"json": str(digest["digest"]), "markdown": digest["markdown"], "csv": digest["csv"]}
    return [name for name, text in forms.items() if client_id in text or LABELS[client_id] in text]


def _client(api, headers) -> str:  # type: ignore[no-untyped-def]
    label = f"Label {uuid.uuid4().hex[:8]}"
    client_id = str(api.create_client(headers, label=label)["id"])
    LABELS[client_id] = label
    return client_id


def test_reassigned_client_leaves_the_former_specialists_digest(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        h = world.headers
        employer = api.create_employer(h["liaison1"])
        for _ in range(4):
            api.create_opening(h["liaison1"], employer["id"])
        mine = [_client(api, h["spec1"]) for _ in range(3)]
        theirs = _client(api, h["spec2"])
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
        assert (
            f"Nightly run {before['run_id']}, started " in after["markdown"]
            and " UTC. 2 clients:" in after["markdown"]
        )
        assert after["csv"].splitlines()[0] == before["csv"].splitlines()[0]  # header kept
        listed = api.get("/rematch/digests", h["spec1"]).json()["data"]
        assert [d["counts"]["clients"] for d in listed] == [2]  # the history is narrowed alike
        assert _names(_digest(api, h["spec2"]), theirs)  # the other digest is untouched

        run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions())
        again = _digest(api, h["spec1"])
        assert again["run_id"] != before["run_id"] and _names(again, moved) == []  # build time too
        assert {c["client_id"] for c in _digest(api, h["spec2"])["digest"]["clients"]} == {theirs, moved}
