"""The congestion policy against the `matching` library's capacitated stable matching.

Within capacity the primaries must be exactly the client-optimal stable assignment of
the eligible suggestions (the library's resident-optimal hospital-resident matching);
the clients the library leaves unmatched must be exactly the counted exceptions.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from matcher import demo
from matcher.rematch.congestion import CongestionReport, capacities, spread_primaries
from matcher.rematch.rescore import RematchOptions, fit_matcher, load_inputs, run_rematch


@dataclasses.dataclass
class Index:
    """A stand-in with the two fields congestion reads (ids and positions)."""

    ids: tuple[str, ...]
    positions: np.ndarray


def _index(positions: dict[str, int]) -> Any:
    ids = tuple(sorted(positions))
    return Index(ids, np.array([positions[i] for i in ids]))


def _eligible(rows: pd.DataFrame, max_loss: float | None) -> pd.DataFrame:
    best = rows.groupby("client_id")["score"].transform("max")
    return rows if max_loss is None else rows[rows["score"] >= best - max_loss]


def _reference(
    rows: pd.DataFrame, index: Any, factor: float, max_loss: float | None
) -> dict[str, str | None]:
    """Client id -> opening the library's resident-optimal stable matching gives (None: unmatched)."""
    part = _eligible(rows, max_loss).sort_values(["client_id", "rank"])
    clients = {c: list(g["opening_id"]) for c, g in part.groupby("client_id")}
    by_fit = part.sort_values(["opening_id", "score", "client_id"], ascending=[True, False, True])
    openings = {o: list(g["client_id"]) for o, g in by_fit.groupby("opening_id")}
    positions = dict(zip(index.ids, index.positions.tolist(), strict=True))
    cap = {o: int(capacities(np.array([positions[o]], dtype=np.float64), factor)[0]) for o in openings}
    game = HospitalResident.create_from_dictionaries(clients, openings, cap)
    game.solve(optimal="resident")
    assert game.check_validity() and game.check_stability()
    return {r.name: (None if r.matching is None else r.matching.name) for r in game.residents}


def _primaries(rows: pd.DataFrame) -> dict[str, str]:
    picked = rows[rows["primary"]]
    return dict(zip(picked["client_id"], picked["opening_id"], strict=True))


def _check_against_library(
    rows: pd.DataFrame, index: Any, factor: float, max_loss: float | None
) -> tuple[pd.DataFrame, CongestionReport]:
    got, report = spread_primaries(rows, index, factor=factor, max_loss=max_loss)
    reference = _reference(rows, index, factor, max_loss)
    mine = _primaries(got)
    exceptions = {e.client_id for e in report.exceptions}
    unmatched = {c for c, o in reference.items() if o is None}
    assert exceptions == unmatched  # the counted exceptions are the clients no stable assignment places
    assert {c: mine[c] for c in reference if c not in unmatched} == {
        c: o for c, o in reference.items() if o is not None
    }  # within capacity: the same client-optimal stable assignment
    assert report.within_capacity == len(reference) - len(unmatched)
    assert report.counts()["primaries_over_capacity"] == len(unmatched)
    assert report.clients == rows["client_id"].nunique() == len(mine)
    return got, report


def _check_policy(got: pd.DataFrame, report: CongestionReport, index: Any, factor: float) -> None:
    """What the docs promise, checked directly (no library): capacity, exceptions, stability."""
    positions = dict(zip(index.ids, index.positions.tolist(), strict=True))
    eligible = _eligible(got, report.max_loss)
    cap = {o: int(capacities(np.array([positions[o]], dtype=np.float64), factor)[0]) for o in positions}
    exceptions = {e.client_id: e for e in report.exceptions}
    primary = got[got["primary"]].set_index("client_id")
    held = primary[~primary.index.isin(list(exceptions))]
    load = held["opening_id"].value_counts()
    assert all(load[o] <= cap[o] for o in load.index)  # outside the exceptions, nobody over capacity
    over = {o for o, n in primary["opening_id"].value_counts().items() if n > cap[o]}
    assert over == set(report.openings_over_capacity)  # every opening over capacity is named
    for e in exceptions.values():
        assert primary.loc[e.client_id, "opening_id"] == e.opening_id
        assert e.primaries == int((primary["opening_id"] == e.opening_id).sum()) > e.capacity
    for row in eligible.itertuples():
        mine = primary.loc[row.client_id]
        if row.client_id not in exceptions and row.rank >= mine["rank"]:
            continue  # a client within capacity only envies openings ranked above their primary
        holders = held[held["opening_id"] == row.opening_id]
        # no blocking pair: the opening is full of clients it fits at least as well
        assert len(holders) == cap[row.opening_id]
        assert (
            (holders["score"] > row.score)
            | ((holders["score"] == row.score) & (holders.index < row.client_id))
        ).all()


