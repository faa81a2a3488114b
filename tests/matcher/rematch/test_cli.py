"""``matcher rematch``: every option is honoured by the chosen source or refused, never silently ignored."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from matcher import demo
from matcher.benefits import dated
from matcher.config import MatcherConfig
from matcher.rematch import cli

CONFIG = {"ranking": {"max_per_employer": 1}}


class FakeSource:
    """A plug-in that honours a few options (and has one of its own)."""

    options = frozenset({"k", "chunk_size", "n_jobs", "resume"})

    def __init__(self) -> None:
        self.calls: list[argparse.Namespace] = []

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--resume", type=int)

    def run(self, args: argparse.Namespace) -> int:
        self.calls.append(args)
        return 0


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    source = FakeSource()
    monkeypatch.setattr(cli, "plugins", lambda: {"db": source})
    return source


def command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["rematch", *argv])
    return int(args.func(args))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Paths of small record files, their side files and a previous run's shortlists."""
    folder = tmp_path_factory.mktemp("rematch-cli")
    raw_clients, raw_openings = demo.generate(8, n_clients=30, n_openings=120, metros=1)
    ids = [c["id"] for c in raw_clients]
    previous = {"as_of": "2026-11-21", "clients": {"C-x": {"fingerprint": "f", "suggestions": []}}}
    files = {
        "clients": raw_clients,
        "openings": raw_openings,
        "caseloads": {"S-1": ids[:15], "S-2": ids[15:]},
        "blocked": {ids[0]: [raw_openings[0]["id"]]},
        "config": CONFIG,
        "previous": previous,
    }
    paths = {"out": str(folder / "out")}
    for name, body in files.items():
        paths[name] = str(folder / f"{name}.json")
        Path(paths[name]).write_text(json.dumps(body))
    return paths


def file_args(inputs: dict[str, str], out: str) -> list[str]:
    return ["--clients-file", inputs["clients"], "--openings-file", inputs["openings"], "--out-dir", out]


# Every shared option with a value other than its default ("@name": the path of that input).
RUN_OPTIONS: list[tuple[list[str], str]] = [
    (["--as-of", "2026-11-20"], "as_of"),
    (["--run-id", "night-7"], "run_id"),
    (["--k", "3"], "k"),
    (["--chunk-size", "16"], "chunk_size"),
    (["--n-jobs", "2"], "n_jobs"),
    (["--scheduler", "tcp://127.0.0.1:1"], "scheduler"),
    (["--congestion-factor", "3"], "congestion_factor"),
    (["--max-loss", "1.5"], "max_loss"),
    (["--no-prefilter"], "no_prefilter"),
    (["--config", "@config"], "config"),
    (["--previous", "@previous"], "previous"),
    (["--caseloads", "@caseloads"], "caseloads"),
    (["--blocked", "@blocked"], "blocked"),
    (["--clients-file", "@clients"], "clients_file"),
    (["--openings-file", "@openings"], "openings_file"),
    (["--out-dir", "@out"], "out_dir"),
]
IDS = [argv[0] for argv, _ in RUN_OPTIONS]
# Options that reach ``nightly`` (the input files and --out-dir: the end-to-end test below).
PASSED_ON = [
    (argv, dest) for argv, dest in RUN_OPTIONS if dest not in {"clients_file", "openings_file", "out_dir"}
]


def resolve(argv: list[str], inputs: dict[str, str]) -> list[str]:
    return [inputs[a[1:]] if a.startswith("@") else a for a in argv]


