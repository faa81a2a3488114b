"""Digests per specialist: what matters first, labels not ids, no cascades, a fixed order."""

from __future__ import annotations

import csv
import io
import json

import pytest

from matcher.fit_bands import fit_band
from matcher.rematch.digest import (
    CSV_COLUMNS,
    build_digests,
    digest_to_csv,
    digest_to_dict,
    digest_to_markdown,
    summarize,
    summary_to_markdown,
)
from matcher.rematch.shortlist_diff import Entry, diff_shortlists
from tests.matcher import worlds

OPENINGS = {
    o.id: o
    for o in (
        worlds.opening(id="O-a", title="Dishwasher", employer="Lakeview Diner"),
        worlds.opening(id="O-b", title="Stock clerk", employer="Northside Grocers"),
        worlds.opening(id="O-c", title="Prep cook", employer="Lakeview Diner", status="filled"),
        *(worlds.opening(id=f"O-{n}", title=f"Job {n}", employer=f"Employer {n}") for n in range(1, 10)),
    )
}
LABELS = {"C-1": "Ana P.", "C-2": "Ben Q.", "C-3": "Cy R.", "C-9": "Dee S."}


def _diff(client_id: str, before: list[Entry], now: list[Entry], **kw: object) -> object:
    return diff_shortlists(
        before,
        now,
        openings_now=OPENINGS,
        as_of=worlds.AS_OF,
        client_changed=False,
        client_id=client_id,
        **kw,
    )


