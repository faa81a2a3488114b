"""The nightly prefilter on several generated worlds, against the plain-loop oracle and the engine.

The prefilter is the rule table run on gathered pairs: a pair it rejects must
fail a cheap rule in the independent per-pair reference (``reference.py``),
and the nightly result must be the same with and without it, number for number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from matcher import Matcher, demo
from matcher.constraints import PREFILTER
from matcher.features import build_clients
from matcher.records import load_clients, load_openings
from matcher.rematch.candidates import plan_chunks
from matcher.rematch.chunks import score_chunk
from matcher.rematch.context import ScoringContext
from matcher.rematch.prefilter import possibly_feasible
from matcher.types import Client, Opening
from tests.matcher import worlds
from tests.matcher.reference import Reference
from tests.matcher.rematch.conftest import reference_rows, sorted_rows

CHEAP = frozenset(r.name for r in PREFILTER)


@dataclass(frozen=True)
class Case:
    clients: list[Client]
    openings: list[Opening]
    blocked: dict[str, list[str]]
    as_of: dt.date


def random_case(
    seed: int, n_clients: int, n_openings: int, strict: float = 0.4, unstated: float = 0.0
) -> Case:
    """A random world: night shifts, exclusions, on-request needs, remote jobs, rejections,
    and (``unstated``) shifts, hours, pay and locations left unknown."""
    w = worlds.random_world(seed, n_clients, n_openings, strict=strict, unstated=unstated)
    return Case(w.clients, w.openings, w.blocked, worlds.AS_OF)


def generated_case(seed: int, n_clients: int, n_openings: int) -> Case:
    """A demo-generator caseload in one metro area: the nightly run's kind of data."""
    raw_clients, raw_openings = demo.generate(seed, n_clients=n_clients, n_openings=n_openings, metros=1)
    return Case(load_clients(raw_clients)[0], load_openings(raw_openings)[0], {}, demo.DEMO_AS_OF)


ORACLE_CASES = {
    **{f"random {s}": (random_case, (s, 10, 60, 0.6)) for s in (0, 1, 2, 3)},
    **{f"unstated {s}": (random_case, (s, 10, 60, 0.6, 0.4)) for s in (0, 1)},
    **{f"generated {s}": (generated_case, (s, 30, 200)) for s in (5, 6)},
}
NIGHTLY_CASES = {
    **{f"random {s}": (random_case, (s, 30, 100)) for s in (4, 5, 6, 7)},
    **{f"unstated {s}": (random_case, (s, 30, 100, 0.4, 0.4)) for s in (4, 5)},
    **{f"generated {s}": (generated_case, (s, 60, 400)) for s in (8, 9)},
}


@pytest.mark.parametrize("name", list(ORACLE_CASES))
def test_prefilter_rejects_exactly_the_pairs_failing_a_cheap_rule_of_the_oracle(name: str) -> None:
    make, args = ORACLE_CASES[name]
    case = make(*args)  # type: ignore[operator]
    matcher = Matcher().fit(case.openings, as_of=case.as_of)
    assert matcher.text_model is not None
    ref = Reference(as_of=case.as_of, text_model=matcher.text_model)
    batch = build_clients(
        case.clients, matcher.index, vocab=matcher.vocab, config=matcher.config, text_model=matcher.text_model
    )
    rows, cols = (a.ravel() for a in np.indices((len(case.clients), len(case.openings))))
    ok = possibly_feasible(batch, matcher.index, rows, cols)
    for p, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        client, opening = case.clients[i], matcher.index.openings[j]
        failed = ref.failed(client, opening, 0.0, ()) & CHEAP  # the commute is not the prefilter's
        assert ok[p] == (not failed), f"{name}: {client.id} x {opening.id}: {sorted(failed)}"
    assert 0 < ok.sum() < len(ok), name  # it both keeps and rejects pairs here


def _nightly(context: ScoringContext, case: Case) -> pd.DataFrame:
    by_id = {c.id: c for c in case.clients}
    plan = plan_chunks(case.clients, context.config.commute, chunk_size=7)
    parts = [
        score_chunk(context, [by_id[i] for i in ids], number=n, blocked=case.blocked)
        for n, ids in enumerate(plan)
    ]
    return sorted_rows(pd.concat([p.rows for p in parts], ignore_index=True))


@pytest.mark.parametrize("name", list(NIGHTLY_CASES))
def test_nightly_result_is_the_same_with_and_without_the_prefilter(name: str) -> None:
    make, args = NIGHTLY_CASES[name]
    case = make(*args)  # type: ignore[operator]
    context = ScoringContext.from_matcher(Matcher().fit(case.openings, as_of=case.as_of), k=5)
    filtered = _nightly(context, case)
    unfiltered = _nightly(dataclasses.replace(context, prefilter=False), case)
    assert len(filtered) > 20, name  # real shortlists to compare
    pd.testing.assert_frame_equal(filtered, unfiltered, check_exact=True, obj=name)
    plain = Matcher().fit(case.openings, as_of=case.as_of)
    want = reference_rows(plain, case.clients, k=5, blocked=case.blocked)
    pd.testing.assert_frame_equal(filtered, want, check_exact=True, obj=name)
