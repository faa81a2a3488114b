"""Diffs on hand-made before/after states: every category of change, and the engine re-check."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from matcher import Matcher
from matcher.rematch.context import ScoringContext
from matcher.rematch.run_diff import client_fingerprint, diff_all, entries_by_client, exclusion_codes
from matcher.rematch.shortlist_diff import Entry, Gone, diff_shortlists
from matcher.types import Opening
from tests.matcher import worlds

AS_OF = worlds.AS_OF


def _openings(*items: Opening) -> dict[str, Opening]:
    return {o.id: o for o in items}


def _gone_reason(
    opening: Opening | None, *, codes: tuple[str, ...] = (), client_changed: bool = False
) -> Gone:
    previous = [Entry("O-1", 1, 70.0)]
    now = _openings(opening) if opening is not None else {}
    diff = diff_shortlists(
        previous,
        [],
        openings_now=now,
        as_of=AS_OF,
        client_changed=client_changed,
        codes_now={"O-1": codes} if codes else None,
    )
    assert [g.opening_id for g in diff.gone] == ["O-1"]
    return diff.gone[0].reason


def test_gone_because_filled_closed_or_withdrawn() -> None:
    assert _gone_reason(worlds.opening(id="O-1", status="filled")) is Gone.FILLED
    assert _gone_reason(worlds.opening(id="O-1", status="closed")) is Gone.CLOSED
    assert _gone_reason(None) is Gone.CLOSED  # no longer listed at all


def test_gone_because_expired() -> None:
    expired = worlds.opening(id="O-1", posted="2026-01-01", expires="2026-03-01")
    assert expired.expires is not None and expired.expires < AS_OF
    assert _gone_reason(expired) is Gone.EXPIRED


def test_gone_because_the_commute_changed_or_the_client_changed() -> None:
    still_open = worlds.opening(id="O-1")
    assert _gone_reason(still_open, codes=("COMMUTE_TOO_LONG",)) is Gone.COMMUTE_CHANGED
    assert _gone_reason(still_open, codes=("COMMUTE_TOO_LONG",), client_changed=True) is Gone.CLIENT_CHANGED
    assert _gone_reason(still_open, codes=("HOURS_OUT_OF_RANGE",), client_changed=True) is Gone.CLIENT_CHANGED


def test_gone_because_the_opening_changed_or_was_rejected() -> None:
    still_open = worlds.opening(id="O-1")
    assert _gone_reason(still_open, codes=("WAGE_BELOW_FLOOR",)) is Gone.OPENING_CHANGED
    assert _gone_reason(still_open, codes=("REJECTED_BY_SPECIALIST",), client_changed=True) is Gone.REJECTED


def test_gone_because_outranked_when_still_feasible() -> None:
    assert _gone_reason(worlds.opening(id="O-1")) is Gone.OUTRANKED
    assert _gone_reason(worlds.opening(id="O-1"), client_changed=True) is Gone.OUTRANKED


def test_new_moved_and_unchanged() -> None:
    previous = [Entry("O-a", 1, 80.0), Entry("O-b", 2, 75.0), Entry("O-c", 3, 70.0)]
    current = [Entry("O-b", 1, 76.0), Entry("O-new", 2, 74.0), Entry("O-a", 3, 73.0), Entry("O-old", 4, 60.0)]
    now = _openings(
        worlds.opening(id="O-a"),
        worlds.opening(id="O-b"),
        worlds.opening(id="O-new", posted="2026-03-01"),
        worlds.opening(id="O-old", posted="2026-02-01"),
        worlds.opening(id="O-c", status="filled"),
    )
    diff = diff_shortlists(
        previous,
        current,
        openings_now=now,
        as_of=AS_OF,
        client_changed=False,
        since=dt.date(2026, 2, 20),
        client_id="C-1",
    )
    assert [(n.opening_id, n.rank, n.new_opening) for n in diff.new] == [
        ("O-new", 2, True),
        ("O-old", 4, False),
    ]
    assert [(m.opening_id, m.previous_rank, m.rank, m.delta) for m in diff.moved] == [
        ("O-b", 2, 1, 1),
        ("O-a", 1, 3, -2),
    ]
    assert [(g.opening_id, g.reason) for g in diff.gone] == [("O-c", Gone.FILLED)]
    assert diff.changed and diff.client_id == "C-1"
    same = diff_shortlists(current, current, openings_now=now, as_of=AS_OF, client_changed=False)
    assert not same.changed and same.unchanged == ("O-a", "O-b", "O-new", "O-old")
    assert diff.to_dict()["gone"][0]["reason"] == "filled"


def test_engine_recheck_tells_commute_from_outranked() -> None:
    """Two still-open openings drop off one client's list: one is now out of reach, one was outranked."""
    near = worlds.opening(id="O-near")
    moved_away = worlds.opening(
        id="O-moved", location={"lat": worlds.CENTRE[0] + 0.6, "lon": worlds.CENTRE[1]}
    )
    client = worlds.client(id="C-1")
    context = ScoringContext.from_matcher(Matcher().fit([near, moved_away], as_of=AS_OF), k=5)
    codes = exclusion_codes(context, [client], {"C-1": ["O-near", "O-moved", "O-unknown"]})
    assert codes == {"C-1": {"O-near": (), "O-moved": ("COMMUTE_TOO_LONG",)}}
    previous = {"C-1": (Entry("O-near", 1, 80.0), Entry("O-moved", 2, 70.0))}
    diffs = diff_all(
        previous,
        {"C-1": ()},
        context=context,
        clients=[client],
        openings_now=_openings(near, moved_away),
        as_of=AS_OF,
    )
    assert [(g.opening_id, g.reason) for g in diffs["C-1"].gone] == [
        ("O-near", Gone.OUTRANKED),
        ("O-moved", Gone.COMMUTE_CHANGED),
    ]


def test_fingerprint_changes_with_the_record_only() -> None:
    a, b = worlds.client(id="C-1"), worlds.client(id="C-1")
    assert client_fingerprint(a) == client_fingerprint(b)
    assert client_fingerprint(a) != client_fingerprint(worlds.client(id="C-1", max_commute_minutes=20))


def test_entries_by_client_orders_by_rank() -> None:
    rows = pd.DataFrame(
        {
            "client_id": ["B", "A", "A"],
            "rank": [1, 2, 1],
            "opening_id": ["x", "y", "z"],
            "score": [50.0, 40.0, 45.0],
            "primary": [True, True, False],
        }
    )
    got = entries_by_client(rows)
    assert got == {
        "A": (Entry("z", 1, 45.0, False), Entry("y", 2, 40.0, True)),
        "B": (Entry("x", 1, 50.0, True),),
    }