@st.composite
def instances(draw: st.DrawFn) -> tuple[pd.DataFrame, Any, float, float | None]:
    """Small markets with ties: each client's top-k (ranked by their scores), positions, factor, loss."""
    n_openings = draw(st.integers(1, 6))
    openings = [f"O{j}" for j in range(n_openings)]
    positions = {o: draw(st.integers(1, 3)) for o in openings}
    records = []
    for i in range(draw(st.integers(1, 14))):
        picks = draw(st.lists(st.sampled_from(openings), min_size=1, max_size=n_openings, unique=True))
        scores = sorted(draw(st.lists(st.integers(40, 50), min_size=len(picks), max_size=len(picks))))[::-1]
        records += [
            {"client_id": f"C{i:02d}", "rank": r + 1, "opening_id": o, "score": float(s)}
            for r, (o, s) in enumerate(zip(picks, scores, strict=True))
        ]
    factor = draw(st.sampled_from([0.5, 1.0, 1.5, 2.0]))
    max_loss = draw(st.sampled_from([None, 0.0, 3.0, 5.0]))
    return pd.DataFrame(records), _index(positions), factor, max_loss


@settings(max_examples=300, deadline=None)
@given(instances())
def test_primaries_are_the_librarys_stable_matching_outside_the_counted_exceptions(
    case: tuple[pd.DataFrame, Any, float, float | None],
) -> None:
    rows, index, factor, max_loss = case
    got, report = _check_against_library(rows, index, factor, max_loss)
    _check_policy(got, report, index, factor)


@settings(max_examples=100, deadline=None)
@given(instances())
def test_every_client_keeps_one_primary_within_the_allowed_loss(
    case: tuple[pd.DataFrame, Any, float, float | None],
) -> None:
    rows, index, factor, max_loss = case
    got, _ = spread_primaries(rows, index, factor=factor, max_loss=max_loss)
    per_client = got.groupby("client_id")
    assert (per_client["primary"].sum() == 1).all()
    merged = got.merge(rows, on=["client_id", "opening_id"], suffixes=("", "_given"))
    assert len(merged) == len(rows) and (merged["rank"] == merged["rank_given"]).all()
    loss = per_client["score"].transform("max") - got["score"]
    assert max_loss is None or (loss[got["primary"]] <= max_loss).all()


@pytest.mark.parametrize("seed", [3, 8])
def test_random_larger_markets_match_the_library(seed: int) -> None:
    rng = np.random.default_rng(seed)
    openings = [f"O{j:03d}" for j in range(60)]
    popular = rng.dirichlet(np.full(len(openings), 0.3))  # a few openings most clients rank high
    records = []
    for i in range(400):
        picks = rng.choice(openings, size=10, replace=False, p=popular)
        scores = np.sort(rng.uniform(40, 70, size=10).round(1))[::-1]
        records += [
            {"client_id": f"C{i:04d}", "rank": r + 1, "opening_id": o, "score": float(s)}
            for r, (o, s) in enumerate(zip(picks, scores, strict=True))
        ]
    rows = pd.DataFrame(records)
    index = _index({o: int(rng.integers(1, 4)) for o in openings})
    got, report = _check_against_library(rows, index, 2.0, 5.0)
    _check_policy(got, report, index, 2.0)
    assert report.exceptions  # the case is congested enough to have exceptions


@pytest.fixture(scope="module")
def scarce() -> tuple[pd.DataFrame, Any]:
    """The project's own scores: 400 generated clients competing for 150 openings in one metro area."""
    raw_clients, raw_openings = demo.generate(21, n_clients=400, n_openings=150, metros=1)
    inputs = load_inputs(raw_clients, raw_openings)
    result = run_rematch(inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(congestion_factor=None))
    return result.rows, fit_matcher(inputs.openings, as_of=demo.DEMO_AS_OF).index


@pytest.mark.parametrize(("factor", "max_loss"), [(2.0, 5.0), (1.0, 5.0), (2.0, None)])
def test_the_projects_own_scores_match_the_library(
    scarce: tuple[pd.DataFrame, Any], factor: float, max_loss: float | None
) -> None:
    rows, index = scarce
    got, report = _check_against_library(rows, index, factor, max_loss)
    _check_policy(got, report, index, factor)


def test_without_spreading_rank_one_is_primary_and_nothing_is_counted() -> None:
    rows = pd.DataFrame(
        {"client_id": ["A", "A", "B"], "rank": [1, 2, 1], "opening_id": ["X", "Y", "X"], "score": [9.0, 8, 7]}
    )
    got, report = spread_primaries(rows, _index({"X": 1, "Y": 1}), factor=None)
    assert _primaries(got) == {"A": "X", "B": "X"}
    assert report.counts() == {
        "primaries": 2,
        "primaries_within_capacity": 2,
        "primaries_over_capacity": 0,
        "openings_over_capacity": 0,
    }
