"""The lint gates of `make test` catch what they are there for.

Each gate is shown once failing on a planted violation (in a temporary copy, never in
the tree), and `make -n test` is read to show that `make test` runs every gate.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment ({BIN})")
    return str(path)


def _run(*args: str, cwd: Path, env_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(BIN) + ":/usr/bin:/bin"}
    if env_path is not None:
        env["PYTHONPATH"] = str(env_path)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def _copy_tree(dest: Path) -> Path:
    """The packages and the project file, as a separate project in ``dest``."""
    for package in ("matcher", "api"):
        shutil.copytree(REPO / package, dest / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_make_test_runs_every_gate() -> None:
    dry = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    gates = ("ruff check", "ruff format --check", "mypy", "lint-imports", "mkdocs build --strict", "pytest")
    for gate in gates:
        assert gate in dry, f"`make test` does not run {gate!r}"
    assert "matcher" in dry.split("mypy", 1)[1].splitlines()[0]
    assert "api" in dry.split("mypy", 1)[1].splitlines()[0]


def test_import_contracts_hold_and_a_forbidden_import_fails(tmp_path: Path) -> None:
    lint_imports = _tool("lint-imports")
    project = _copy_tree(tmp_path)
    clean = _run(lint_imports, cwd=project, env_path=project)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    with (project / "matcher" / "ranking.py").open("a") as fh:
        fh.write("\nimport sqlalchemy  # planted: the engine must not know the database\n")
    planted = _run(lint_imports, cwd=project, env_path=project)
    assert planted.returncode != 0
    assert "The engine knows no service" in planted.stdout
    assert "BROKEN" in planted.stdout


def test_store_importing_the_service_fails(tmp_path: Path) -> None:
    lint_imports = _tool("lint-imports")
    project = _copy_tree(tmp_path)
    with (project / "api" / "store" / "__init__.py").open("a") as fh:
        fh.write("\nimport api.schemas  # planted: the store must not import the service\n")
    planted = _run(lint_imports, cwd=project, env_path=project)
    assert planted.returncode != 0
    assert "The store does not import the service" in planted.stdout


def test_mypy_strict_fails_on_an_untyped_function(tmp_path: Path) -> None:
    mypy = _tool("mypy")
    module = tmp_path / "planted.py"
    module.write_text("def add(a, b):\n    return a + b\n")
    result = _run(mypy, "--strict", "--no-incremental", str(module), cwd=tmp_path)
    assert result.returncode != 0
    assert "Function is missing a type annotation" in result.stdout


def test_format_check_fails_on_unformatted_code(tmp_path: Path) -> None:
    ruff = _tool("ruff")
    module = tmp_path / "planted.py"
    module.write_text("x = {'a':1,'b':[1,2 ,3]}\n")
    result = _run(ruff, "format", "--check", str(module), cwd=tmp_path)
    assert result.returncode != 0
    assert "would be reformatted" in (result.stdout + result.stderr).lower()


def test_engine_reads_no_environment() -> None:
    """matcher/ is pure: settings come in as arguments; only api/config.py reads the environment."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for root in ("matcher", "api")
        for path in sorted((REPO / root).rglob("*.py"))
        if path != REPO / "api" / "config.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "os.environ" in line or "getenv(" in line
    ]
    assert offenders == []
