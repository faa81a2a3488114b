"""The ``matcher`` command on the seeded demo caseload and on JSON files."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from matcher import FACTORS, Matcher
from matcher.cli import main
from matcher.demo import DEMO_AS_OF, demo_clients_and_openings
from matcher.fit_bands import fit_band
from tests.matcher.worlds import client_record, opening_record


@pytest.fixture(scope="module")
def demo_client_with_five() -> str:
    """A demo client with at least five feasible suggestions (found, not hard-coded)."""
    clients, openings = demo_clients_and_openings(seed=7)
    shortlists = Matcher().fit(openings, as_of=DEMO_AS_OF).recommend(clients, k=5, explain_exclusions=False)
    return next(sl.client_id for sl in shortlists if len(sl.suggestions) == 5)


def test_shortlist_json_has_k_suggestions(demo_client_with_five: str, capsys) -> None:
    assert main(["shortlist", "--client", demo_client_with_five, "--k", "5", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["client_id"] == demo_client_with_five
    assert len(payload["suggestions"]) == 5
    assert [s["rank"] for s in payload["suggestions"]] == [1, 2, 3, 4, 5]
    for s in payload["suggestions"]:
        assert s["band"] == fit_band(s["score"])  # the score in words beside it
        assert set(s["contributions"]) == set(FACTORS)
        assert round(sum(s["contributions"].values()) * 100) == round(s["score"] * 100)
        assert s["positives"] or s["concerns"]
    assert payload["n_considered"] == 500
    assert sum(payload["exclusion_counts"].values()) >= payload["n_excluded"]


def test_demo_prints_shortlists_and_an_exclusion_summary(capsys) -> None:
    assert main(["demo", "--show", "2", "--k", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("\nClient C-") == 2
    assert "points: preference" in out
    ranked = re.findall(r"^ +\d+\. +([\d.]+) \((strong|good|possible) fit\)", out, flags=re.M)
    assert ranked and all(band == fit_band(float(score)) for score, band in ranked)
    assert "Summary over all 60 clients (30000 client-opening pairs):" in out
    assert "exclusions by reason" in out and "COMMUTE_TOO_LONG" in out


def test_unknown_client_exits_2(tmp_path, capsys) -> None:
    clients, openings = tmp_path / "clients.json", tmp_path / "openings.json"
    clients.write_text(json.dumps([client_record()]))
    openings.write_text(json.dumps([opening_record()]))
    files = ["--clients-file", str(clients), "--openings-file", str(openings)]
    assert main(["shortlist", "--client", "C-nobody", "--json", *files]) == 2
    captured = capsys.readouterr()
    assert "C-nobody" in captured.err and captured.out == ""


@pytest.mark.filterwarnings("ignore::matcher.errors.MatcherWarning")  # the bad record, on purpose
def test_explain_and_files(tmp_path, capsys) -> None:
    clients = tmp_path / "clients.json"
    openings = tmp_path / "openings.json"
    clients.write_text(json.dumps([client_record(), client_record(id="C-bad", capacity={"memory": 9})]))
    openings.write_text(json.dumps([opening_record(), opening_record(id="O-2", status="filled")]))
    files = ["--clients-file", str(clients), "--openings-file", str(openings), "--as-of", "2026-03-02"]
    assert main(["explain", "--client", "C-1", "--opening", "O-2", *files]) == 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["suggested"] is False
    assert [r["code"] for r in payload["reasons"]] == ["NOT_OPEN"]
    assert "C-bad" in captured.err  # the bad record is reported, the rest still run

    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "batch",
                "--clients-file",
                str(clients),
                "--openings-file",
                str(openings),
                "--as-of",
                "2026-03-02",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    frame = pd.read_csv(out)
    assert list(frame["opening_id"]) == ["O-1"] and list(frame["client_id"]) == ["C-1"]
    errors = pd.read_csv(out.with_suffix(".errors.csv"))
    assert list(errors["record"]) == ["client C-bad"]


def test_bad_as_of_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["demo", "--as-of", "22/11/2026"])
    assert info.value.code == 2
    assert "--as-of must be YYYY-MM-DD" in capsys.readouterr().err
