"""Digests per specialist: JSON, Markdown and CSV, in a fixed order."""

from __future__ import annotations

import csv
import io
import json

from matcher.rematch.digest import (
    CSV_COLUMNS,
    build_digests,
    digest_to_csv,
    digest_to_dict,
    digest_to_markdown,
)
from matcher.rematch.shortlist_diff import Entry, diff_shortlists
from tests.matcher import worlds

OPENINGS = {
    o.id: o
    for o in (
        worlds.opening(id="O-a", title="Dishwasher", employer="Lakeview Diner"),
        worlds.opening(id="O-b", title="Stock clerk", employer="Northside Grocers"),
        worlds.opening(id="O-c", title="Prep cook", employer="Lakeview Diner", status="filled"),
    )
}


def _digests(caseloads: dict[str, list[str]]) -> list:
    changed = diff_shortlists(
        [Entry("O-a", 1, 80.0), Entry("O-c", 2, 70.0)],
        [Entry("O-b", 1, 82.0), Entry("O-a", 2, 79.0)],
        openings_now=OPENINGS,
        as_of=worlds.AS_OF,
        client_changed=True,
        client_id="C-2",
    )
    quiet = diff_shortlists(
        [Entry("O-a", 1, 80.0)],
        [Entry("O-a", 1, 80.0)],
        openings_now=OPENINGS,
        as_of=worlds.AS_OF,
        client_changed=False,
        client_id="C-1",
    )
    return build_digests(
        caseloads,
        {"C-2": changed, "C-1": quiet},
        run_id="r-1",
        as_of="2026-03-02",
        openings=OPENINGS,
        primaries={"C-2": "O-b", "C-1": "O-a"},
        sizes={"C-2": 2, "C-1": 1},
        skipped={"C-9": "modes: unknown"},
    )


def test_one_digest_per_specialist_sorted_with_sorted_clients() -> None:
    digests = _digests({"S-b": ["C-2", "C-1"], "S-a": ["C-9", "C-1"]})
    assert [d.specialist_id for d in digests] == ["S-a", "S-b"]
    assert [c.client_id for c in digests[1].clients] == ["C-1", "C-2"]
    assert digests[1].totals == {"clients": 2, "clients_with_changes": 1, "new": 1, "gone": 1, "moved": 1}
    assert digests[0].clients[1].diff is None and digests[0].clients[1].note == "modes: unknown"


def test_renderings_are_deterministic() -> None:
    a = _digests({"S-1": ["C-2", "C-1"]})[0]
    b = _digests({"S-1": ["C-1", "C-2", "C-1"]})[0]
    assert digest_to_markdown(a) == digest_to_markdown(b)
    assert digest_to_csv(a) == digest_to_csv(b)
    assert json.dumps(digest_to_dict(a)) == json.dumps(digest_to_dict(b))


def test_markdown_reads_as_a_briefing() -> None:
    text = digest_to_markdown(_digests({"S-1": ["C-1", "C-2", "C-9"]})[0])
    assert text.startswith("# Re-match digest for S-1, 2026-03-02\n")
    assert "## C-2 (record changed)" in text
    assert "Lead with: **Stock clerk - Northside Grocers [O-b]**" in text
    assert "- #1 Stock clerk - Northside Grocers [O-b], score 82.00" in text
    assert "- Prep cook - Lakeview Diner [O-c] (was #2): the opening was filled" in text
    assert "- Dishwasher - Lakeview Diner [O-a]: #1 -> #2 (down 1)" in text
    assert "Not re-matched: modes: unknown." in text
    assert "No changes: C-1." in text


def test_csv_has_one_row_per_change() -> None:
    text = digest_to_csv(_digests({"S-1": ["C-1", "C-2"]})[0])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["client_id"], r["change"], r["opening_id"], r["reason"]) for r in rows] == [
        ("C-2", "new", "O-b", ""),
        ("C-2", "gone", "O-c", "filled"),
        ("C-2", "moved", "O-a", ""),
    ]
    assert rows[1]["title"] == "Prep cook" and rows[1]["previous_rank"] == "2"


def test_json_carries_totals_changes_and_titles() -> None:
    doc = digest_to_dict(_digests({"S-1": ["C-2"]})[0])
    assert doc["totals"]["gone"] == 1
    assert doc["clients"][0]["changes"]["gone"][0] == {
        "opening_id": "O-c",
        "previous_rank": 2,
        "previous_score": 70.0,
        "reason": "filled",
        "codes": [],
    }
    assert doc["openings"]["O-b"] == {"title": "Stock clerk", "employer": "Northside Grocers"}


def test_a_new_suggestion_with_unstated_terms_says_what_to_ask() -> None:
    """The digest rows and lines name the questions (codes in CSV and JSON, words in Markdown)."""
    unstated = worlds.opening(id="O-u", title="Packer", employer="Acme", shifts=None, hourly_wage=None)
    openings = {**OPENINGS, "O-u": unstated}
    diff = diff_shortlists(
        [Entry("O-a", 1, 80.0)],
        [Entry("O-a", 1, 80.0), Entry("O-u", 2, 60.0)],
        openings_now=openings,
        as_of=worlds.AS_OF,
        client_changed=False,
        client_id="C-1",
    )
    (digest,) = build_digests(
        {"S-a": ["C-1"]},
        {"C-1": diff},
        run_id="r",
        as_of="2026-03-02",
        openings=openings,
        primaries={"C-1": "O-a"},
    )
    assert digest.unknowns == {"O-u": ("SHIFTS_NOT_STATED", "WAGE_NOT_STATED")}
    rows = list(csv.DictReader(io.StringIO(digest_to_csv(digest))))
    new = next(r for r in rows if r["opening_id"] == "O-u")
    assert new["detail"].endswith("SHIFTS_NOT_STATED WAGE_NOT_STATED")
    assert "Packer - Acme [O-u], score 60.00" in digest_to_markdown(digest)
    assert "— to ask: shift times, pay" in digest_to_markdown(digest)
    assert digest_to_dict(digest)["openings"]["O-u"]["unknowns"] == ["SHIFTS_NOT_STATED", "WAGE_NOT_STATED"]
    assert "unknowns" not in digest_to_dict(digest)["openings"]["O-a"]  # all stated: nothing to ask