def _digests(caseloads: dict[str, list[str]], **kw: object) -> list:
    changed = diff_shortlists(
        [Entry("O-a", 1, 80.0), Entry("O-c", 2, 70.0)],
        [Entry("O-b", 1, 82.0), Entry("O-a", 2, 79.0)],
        openings_now=OPENINGS,
        as_of=worlds.AS_OF,
        client_changed=True,
        client_id="C-2",
    )
    quiet = _diff("C-1", [Entry("O-a", 1, 80.0)], [Entry("O-a", 1, 80.0)])
    return build_digests(
        caseloads,
        {"C-2": changed, "C-1": quiet},
        run_id="r-1",
        as_of="2026-03-02",
        openings=OPENINGS,
        primaries={"C-2": "O-b", "C-1": "O-a"},
        sizes={"C-2": 2, "C-1": 1},
        skipped={"C-9": "modes: unknown"},
        labels=LABELS,
        names={"S-1": "Dana Reyes"},
        **kw,
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


def test_markdown_names_the_specialist_and_day_and_clients_by_label() -> None:
    text = digest_to_markdown(_digests({"S-1": ["C-1", "C-2", "C-9"]})[0])
    assert text.startswith("# Morning digest for Dana Reyes, Monday 2 March 2026\n")
    assert "- **Ben Q.** — Stock clerk - Northside Grocers: new at #1 (score 82, strong fit)" in text
    assert "- **Ben Q.** — Prep cook - Lakeview Diner: the opening was filled" in text
    assert "- **Dee S.**: not re-matched: modes: unknown" in text
    assert "Nothing new for: Ana P." in text
    for client_id in ("C-1", "C-2", "C-9"):
        assert client_id not in text  # labels, never ids
    # what matters first: new strong, then gone, then the rest
    assert (
        text.index("## New strong suggestions") < text.index("## Suggestions gone") < text.index("## Not re")
    )


def test_an_extra_run_says_so_in_its_title() -> None:
    (digest,) = _digests({"S-1": ["C-1"]}, run_kind="extra", started_at="2026-03-02T10:15:00+00:00")
    text = digest_to_markdown(digest)
    assert text.startswith("# Extra digest for Dana Reyes, Monday 2 March 2026\n")
    assert "Extra run r-1, started by an admin at 10:15 UTC." in text
    with pytest.raises(ValueError, match="run_kind"):
        _digests({"S-1": ["C-1"]}, run_kind="weekly")


def test_one_change_above_does_not_cascade_into_moves() -> None:
    """A strong opening enters at #1: only what crosses the top-3 line is told, never #7 -> #8."""
    before = [Entry(f"O-{n}", n, 50.0 - n) for n in range(1, 10)]
    now = [Entry("O-b", 1, 70.0), *(Entry(f"O-{n}", n + 1, 50.0 - n) for n in range(1, 9))]
    diff = _diff("C-3", before, now)
    assert len(diff.moved) == 8  # the engine's diff has every move...
    (digest,) = build_digests(
        {"S-1": ["C-3"]},
        {"C-3": diff},
        run_id="r",
        as_of="2026-03-02",
        openings=OPENINGS,
        labels=LABELS,
        sizes={"C-3": 9},
    )
    summary = summarize(digest_to_dict(digest), top_n=3)
    moves = [i for s in summary.sections if s.key == "top_moves" for i in s.items]
    assert [(i.opening_id, i.previous_rank, i.rank, i.reason) for i in moves] == [("O-3", 3, 4, "left")]
    assert [i.opening_id for s in summary.sections if s.key == "strong_new" for i in s.items] == ["O-b"]
    assert not [s for s in summary.sections if s.key == "gone"]  # O-9 fell off the bottom: no news
    text = digest_to_markdown(digest)
    assert "#7" not in text and "#6" not in text and "#8" not in text  # ...the digest none of the cascade
    assert "Job 3 - Employer 3: left the top 3: #3 to #4" in text
    wider = summarize(digest_to_dict(digest), top_n=5)
    assert [i.opening_id for s in wider.sections if s.key == "top_moves" for i in s.items] == ["O-5"]
    with pytest.raises(ValueError, match="top_n"):
        summarize(digest_to_dict(digest), top_n=0)


def test_a_client_with_no_suggestions_gets_what_would_open_more() -> None:
    diff = _diff("C-3", [Entry("O-a", 1, 60.0)], [])
    options = {
        "exclusion_counts": {"COMMUTE_TOO_LONG": 12, "WAGE_BELOW_FLOOR": 1},
        "near_misses": [
            {
                "opening_id": "O-5",
                "score": 48.4,
                "code": "COMMUTE_TOO_LONG",
                "why": "far",
                "feasible_if": "feasible with a 60-minute limit",
            },
        ],
        "changes": [
            {
                "kind": "commute_limit",
                "code": "COMMUTE_TOO_LONG",
                "text": "With a commute limit of 60 minutes instead of 45, 2 more openings would fit",
                "n_opened": 2,
                "best": [{"opening_id": "O-6", "score": 51.0}, {"opening_id": "O-5", "score": 48.4}],
            },
        ],
    }
    (digest,) = build_digests(
        {"S-1": ["C-3"]},
        {"C-3": diff},
        run_id="r",
        as_of="2026-03-02",
        openings=OPENINGS,
        labels=LABELS,
        options={"C-3": options},
    )
    words = {"COMMUTE_TOO_LONG": "is too far to travel to", "WAGE_BELOW_FLOOR": "pays too little"}
    summary = summarize(digest_to_dict(digest), code_words=words)
    (section,) = [s for s in summary.sections if s.key == "no_suggestions"]
    assert section.items[0].client == "Cy R."
    assert section.items[0].details == (
        "would open more: With a commute limit of 60 minutes instead of 45, 2 more openings would fit "
        "(best: Job 6 - Employer 6 (good fit); Job 5 - Employer 5 (good fit))",
        "nearest miss: Job 5 - Employer 5 (would score 48, good fit): feasible with a 60-minute limit",
        "12 openings ruled out, each of which is too far to travel to",
        "1 opening ruled out, each of which pays too little",
    )
    assert digest.titles["O-5"] == ("Job 5", "Employer 5")  # a near miss's opening is named
    assert digest.titles["O-6"] == ("Job 6", "Employer 6")  # so is the best opening a change opens


def test_csv_has_one_row_per_item_with_labels_and_escapes_formulas() -> None:
    hostile = {"C-1": '=HYPERLINK("http://evil.example")', "C-2": "@Ben"}
    text = digest_to_csv(_digests({"S-1": ["C-1", "C-2"]})[0])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["section"], r["client"], r["opening_id"], r["reason"]) for r in rows] == [
        ("strong_new", "Ben Q.", "O-b", "new"),
        ("gone", "Ben Q.", "O-c", "filled"),
    ]
    assert rows[1]["title"] == "Prep cook" and rows[1]["previous_rank"] == "2"
    assert rows[0]["band"] == fit_band(float(rows[0]["score"])) and rows[1]["band"] == ""  # score in words
    (digest,) = build_digests(
        {"S-1": ["C-1", "C-2"]},
        {"C-1": _diff("C-1", [], [Entry("O-a", 1, 80.0)]), "C-2": _diff("C-2", [Entry("O-a", 1, 1.0)], [])},
        run_id="r",
        as_of="2026-03-02",
        openings=OPENINGS,
        labels=hostile,
    )
    cells = [r["client"] for r in csv.DictReader(io.StringIO(digest_to_csv(digest)))]
    assert set(cells) == {"'" + v for v in hostile.values()}


