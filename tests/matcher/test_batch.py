"""Batch recommendation: raw records in, DataFrames out; a bad record is reported, the rest scored."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

from matcher import FACTORS, Matcher
from matcher.batch import recommend_all
from matcher.errors import MatcherWarning
from tests.matcher.worlds import AS_OF, client_record, random_client_record, random_opening_record


@pytest.fixture(scope="module")
def records() -> tuple[list[dict], list[dict]]:
    rng = random.Random(21)
    clients = [random_client_record(rng, i, strict=0.2) for i in range(6)]
    openings = [random_opening_record(rng, j) for j in range(25)]
    return clients, openings


def test_one_malformed_record_is_reported_and_the_rest_scored(records) -> None:
    clients, openings = records
    bad_client = client_record(id="C-bad", availability=["Mon 9-5"])
    bad_opening = {**openings[0], "id": "O-bad", "hourly_wage": "fifteen"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MatcherWarning)
        result = recommend_all([*clients, bad_client], [*openings, bad_opening], as_of=AS_OF, k=5)
    errors = result.errors.to_dict("records")
    assert [(e["record"], e["field"]) for e in errors] == [
        ("opening O-bad", "hourly_wage"),
        ("client C-bad", "availability"),
    ]
    assert "'fifteen'" in errors[0]["value"] and errors[0]["message"]
    assert result.n_pairs == len(clients) * len(openings)
    assert "C-bad" not in set(result.suggestions["client_id"])
    assert "O-bad" not in set(result.suggestions["opening_id"])
    assert set(result.suggestions["client_id"]) <= {c["id"] for c in clients}
    assert len(set(result.suggestions["client_id"])) >= 4  # the good clients got suggestions


def test_contribution_columns_sum_to_the_score(records) -> None:
    clients, openings = records
    frame = recommend_all(clients, openings, as_of=AS_OF, k=5).suggestions
    assert len(frame)
    contrib = frame[[f"contrib_{f}" for f in FACTORS]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(contrib, frame["score"].to_numpy(), atol=1e-9)
    assert ((frame["score"] >= 0) & (frame["score"] <= 100)).all()


def test_batch_rows_equal_the_recommend_shortlists(records) -> None:
    from matcher.records import load_clients, load_openings

    clients_raw, openings_raw = records
    frame = recommend_all(clients_raw, openings_raw, as_of=AS_OF, k=5).suggestions
    clients, _ = load_clients(clients_raw)
    openings, _ = load_openings(openings_raw)
    for sl in Matcher().fit(openings, as_of=AS_OF).recommend(clients, k=5, explain_exclusions=False):
        rows = frame[frame["client_id"] == sl.client_id].sort_values("rank")
        assert list(rows["opening_id"]) == [s.opening_id for s in sl.suggestions]
        assert list(rows["rank"]) == [s.rank for s in sl.suggestions]
        np.testing.assert_allclose(rows["score"], [s.score for s in sl.suggestions], atol=0.005 + 1e-9)


def test_no_good_records_give_empty_frames() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MatcherWarning)
        result = recommend_all([{"id": "C-x"}], [], as_of=AS_OF)
    assert result.suggestions.empty and list(result.suggestions.columns)[:4] == [
        "client_id",
        "rank",
        "opening_id",
        "score",
    ]
    assert len(result.errors) == 1


def test_a_progress_callable_sees_every_chunk_and_changes_nothing(records) -> None:
    clients, openings = records
    seen: list[tuple[int | None, int, str]] = []

    def recording(iterable, *, total=None, desc=""):  # type: ignore[no-untyped-def]
        items = list(iterable)
        seen.append((total, len(items), desc))
        yield from items

    quiet = recommend_all(clients, openings, as_of=AS_OF, k=5, chunk_size=4).suggestions
    shown = recommend_all(clients, openings, as_of=AS_OF, k=5, chunk_size=4, progress=recording).suggestions
    (total, steps, desc) = seen[0]
    assert len(seen) == 1 and total == steps == 2  # 6 clients in chunks of 4: two steps, as announced
    assert "scoring clients" in desc
    assert quiet.equals(shown)
