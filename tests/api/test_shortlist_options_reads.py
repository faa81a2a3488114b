"""The options of a shortlist request start from what the shortlist read: nothing is read again."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from api import options as options_service
from tests.api.conftest import Api, World


def _post(api: Api, world: World, client_id: str, employer: str, **params: Any) -> dict[str, Any]:
    body = {"k": 5, "filters": {"employer_ids": [employer]}}
    response = api.post(f"/clients/{client_id}/shortlist", world.headers["spec1"], json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_options_of_a_request_read_neither_client_nor_rejections_again(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h, name="Read Once Diner")
    for title, wage in (("Server", 16), ("Busser", 14)):
        api.create_opening(h, employer["id"], title=title, hourly_wage=wage)
    client = api.create_client(world.headers["spec1"], wage_floor=15)
    first = _post(api, world, client["id"], employer["id"], options="true")

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("read again")

    monkeypatch.setattr(options_service, "engine_client", refuse)
    monkeypatch.setattr(options_service, "store", SimpleNamespace())  # no store: nothing to read from
    asked = _post(api, world, client["id"], employer["id"], options="true")  # asked for
    assert asked["options"] and asked["options"] == first["options"]
    short = _post(api, world, client["id"], employer["id"])  # a short list (one fits of 5): unasked
    assert len(short["suggestions"]) == 1
    assert short["options"] == asked["options"]
