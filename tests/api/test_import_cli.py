"""``placement-api import-openings FILE --as USERNAME``: the route's import, from a file on the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from api.config import get_settings
from api.models import Role
from tests.api.conftest import SECRET, Api
from tests.api.test_import_boards import LINKEDIN_HEADER, csv_bytes, linkedin_row


@pytest.fixture(autouse=True)
def cli_env(api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    settings = api.app.state.settings
    monkeypatch.setenv("DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("PLACEMENT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PLACEMENT_JWT_SECRET", SECRET)
    monkeypatch.setenv("PLACEMENT_AS_OF", settings.as_of.isoformat())
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_file_is_checked_then_imported_as_a_liaison(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    liaison = api.add_user(Role.LIAISON)
    path = tmp_path / "postings.csv"
    tag = f"-cli{liaison.id}"
    rows = [linkedin_row("c1" + tag), linkedin_row("c2" + tag, location="Nowhere Qqzx")]
    path.write_bytes(csv_bytes(LINKEDIN_HEADER, rows))
    assert main(["import-openings", str(path), "--as", liaison.username, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "profile linkedin: 2 rows read; would create 1" in dry and "nothing stored" in dry
    assert "location_not_found 1" in dry and "row 3 location 'Nowhere Qqzx'" in dry
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 0
    assert main(["import-openings", str(path), "--as", liaison.username, "--profile", "linkedin"]) == 0
    assert "created 1, updated 0, unchanged 0" in capsys.readouterr().out
    assert api.get("/openings", api.headers(liaison)).json()["total"] == 1


def test_only_an_active_liaison_may_import(api: Api, tmp_path: Path) -> None:
    specialist = api.add_user(Role.SPECIALIST)
    path = tmp_path / "postings.csv"
    path.write_bytes(csv_bytes(LINKEDIN_HEADER, [linkedin_row("s1")]))
    with pytest.raises(SystemExit, match="is not an active liaison"):
        main(["import-openings", str(path), "--as", specialist.username])
    liaison = api.add_user(Role.LIAISON)
    with pytest.raises(SystemExit, match="No such file"):
        main(["import-openings", str(tmp_path / "missing.csv"), "--as", liaison.username])


def test_a_file_on_the_server_has_no_row_limit(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.test_import import HEADER, good_row

    liaison = api.add_user(Role.LIAISON)
    employer = api.create_employer(api.headers(liaison))["id"]
    monkeypatch.setenv("PLACEMENT_MAX_IMPORT_ROWS", "2")  # an upload's limit: not the CLI's
    get_settings.cache_clear()
    path = tmp_path / "openings.csv"
    rows = [
        good_row(employer, title, lat=41.80 + 0.02 * k)
        for k, title in enumerate(("Barista", "Baker", "Porter"))
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    assert main(["import-openings", str(path), "--as", liaison.username]) == 0
    assert "3 rows read; created 3" in capsys.readouterr().out
