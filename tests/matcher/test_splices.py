"""Openings added and dropped after the fit (a splice) give what a full build on the same pool gives.

The candidate index, the curve-order copy and the rule tally are renumbered, not rebuilt, and
the shortlists, counts, near misses, why-nots and explanations on them are those of a refit.
"""

from __future__ import annotations

import copy
import dataclasses
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Matcher, candidates, pipeline
from matcher.records import opening_from_record
from matcher.types import Opening
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world


@pytest.fixture(autouse=True)
def _candidate_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)  # small worlds: the candidate path
    monkeypatch.setattr(candidates, "MAX_LAYERS", 4)  # the tally is rebuilt after a few updates too


def _fresh(rng: random.Random, j: int, id_: str) -> Opening:
    """A new opening under ``id_``, with things the pool may lack: a new employer, free skill, words."""
    record = worlds.random_opening_record(rng, j)
    record["id"] = id_
    record["required_skills"] = [*record["required_skills"], f"custom skill {rng.randint(0, 9)}"]
    if rng.random() < 0.5:
        record["employer"] = f"Brand New Employer {rng.randint(0, 99)}"
        record["title"] = f"{record['title']} zanzibar{rng.randint(0, 9)}"
    return opening_from_record(record)


def _same_answers(incremental: Matcher, pool: dict[str, Opening], world: worlds.World) -> None:
    full = Matcher(text_model=incremental.text_model).fit(list(pool.values()), as_of=worlds.AS_OF)
    assert incremental.index.ids == full.index.ids
    for near in (3, 0):
        kwargs = {"k": 5, "blocked": world.blocked, "explain_exclusions": False, "near_misses": near}
        assert incremental.recommend(world.clients, **kwargs) == full.recommend(world.clients, **kwargs)
    assert incremental.recommend(world.clients[:2], k=5) == full.recommend(world.clients[:2], k=5)
    client = world.clients[0]
    assert incremental.exclusions(client, limit=1000) == full.exclusions(client, limit=1000)
    for some in sorted(pool)[::7]:
        assert incremental.explain(client, some) == full.explain(client, some)


def _apply(engine: Matcher, pool: dict[str, Opening], upserts: list[Opening], removed: set[str]) -> None:
    engine.update_openings(upserts, removed)
    pool.update({o.id: o for o in upserts if o.id not in removed})
    for i in removed:
        pool.pop(i, None)


@pytest.mark.parametrize("seed", range(4))
def test_added_and_dropped_openings_keep_the_candidate_structures_and_the_answers(seed: int) -> None:
    rng = random.Random(seed)
    world = spread_world(seed, n_clients=6, n_openings=50)
    pool = {o.id: o for o in world.openings}
    incremental = Matcher().fit(list(pool.values()), as_of=worlds.AS_OF)
    for step in range(5):
        before = copy.copy(incremental)
        old = before.recommend(world.clients, k=5, explain_exclusions=False, near_misses=3)
        ids = sorted(pool)
        # ids that sort anywhere among the indexed ones, replaced ids, and dropped ones
        added = [
            _fresh(rng, 100 * step + k, f"{rng.choice(ids)}-{step}{k}") for k in range(rng.randint(1, 3))
        ]
        replaced = [_fresh(rng, 100 * step + 50 + k, i) for k, i in enumerate(rng.sample(ids, 2))]
        removed = set(rng.sample(ids, rng.randint(0, 3)))
        _apply(incremental, pool, added + replaced, removed)
        assert incremental._candidates is not None, "an update keeps the candidate index (renumbered)"
        spatial = incremental._spatial_
        assert spatial is not None and spatial.source is incremental.index, "not rebuilt"
        _same_answers(incremental, pool, world)
        assert incremental._spatial_ is spatial  # the shortlists used the spliced copy
        # the copy taken before the update still answers on the old pool
        assert before.recommend(world.clients, k=5, explain_exclusions=False, near_misses=3) == old


def test_closing_every_opening_then_adding_one_back(small_matcher: Matcher) -> None:
    m = copy.copy(small_matcher)
    pool = {o.id: o for o in m.index.openings}
    client = worlds.client()
    _apply(m, pool, [], set(pool))
    assert m.index.ids == () and m.recommend([client], k=5, explain_exclusions=False)[0].suggestions == ()
    back = small_matcher.index.openings[0]
    _apply(m, pool, [back], set())
    got = m.recommend([client], k=5, explain_exclusions=False, near_misses=3)
    full = Matcher(text_model=m.text_model).fit([back], as_of=small_matcher.index.as_of)
    assert got == full.recommend([client], k=5, explain_exclusions=False, near_misses=3)


_OPS = st.lists(
    st.tuples(st.sampled_from(["add", "replace", "drop", "edit"]), st.integers(0, 10_000)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS, seed=st.integers(0, 3))
def test_any_sequence_of_updates_gives_what_a_refit_gives(ops: list[tuple[str, int]], seed: int) -> None:
    world = spread_world(seed, n_clients=4, n_openings=30)
    pool = {o.id: o for o in world.openings}
    incremental = Matcher().fit(list(pool.values()), as_of=worlds.AS_OF)
    rng = random.Random(seed)
    for k, (op, n) in enumerate(ops):
        ids = sorted(pool)
        some = ids[n % len(ids)] if ids else None
        if op == "add" or some is None:
            _apply(incremental, pool, [_fresh(rng, n, f"{some or 'O'}-x{k}")], set())
        elif op == "replace":
            _apply(incremental, pool, [_fresh(rng, n, some)], set())
        elif op == "drop":
            _apply(incremental, pool, [], {some})
        else:  # an edit within the vocabularies: patched in place
            o = pool[some]
            _apply(
                incremental, pool, [dataclasses.replace(o, hourly_wage=(o.hourly_wage or 15.0) + 1)], set()
            )
    _same_answers(incremental, pool, world)


def test_rows_appended_past_a_view_are_never_seen_by_its_holders() -> None:
    first = candidates.grown(np.arange(4), np.array([4]))
    second = candidates.grown(first, np.array([5]))  # the latest view: written into the spare rows
    assert second.base is first.base and first.tolist() == [0, 1, 2, 3, 4]
    other = candidates.grown(first, np.array([9]))  # another update of the same version: copied
    assert other.tolist() == [0, 1, 2, 3, 4, 9] and second.tolist() == [0, 1, 2, 3, 4, 5]
