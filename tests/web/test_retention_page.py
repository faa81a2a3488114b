"""The admin's retention page: the model's numbers, weights side by side, promotion only when confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.routes.retention import get_models_dir
from matcher.config import DEFAULT_WEIGHTS
from tests.api.conftest import Api, World
from tests.api.test_retention_api import simulated_model
from tests.web.conftest import Browser


@pytest.fixture
def models_dir(api: Api, tmp_path: Path) -> Iterator[Path]:
    api.app.dependency_overrides[get_models_dir] = lambda: tmp_path
    yield tmp_path
    api.app.dependency_overrides.pop(get_models_dir)


def test_the_page_is_the_admin_s_only(browser_for: Any, world: World) -> None:
    for name in ("auditor", "spec1", "liaison1"):
        assert browser_for(world.users[name]).get("/admin/retention").status_code == 404, name


def test_promotion_needs_the_confirmation(browser_for: Any, world: World, api: Api, models_dir: Path) -> None:
    version = simulated_model(models_dir, DEFAULT_WEIGHTS)
    admin: Browser = browser_for(world.users["admin"])
    page = admin.get("/admin/retention")
    assert page.status_code == 200
    assert version in page.text and "Brier score" in page.text and "Promote proposed weights" in page.text
    assert "What the client wants to do" in page.text and "no clear effect" in page.text
    before = api.get("/config", world.headers["admin"]).json()["version"]
    unconfirmed = admin.submit("/admin/retention", "/admin/retention/promote", {"model_version": version})
    assert unconfirmed.status_code == 422 and 'id="confirm-error"' in unconfirmed.text
    assert api.get("/config", world.headers["admin"]).json()["version"] == before
    done = admin.submit(
        "/admin/retention", "/admin/retention/promote", {"model_version": version, "confirm": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/retention?done=promoted"
    assert api.get("/config", world.headers["admin"]).json()["version"] == before + 1
    after = admin.get(done.headers["location"]).text
    assert "The proposed weights are in force" in after
    assert f"Promoted by {world.users['admin'].username}" in after


@pytest.mark.usefixtures("models_dir")
def test_without_a_model_the_page_says_how_to_train_one(browser_for: Any, world: World) -> None:
    page = browser_for(world.users["admin"]).get("/admin/retention")
    assert page.status_code == 200 and "placement-api retention train" in page.text
    assert "Promote proposed weights" not in page.text