@pytest.mark.parametrize(("argv", "dest"), RUN_OPTIONS, ids=IDS)
def test_an_option_the_source_does_not_honour_is_refused(
    fake: FakeSource, inputs: dict[str, str], argv: list[str], dest: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = resolve(argv, inputs)
    if dest in fake.options:
        assert command(["--source", "db", *argv]) == 0 and fake.calls
        return
    assert command(["--source", "db", *argv]) == 2
    err = capsys.readouterr().err
    assert f"the db source does not support {argv[0]}" in err
    assert "--resume" in err and "--k" in err  # what it does support
    assert fake.calls == []  # nothing ran


def test_options_the_source_honours_reach_it(fake: FakeSource) -> None:
    assert command(["--k", "7", "--chunk-size", "32", "--n-jobs", "2", "--resume", "4"]) == 0
    (args,) = fake.calls
    assert (args.k, args.chunk_size, args.n_jobs, args.resume) == (7, 32, 2, 4)


def test_an_option_given_at_its_default_is_accepted(fake: FakeSource) -> None:
    """The source then runs exactly as without it: nothing is being ignored."""
    assert command(["--source", "db", "--max-loss", "5", "--congestion-factor", "2"]) == 0
    assert len(fake.calls) == 1


def test_the_file_source_refuses_another_source_s_option(
    fake: FakeSource, inputs: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command([*file_args(inputs, str(tmp_path)), "--resume", "3"]) == 2
    assert "the files source does not support --resume" in capsys.readouterr().err
    assert not (tmp_path / "run.json").exists() and fake.calls == []


def test_a_plugin_that_declares_no_options_gets_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Bare:
        def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

        def run(self, args: argparse.Namespace) -> int:
            return 0

    monkeypatch.setattr(cli, "plugins", lambda: {"db": Bare()})
    assert command(["--k", "3"]) == 2
    assert "does not support --k (it supports none)" in capsys.readouterr().err


class Captured(Exception):
    """Raised by the stand-in for ``nightly`` once it has its arguments."""


@pytest.fixture
def nightly_kwargs(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def capture(*records: Any, **kwargs: Any) -> None:
        seen.update(kwargs, n_records=len(records))
        raise Captured

    monkeypatch.setattr(cli, "nightly", capture)
    monkeypatch.setattr(cli, "plugins", dict)  # the file source only
    return seen


@pytest.mark.parametrize(("argv", "dest"), PASSED_ON, ids=[argv[0] for argv, _ in PASSED_ON])
def test_the_file_source_honours_every_option(
    nightly_kwargs: dict[str, Any], inputs: dict[str, str], argv: list[str], dest: str
) -> None:
    with pytest.raises(Captured):
        command([*file_args(inputs, inputs["out"]), *resolve(argv, inputs)])
    got, options = nightly_kwargs, nightly_kwargs["options"]
    checks = {
        "as_of": lambda: got["as_of"] == dt.date(2026, 11, 20),
        "run_id": lambda: got["run_id"] == "night-7",
        "k": lambda: options.k == 3,
        "chunk_size": lambda: options.chunk_size == 16,
        "n_jobs": lambda: options.n_jobs == 2,
        "scheduler": lambda: options.scheduler == "tcp://127.0.0.1:1",
        "congestion_factor": lambda: options.congestion_factor == 3.0,
        "max_loss": lambda: options.congestion_max_loss == 1.5,
        "no_prefilter": lambda: options.prefilter is False,
        "config": lambda: (
            got["config"].config_hash
            == dated(MatcherConfig.from_dict(CONFIG), dt.date(2026, 11, 20)).config_hash
        ),
        "previous": lambda: set(got["previous"].fingerprints) == {"C-x"},
        "caseloads": lambda: set(got["caseloads"]) == {"S-1", "S-2"},
        "blocked": lambda: got["blocked"] == json.loads(Path(inputs["blocked"]).read_text()),
    }
    assert checks[dest](), dest


def test_the_file_source_run_shows_its_options_in_the_outputs(
    inputs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "plugins", dict)
    argv = [*file_args(inputs, str(tmp_path)), "--as-of", "2026-11-20", "--run-id", "night-7"]
    argv += ["--k", "4", "--chunk-size", "8", "--congestion-factor", "2", "--max-loss", "1.5"]
    argv += ["--no-prefilter", "--config", inputs["config"], "--caseloads", inputs["caseloads"]]
    assert command(argv) == 0
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["config_hash"] == dated(MatcherConfig.from_dict(CONFIG), dt.date(2026, 11, 20)).config_hash
    assert run["settings"] | {"backend": None} == {
        "k": 4,
        "chunk_size": 8,
        "n_jobs": 1,
        "backend": None,
        "max_pairs": run["settings"]["max_pairs"],
        "prefilter": False,
        "congestion_factor": 2.0,
        "congestion_max_loss": 1.5,
    }
    shortlists = json.loads((tmp_path / "shortlists.json").read_text())
    assert (shortlists["run_id"], shortlists["as_of"]) == ("night-7", "2026-11-20")
    raw_clients = json.loads(Path(inputs["clients"]).read_text())
    assert sorted(shortlists["clients"]) == sorted(c["id"] for c in raw_clients)  # --clients-file
    opening_ids = {o["id"] for o in json.loads(Path(inputs["openings"]).read_text())}
    listed = {s["opening_id"] for c in shortlists["clients"].values() for s in c["suggestions"]}
    assert listed and listed <= opening_ids  # --openings-file
    assert max(len(c["suggestions"]) for c in shortlists["clients"].values()) == 4
    assert sorted(p.name for p in (tmp_path / "digests").glob("*.md")) == ["S-1.md", "S-2.md"]
