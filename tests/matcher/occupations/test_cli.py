"""The ``matcher occupations`` sub-commands, through a throwaway argparse parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from matcher.occupations import cli


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="matcher")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["occupations", *argv])
    return int(args.func(args))


def test_import_reports_files_rows_and_attribution(
    tiny_release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    assert run(["import", str(tiny_release), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "Occupation Data.txt" in out and "Skills.xlsx" in out
    assert "Stored 4 occupations" in out
    assert "CC BY 4.0" in out
    assert run(["import", str(tiny_release), "--store", str(store)]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_version_names_onet_and_esco(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        run(["import", "--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "O*NET" in out and "CC BY 4.0" in out and "ESCO" in out and "European" in out


def test_import_of_missing_folder_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", str(tmp_path / "nowhere"), "--store", str(tmp_path / "s")]) == 2
    assert "not found" in capsys.readouterr().err


def test_resolve_json_and_unknown(tiny_store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["resolve", "Dishwasher PT nights", "--json", "--store", str(tiny_store_dir)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["candidates"][0]["code"] == "35-9021.00"
    assert record["normalized"] == "dishwasher" and not record["unknown"]
    assert run(["resolve", "astronaut", "--store", str(tiny_store_dir)]) == 1
    assert "unknown" in capsys.readouterr().out


def test_similar_json(tiny_store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["similar", "Dishwashers", "--top", "2", "--json", "--store", str(tiny_store_dir)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["code"] == "35-9021.00"
    assert [r["code"] for r in record["related"]] == ["35-9011.00", "41-2011.00"]
    assert record["related"][0]["shared"][0] == "Clean tableware"


def test_show_and_missing_store(
    tiny_store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["show", "cashier", "--json", "--store", str(tiny_store_dir)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["code"] == "41-2011.00" and record["job_zone"] == 2
    assert set(record["inferred_demands"]) >= {"attention", "complexity"}
    assert run(["resolve", "cashier", "--store", str(tmp_path / "none")]) == 2
    assert "occupations import" in capsys.readouterr().err


def test_default_store_path() -> None:
    assert cli.DEFAULT_STORE == Path("var/occupations")


def test_shell_answers_each_line_with_one_loaded_store(
    tiny_store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from matcher.occupations import store as store_mod

    reads = []
    real_read = store_mod.OccupationStore._read
    monkeypatch.setattr(store_mod, "_LOADED", {})
    monkeypatch.setattr(
        store_mod.OccupationStore,
        "_read",
        classmethod(lambda cls, path: reads.append(path) or real_read.__func__(cls, path)),  # type: ignore[attr-defined]
    )
    lines = "resolve dish washer\nsimilar 35-9021.00\nshow cashier\ncashier\nsimilar astronaut\nshow\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert run(["shell", "--store", str(tiny_store_dir), "--json"]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(reads) == 1  # loaded once for six lines
    assert answers[0]["candidates"][0]["code"] == "35-9021.00"
    assert answers[1]["related"][0]["code"] == "35-9011.00"
    assert answers[2]["code"] == "41-2011.00"
    assert answers[3]["candidates"][0]["code"] == "41-2011.00"  # a bare line is a title
    assert "astronaut" in answers[4]["error"]
    assert "give a title" in answers[5]["error"]


def test_shell_without_store_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["shell", "--store", str(tmp_path / "none")]) == 2
    assert "occupations import" in capsys.readouterr().err
