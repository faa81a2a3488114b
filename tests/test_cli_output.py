"""Commands for people and machines: one version, readable summaries, --json, no progress off a terminal."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from api.audit import cli as audit_cli
from api.rematch import job
from api.rematch.models import RematchRun
from matcher import cli as matcher_cli
from matcher import progress
from matcher.version import ENGINE_VERSION, version_line

REPO = Path(__file__).resolve().parents[1]
PACKAGE = version("placement-matcher")


def test_the_package_version_is_pyproject_s_and_the_openapi_document_s(tmp_path: Path) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert PACKAGE == project["version"]
    assert version_line() == f"placement-matcher {PACKAGE} (engine {ENGINE_VERSION})"
    from api.main import create_app
    from tests.api.conftest import make_settings

    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'v.db'}"))
    assert app.openapi()["info"]["version"] == PACKAGE


@pytest.mark.parametrize(
    "main",
    [
        lambda: matcher_cli.main(["--version"]),
        lambda: matcher_cli.main(["occupations", "--version"]),
        lambda: job.main(["--version"]),
        lambda: audit_cli.main(["--version"]),
    ],
    ids=["matcher", "matcher occupations", "python -m api.rematch", "python -m api.audit"],
)
def test_every_command_s_version_is_the_package_s(
    main: Callable[[], int], capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(version_line())


def test_the_installed_scripts_print_the_package_version() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert set(scripts) == {"matcher", "placement-api"}
    bin_dir = Path(sys.executable).parent
    for command in (
        [str(bin_dir / "placement-api"), "--version"],
        [sys.executable, "-m", "api.cli", "--version"],
    ):
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout
        assert out.strip() == version_line(), command


def a_run(status: str = "finished", **counts: int) -> RematchRun:
    run = RematchRun(id=7, status=status, as_of=dt.date(2026, 12, 1), progress_done=40, progress_total=42)
    run.counts = {"clients": 42, "openings": 300, "versions": 5, "digests": 2, **counts}
    run.errors = []
    return run


def test_the_nightly_summary_reads_as_lines_not_a_dict() -> None:
    lines = job.summary_lines(job.summary(a_run()))
    assert lines[0] == "Re-match run 7 finished (as of 2026-12-01): 40 of 42 clients re-matched"
    assert "  shortlists stored: 5" in lines and "  digests written: 2" in lines
    assert not any("{" in line for line in lines)
    failed = job.summary_lines(job.summary(a_run("failed")))
    assert failed[-1] == "  not finished: resume it with --resume 7"


def test_the_nightly_json_summary_parses() -> None:
    facts = job.summary(a_run(new_count=1))
    assert json.loads(json.dumps(facts))["counts"]["new_count"] == 1
    assert "  new count: 1" in job.summary_lines(facts)  # a count without words still reads


def test_matcher_demo_json_parses(capsys: pytest.CaptureFixture) -> None:
    assert matcher_cli.main(["demo", "--json"]) == 0
    out = capsys.readouterr()
    facts = json.loads(out.out)
    assert facts["version"] == version_line() and facts["clients"] > 0
    assert facts["pairs"] == facts["clients"] * facts["openings"]
    assert "ranking" not in out.err  # stderr is not a terminal here: no progress bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    items = [1, 2, 3]
    assert progress.bar(items, total=3, desc="counting") is items
    with progress.polling(lambda: (1, 2), desc="following", every=0.01):
        pass
    with progress.stages(2, desc="steps") as step:
        step("first")
        step("second")
    assert pipe.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(progress.bar(items, total=3, desc="counting")) == items
    with progress.stages(2, desc="steps") as step:
        step("loading")
    assert "counting" in terminal.getvalue() and "steps: step 0/2, loading" in terminal.getvalue()


def test_the_nightly_command_ends_with_lines_or_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from tests.api.conftest import make_settings

    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'placement.db'}")
    monkeypatch.setattr(job, "get_settings", lambda: settings)
    assert job.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Re-match run 1 finished (as of 2026-03-02): ")
    assert "  active clients: 0" in lines
    assert job.main(["--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert (facts["run_id"], facts["status"], facts["counts"]["clients"]) == (2, "finished", 0)
