"""``matcher rematch`` finds the service database as a source, which honours or refuses each option."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from api.rematch import job as rematch_job
from matcher.rematch import cli as rematch_cli
from tests.api.conftest import make_settings


def test_the_database_source_is_installed_as_a_plugin() -> None:
    assert rematch_cli.plugins()["db"] is rematch_job.SOURCE


def test_without_input_files_the_database_source_runs(monkeypatch) -> None:
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr(rematch_job, "run_from_args", lambda args: calls.append(args) or 0)
    parser = argparse.ArgumentParser()
    rematch_cli.register(parser.add_subparsers())
    args = parser.parse_args(["rematch", "--k", "7", "--chunk-size", "32"])
    assert args.func(args) == 0
    assert calls[0].k == 7 and calls[0].chunk_size == 32 and calls[0].resume is None


def _command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    rematch_cli.register(parser.add_subparsers())
    args = parser.parse_args(["rematch", "--source", "db", *argv])
    return int(args.func(args))


@pytest.mark.parametrize(
    "argv",
    [
        ["--max-loss", "2"],
        ["--no-prefilter"],
        ["--config", "config.json"],
        ["--run-id", "night-7"],
        ["--previous", "shortlists.json"],
        ["--clients-file", "clients.json"],
        ["--openings-file", "openings.json"],
        ["--caseloads", "caseloads.json"],
        ["--blocked", "blocked.json"],
        ["--out-dir", "out"],
    ],
    ids=lambda argv: argv[0],
)
def test_the_database_source_refuses_what_it_does_not_honour(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr(rematch_job, "run_from_args", lambda args: calls.append(args) or 0)
    assert _command(argv) == 2
    assert f"error: the db source does not support {argv[0]}" in capsys.readouterr().err
    assert calls == []


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["--as-of", "2026-11-20"], "as_of", dt.date(2026, 11, 20)),
        (["--k", "7"], "k", 7),
        (["--chunk-size", "32"], "chunk_size", 32),
        (["--n-jobs", "2"], "n_jobs", 2),
        (["--scheduler", "tcp://127.0.0.1:1"], "scheduler", "tcp://127.0.0.1:1"),
        (["--congestion-factor", "2"], "congestion_factor", 2.0),
        (["--resume", "4"], "resume", 4),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else "",
)
def test_the_database_source_passes_on_what_it_honours(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], field: str, value: object
) -> None:
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr(rematch_job, "run_from_args", lambda args: calls.append(args) or 0)
    assert _command(argv) == 0
    assert getattr(calls[0], field) == value


def test_as_of_dates_a_new_database_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'placement.db'}")
    monkeypatch.setattr(rematch_job, "get_settings", lambda: settings)
    dates: list[dt.date] = []

    def run_job(*args: object, as_of: dt.date, **kwargs: object) -> int:
        dates.append(as_of)
        raise LookupError(f"stopped before running ({len(args) + len(kwargs)} other arguments)")

    monkeypatch.setattr(rematch_job, "run_job", run_job)
    base = {"scheduler": None, "chunk_size": 8, "resume": None, "k": 5, "n_jobs": 1}
    base |= {"congestion_factor": 1.0, "test_kill_after": None}
    for as_of in (dt.date(2026, 11, 20), None):
        with pytest.raises(SystemExit):
            rematch_job.run_from_args(argparse.Namespace(**base, as_of=as_of))
    assert dates == [dt.date(2026, 11, 20), settings.today()]
