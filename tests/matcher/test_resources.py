"""Vocabularies and artifacts are found as package data; an explicit models folder still works."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from matcher import artifacts, train
from matcher.config import BenefitsConfig
from matcher.errors import ArtifactError
from matcher.vocab import DATA_DIR, load_vocabulary

REPO = Path(__file__).resolve().parents[2]


def test_the_editable_install_maps_the_data_packages_to_the_repository_folders() -> None:
    # resources.files raises ModuleNotFoundError if the install does not map them (a stale
    # editable install falls back to the folders with a warning; make setup reinstalls)
    assert Path(str(resources.files("matcher._data"))) == REPO / "data"
    assert Path(str(resources.files("matcher._models"))) == REPO / "models"
    assert DATA_DIR == REPO / "data" and artifacts.MODELS_DIR == REPO / "models"


def test_the_benefits_defaults_are_the_packaged_dated_figures(tmp_path: Path) -> None:
    assert BenefitsConfig.from_file() == BenefitsConfig()
    raw = json.loads((DATA_DIR / "benefits_us_2026.json").read_text(encoding="utf-8"))
    (tmp_path / "benefits_us_2026.json").write_text(json.dumps(raw), encoding="utf-8")
    later = BenefitsConfig.from_file(tmp_path / "benefits_us_2026.json")
    assert (later.effective_from, later.effective_to, later.sga_monthly) == (
        "2026-01-01",
        "2026-12-31",
        1690.0,
    )


def test_a_vocabulary_folder_can_be_given(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns("__*"))
    with (tmp_path / "data" / "modes.csv").open("a", encoding="utf-8") as fh:
        fh.write("scooter,Scooter\n")
    assert "scooter" in load_vocabulary(tmp_path / "data").modes
    assert "scooter" not in load_vocabulary().modes


def test_train_writes_to_and_load_reads_from_an_explicit_models_folder(tmp_path: Path) -> None:
    assert train.main(["--out", str(tmp_path)]) == 0
    model, meta = artifacts.load(artifacts.TEXT_MODEL, models_dir=tmp_path)
    assert model.vocabulary_ and meta["name"] == artifacts.TEXT_MODEL
    default, _ = artifacts.load(artifacts.TEXT_MODEL)
    # training is deterministic: the same terms and weights (pickle bytes may differ with the
    # process's string interning, so the checksums are not compared)
    assert model.vocabulary_ == default.vocabulary_
    np.testing.assert_array_equal(model.idf_, default.idf_)
    (tmp_path / "text_model.joblib").write_bytes(b"not the model")
    with pytest.raises(ArtifactError, match="checksum"):
        artifacts.load(artifacts.TEXT_MODEL, models_dir=tmp_path)
    with pytest.raises(ArtifactError, match=str(tmp_path / "empty")):
        artifacts.load(artifacts.TEXT_MODEL, models_dir=tmp_path / "empty")
