"""``placement-api retention train``: a summary in plain lines, or the whole report as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from api import retention_cli
from tests.api.conftest import AS_OF, Api, World


def _args(models_dir: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    retention_cli.add_arguments(parser)
    return parser.parse_args(["train", "--models-dir", str(models_dir), "--bootstrap", "5", *extra])


def test_train_writes_the_model_and_its_card(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"])
    client = api.create_client(world.headers["spec1"])
    body = {"opening_id": opening["id"], "start_date": "2025-09-01"}
    assert (
        api.post(f"/clients/{client['id']}/placements", world.headers["spec1"], json=body).status_code == 201
    )
    with api.session() as session:
        assert (
            retention_cli.run(_args(tmp_path, "--json"), session, today=AS_OF, models_dir=Path("unused")) == 0
        )
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "not_enough" and report["counts"]["placements"] >= 1
    assert (tmp_path / "retention_model.md").exists() and (tmp_path / "retention_model.json").exists()
    with api.session() as session:
        retention_cli.run(_args(tmp_path), session, today=AS_OF, models_dir=Path("unused"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"retention model {report['model_version']}: ")
    assert lines[1].startswith("status: not enough outcomes")


def test_bootstrap_below_two_is_refused(api: Api, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    retention_cli.add_arguments(parser)
    args = parser.parse_args(["train", "--models-dir", str(tmp_path), "--bootstrap", "1"])
    with api.session() as session, pytest.raises(SystemExit, match="--bootstrap must be at least 2"):
        retention_cli.run(args, session, today=AS_OF, models_dir=tmp_path)
