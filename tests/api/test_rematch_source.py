"""``matcher rematch`` finds the service database as a source without matcher importing api."""

from __future__ import annotations

import argparse

from api.rematch import job as rematch_job
from matcher.rematch import cli as rematch_cli


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
