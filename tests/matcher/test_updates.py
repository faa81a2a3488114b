"""Incremental index updates (append / patch / drop) give what a full build on the same pool gives."""

from __future__ import annotations

import copy
import dataclasses
import random

import pytest

from matcher import Matcher, candidates, pipeline
from matcher.records import opening_from_record
from matcher.types import Opening, Status
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world


def _variant(rng: random.Random, o: Opening, j: int) -> Opening:
    """Another opening under the same id: new employer, title, skills (some free phrases), shifts..."""
    record = worlds.random_opening_record(rng, j)
    record["id"] = o.id
    record["required_skills"] = [*record["required_skills"], f"custom skill {rng.randint(0, 3)}"]
    return opening_from_record(record)


def _step(rng: random.Random, pool: dict[str, Opening], j0: int) -> tuple[list[Opening], set[str]]:
    """Random upserts (new and patched openings) and removals of one update."""
    ids = sorted(pool)
    patched = [_variant(rng, pool[i], j0 + k) for k, i in enumerate(rng.sample(ids, min(3, len(ids))))]
    new = [_variant(rng, worlds.opening(id=f"N-{j0 + k:03d}"), j0 + k) for k in range(rng.randint(0, 4))]
    removed = set(rng.sample(ids, min(rng.randint(0, 3), len(ids)))) | {"O-unknown"}
    upserts = [o for o in patched + new if o.id not in removed]
    rng.shuffle(upserts)
    return upserts, removed


@pytest.mark.parametrize("seed", range(6))
def test_updates_then_recommend_equal_a_full_build(seed: int) -> None:
    rng = random.Random(seed)
    world = worlds.random_world(seed, n_clients=6, n_openings=30)
    pool = {o.id: o for o in world.openings[:20]}
    incremental = Matcher().fit(list(pool.values()), as_of=worlds.AS_OF)
    for step in range(3):
        upserts, removed = _step(rng, pool, 100 * (step + 1))
        incremental.update_openings(upserts, removed)
        pool.update({o.id: o for o in upserts})
        for i in removed:
            pool.pop(i, None)
        # the same fitted text model: everything else must be identical
        full = Matcher(text_model=incremental.text_model).fit(list(pool.values()), as_of=worlds.AS_OF)
        assert incremental.index.ids == full.index.ids
        got = incremental.recommend(world.clients, k=5, blocked=world.blocked)
        assert got == full.recommend(world.clients, k=5, blocked=world.blocked), world.label
        client, some = world.clients[0], full.index.ids[0]
        assert incremental.explain(client, some) == full.explain(client, some)
    gone = sorted(pool)[::3]  # drops only
    incremental.update_openings([], gone)
    full = Matcher(text_model=incremental.text_model).fit(
        [o for i, o in pool.items() if i not in gone], as_of=worlds.AS_OF
    )
    got = incremental.recommend(world.clients, k=5, blocked=world.blocked)
    assert got == full.recommend(world.clients, k=5, blocked=world.blocked), world.label


def test_a_copy_taken_before_an_update_keeps_the_old_pool(small_matcher: Matcher) -> None:
    before = copy.copy(small_matcher)
    ids = before.index.ids
    after = copy.copy(small_matcher)
    cook = after.index.openings[after.index.position["O-cook"]]
    after.update_openings([dataclasses.replace(cook, hourly_wage=30.0)], {"O-dish"})
    assert before.index.ids == ids and "O-dish" in before.index.position
    assert "O-dish" not in after.index.position
    assert after.index.wage[after.index.position["O-cook"]] == 30.0


def test_a_closed_opening_is_dropped_and_a_new_one_suggested(small_matcher: Matcher) -> None:
    m = copy.copy(small_matcher)
    client = worlds.client()
    shown = [s.opening_id for s in m.recommend([client], k=10)[0].suggestions]
    m.update_openings([worlds.opening(id="O-new", title="Dishwasher", employer="New Diner")], {shown[0]})
    after = m.recommend([client], k=10)[0]
    ids = [s.opening_id for s in after.suggestions]
    assert shown[0] not in ids and "O-new" in ids
    assert after.n_considered == len(small_matcher.index.ids)


def _edits(rng: random.Random, pool: dict[str, Opening]) -> list[Opening]:
    """Edits of indexed openings within the pool's vocabularies: another opening's content under the
    id, its wage, status, place or hours changed (what a specialist's edit of an opening does)."""
    ids = sorted(pool)
    out = []
    for i in rng.sample(ids, rng.randint(1, 3)):
        other = pool[i] if rng.random() < 0.4 else pool[rng.choice(ids)]  # its own content: a wage edit
        edit = dataclasses.replace(
            other, id=i, hourly_wage=round(other.hourly_wage + rng.choice([-2, 0, 3]), 2)
        )
        if edit.location is not None and rng.random() < 0.5:
            loc = dataclasses.replace(edit.location, lat=edit.location.lat + rng.uniform(-0.3, 0.3))
            edit = dataclasses.replace(edit, location=loc)
        if rng.random() < 0.3:
            edit = dataclasses.replace(edit, status=rng.choice(list(Status)))
        out.append(edit)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_edits_patched_in_place_give_what_a_full_build_gives(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits that keep every id and vocabulary entry are written over the rows, candidates kept."""
    monkeypatch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)  # small worlds: the candidate path
    monkeypatch.setattr(candidates, "MAX_LAYERS", 3)  # the tally is rebuilt after a few patches too
    rng = random.Random(seed)
    world = spread_world(seed, n_clients=6, n_openings=50)
    pool = {o.id: o for o in world.openings}
    incremental = Matcher().fit(list(pool.values()), as_of=worlds.AS_OF)
    for _ in range(5):
        before = copy.copy(incremental)
        old = before.recommend(
            world.clients, k=5, blocked=world.blocked, explain_exclusions=False, near_misses=3
        )
        edits = _edits(rng, pool)
        incremental.update_openings(edits)
        assert incremental._candidates is not None, "an edit keeps the candidate index (patched)"
        pool.update({o.id: o for o in edits})
        full = Matcher(text_model=incremental.text_model).fit(list(pool.values()), as_of=worlds.AS_OF)
        for kwargs in ({"near_misses": 3}, {"near_misses": 0}):
            got = incremental.recommend(
                world.clients, k=5, blocked=world.blocked, explain_exclusions=False, **kwargs
            )
            assert got == full.recommend(
                world.clients, k=5, blocked=world.blocked, explain_exclusions=False, **kwargs
            )
        client, some = world.clients[0], edits[0].id
        assert incremental.explain(client, some) == full.explain(client, some)
        assert incremental.exclusions(client, limit=1000) == full.exclusions(client, limit=1000)
        # the copy taken before the edit still answers on the old pool
        assert (
            before.recommend(
                world.clients, k=5, blocked=world.blocked, explain_exclusions=False, near_misses=3
            )
            == old
        )
