"""A wheel install works on its own: vocabularies and the text model come as package data.

The wheel is built from a copy of the tree (so no build/ folder lands in the repository),
installed into a fresh venv without dependencies, and that venv borrows the dev venv's
third-party packages through a plain path line in a ``.pth`` file. Such a line does not run
the ``.pth`` files inside the borrowed folder, so the dev venv's editable install of this
project does not leak in: the test checks that ``matcher`` is imported from the new venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "matcher", "api", "data", "models")

pytestmark = pytest.mark.slow


def _run(*cmd: str | Path, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=240, **kwargs
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (REPO / "models" / "text_model.joblib").exists(), "build the text model first: make models"
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("dist")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, tree / name)
    pip = (sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation")
    built = _run(*pip, "-w", out, ".", cwd=tree)
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("placement_matcher-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    made = _run(sys.executable, "-m", "venv", "--without-pip", root, cwd=root)
    assert made.returncode == 0, made.stderr
    python = root / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index")
    installed = _run(*pip, wheel, cwd=root)
    assert installed.returncode == 0, installed.stderr
    # Only after installing: pip would otherwise see the dev venv's editable install as this one.
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root)
    dev_site = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib.stdout.strip(), "dev-dependencies.pth").write_text("\n".join(sorted(dev_site)) + "\n")
    return root


def test_the_wheel_holds_every_package_and_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for top in ("matcher", "api"):
        for init in (REPO / top).rglob("*.py"):
            if "__pycache__" not in init.parts:
                assert init.relative_to(REPO).as_posix() in names, "add its package to pyproject.toml"
    for pattern in ("*.csv", "*.json"):
        for file in (REPO / "data").glob(pattern):
            assert f"matcher/_data/{file.name}" in names
    assert {"matcher/_models/text_model.joblib", "matcher/_models/text_model.json"} <= names


def test_an_installed_wheel_finds_its_data_outside_the_repository(venv: Path, tmp_path: Path) -> None:
    probe = (
        "import matcher, matcher.artifacts as a, matcher.vocab as v; "
        "print(matcher.__file__); print(v.DATA_DIR); print(a.MODELS_DIR); "
        "print(len(v.load_vocabulary().dimensions))"
    )
    shown = _run(venv / "bin" / "python", "-c", probe, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    module, data, models, n_dims = shown.stdout.split()
    site = venv.resolve()
    assert all(Path(p).resolve().is_relative_to(site) for p in (module, data, models))
    assert Path(data).name == "_data" and Path(models).name == "_models"
    assert int(n_dims) == 8


def test_matcher_demo_runs_from_a_wheel_install_like_from_the_checkout(venv: Path, tmp_path: Path) -> None:
    wheel_run = _run(venv / "bin" / "matcher", "demo", "--show", "3", cwd=tmp_path)
    assert wheel_run.returncode == 0, wheel_run.stderr
    assert "fitting the text model" not in wheel_run.stderr  # the packaged model was found
    assert wheel_run.stdout.startswith("placement-matcher ")
    assert "60 clients, 500 openings" in wheel_run.stdout
    checkout_run = _run(Path(sys.executable).parent / "matcher", "demo", "--show", "3", cwd=tmp_path)
    assert checkout_run.returncode == 0, checkout_run.stderr
    assert wheel_run.stdout == checkout_run.stdout
