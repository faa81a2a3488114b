"""Congestion exceptions are counted and named in the run record and in the specialists' digests."""

from __future__ import annotations

import json

import pytest

from matcher import demo
from matcher.rematch.digest import build_digests, digest_to_dict, summarize, summary_to_markdown
from matcher.rematch.nightly import JobOutcome, nightly
from matcher.rematch.rescore import RematchOptions
from matcher.rematch.shortlist_diff import Entry, diff_shortlists
from tests.matcher import worlds


@pytest.fixture(scope="module")
def outcome() -> JobOutcome:
    """The scarce generated case (400 clients, 150 openings, one metro), two caseloads."""
    raw_clients, raw_openings = demo.generate(21, n_clients=400, n_openings=150, metros=1)
    ids = sorted(str(c["id"]) for c in raw_clients)
    return nightly(
        raw_clients,
        raw_openings,
        as_of=demo.DEMO_AS_OF,
        run_id="r-1",
        caseloads={"s1": ids[::2], "s2": ids[1::2]},
        options=RematchOptions(congestion_factor=1.0),
    )


def test_the_run_record_counts_and_names_every_primary_over_capacity(outcome: JobOutcome) -> None:
    record = json.loads(json.dumps(outcome.result.summary.to_dict()))  # as run.json stores it
    congestion = record["congestion"]
    named = {(e["client_id"], e["opening_id"]) for e in congestion["exceptions"]}
    assert named  # the case is congested: some clients' every eligible suggestion is full
    load = outcome.result.load.set_index("opening_id")
    positions = load["positions"].to_dict()
    primary = {c: e.opening_id for c, es in outcome.shortlists.items() for e in es if e.primary}
    assert named <= set(primary.items())  # each exception is the client's actual primary
    for e in congestion["exceptions"]:
        assert e["capacity"] == max(positions[e["opening_id"]], 1)  # overbooking 1
        assert e["primaries"] == load.loc[e["opening_id"], "primaries"] > e["capacity"]
    over = {o for o, row in load.iterrows() if row["primaries"] > max(row["positions"], 1)}
    assert over == {o for _, o in named}  # no opening is over capacity without a named exception
    counts = record["counts"]
    assert counts["primaries_over_capacity"] == congestion["primaries_over_capacity"] == len(named)
    assert counts["openings_over_capacity"] == len(over)
    assert counts["primaries"] == counts["primaries_within_capacity"] + len(named) == len(primary)
    assert (congestion["overbooking"], congestion["max_loss"]) == (1.0, 5.0)


def test_each_digest_flags_its_own_clients_over_capacity(outcome: JobOutcome) -> None:
    named = {e["client_id"] for e in outcome.result.summary.congestion["exceptions"]}
    flagged = set()
    for d in outcome.digests:
        body = digest_to_dict(d)
        mine = {c["client_id"] for c in body["clients"] if c.get("primary_over_capacity")}
        assert mine <= {c.client_id for c in d.clients}
        flagged |= mine
        text = summary_to_markdown(summarize(body))
        n = len(mine)
        assert (f"{n} primary suggestion{'s' * (n != 1)} over the opening's capacity" in text) == bool(n)
        assert all(f"Client {c}" in text for c in mine)
    assert flagged == named


def test_a_digest_names_the_client_whose_primary_is_over_capacity() -> None:
    opening = worlds.opening(id="O-a", title="Dishwasher", employer="Lakeview Diner")
    diffs = {
        c: diff_shortlists(
            [],
            [Entry("O-a", 1, 70.0, True)],
            openings_now={"O-a": opening},
            as_of=worlds.AS_OF,
            client_changed=False,
            client_id=c,
        )
        for c in ("C-1", "C-2")
    }
    (digest,) = build_digests(
        {"s1": ["C-1", "C-2"]},
        diffs,
        run_id="r-1",
        as_of="2026-03-02",
        openings={"O-a": opening},
        primaries={"C-1": "O-a", "C-2": "O-a"},
        sizes={"C-1": 1, "C-2": 1},
        labels={"C-1": "Ana P.", "C-2": "Ben Q."},
        over_capacity={"C-2"},
    )
    body = digest_to_dict(digest)
    assert [c.get("primary_over_capacity", False) for c in body["clients"]] == [False, True]
    text = summary_to_markdown(summarize(body))
    assert "1 primary suggestion over the opening's capacity" in text
    assert "Ben Q." in text.split("over the opening's capacity")[1].split("\n")[0]
    assert "Ana P." not in text.split("over the opening's capacity")[1].split("\n")[0]
    quiet = digest_to_dict(build_digests({"s1": ["C-1"]}, diffs, run_id="r-1", as_of="2026-03-02")[0])
    assert "over the opening's capacity" not in summary_to_markdown(summarize(quiet))