def test_json_carries_labels_totals_changes_and_titles() -> None:
    doc = digest_to_dict(_digests({"S-1": ["C-2"]})[0])
    assert doc["specialist_name"] == "Dana Reyes" and doc["run_kind"] == "nightly"
    assert doc["clients"][0]["label"] == "Ben Q."
    assert doc["totals"]["gone"] == 1
    assert doc["clients"][0]["changes"]["gone"][0] == {
        "opening_id": "O-c",
        "previous_rank": 2,
        "previous_score": 70.0,
        "reason": "filled",
        "codes": [],
    }
    assert doc["openings"]["O-b"] == {"title": "Stock clerk", "employer": "Northside Grocers"}


def test_a_new_strong_suggestion_with_unstated_terms_says_what_to_ask() -> None:
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
        sizes={"C-1": 2},
        primaries={"C-1": "O-a"},
    )
    assert digest.unknowns == {"O-u": ("SHIFTS_NOT_STATED", "WAGE_NOT_STATED")}
    rows = list(csv.DictReader(io.StringIO(digest_to_csv(digest))))
    assert rows[0]["opening_id"] == "O-u" and rows[0]["detail"].endswith("to ask: shift times, pay")
    text = digest_to_markdown(digest)
    assert (
        "- **Client C-1** — Packer - Acme: new at #2 (score 60, strong fit)\n  - to ask: shift times, pay"
        in text
    )
    assert digest_to_dict(digest)["openings"]["O-u"]["unknowns"] == ["SHIFTS_NOT_STATED", "WAGE_NOT_STATED"]
    assert "unknowns" not in digest_to_dict(digest)["openings"]["O-a"]  # all stated: nothing to ask


def test_a_short_list_gets_what_would_open_more_in_its_own_section() -> None:
    change = {
        "kind": "wage_floor",
        "code": "WAGE_BELOW_FLOOR",
        "text": "With a wage floor of $16.00 an hour instead of $17.00, 1 more opening would fit",
        "n_opened": 1,
        "best": [{"opening_id": "O-6", "score": 51.0}],
    }
    options = {"exclusion_counts": {"WAGE_BELOW_FLOOR": 1}, "near_misses": [], "changes": [change]}
    (digest,) = build_digests(
        {"S-1": ["C-3"]},
        {"C-3": _diff("C-3", [], [Entry("O-a", 1, 60.0)])},  # one suggestion, fewer than asked for
        run_id="r",
        as_of="2026-03-02",
        openings=OPENINGS,
        labels=LABELS,
        options={"C-3": options},
        sizes={"C-3": 1},
    )
    summary = summarize(digest_to_dict(digest))
    assert "no_suggestions" not in {s.key for s in summary.sections}
    (section,) = [s for s in summary.sections if s.key == "short_list"]
    (item,) = section.items
    assert (item.client, item.text) == ("Cy R.", "only 1 suggestion")
    assert item.details[0].startswith(
        "would open more: With a wage floor of $16.00 an hour instead of $17.00"
    )
    markdown = summary_to_markdown(summary)
    assert "## Clients with fewer suggestions than asked for" in markdown
    assert "0 with no suggestions, 1 with fewer than asked for." in markdown.splitlines()[2]
