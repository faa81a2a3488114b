"""The interactive shortlist scores only the openings within reach, with the same result.

``Matcher.recommend(..., explain_exclusions=False)`` asks a BallTree (built at
fit) for the openings within the clients' reach plus the remote ones and
scores only those. On random worlds whose openings are spread over several
metro areas, the shortlist equals the one scored against every opening and
the plain-loop reference's feasible set; openings left out count under
``COMMUTE_TOO_LONG``, which every one of them fails, and under every other rule
they fail (``candidates.RuleTally``): the counts equal those of scoring every opening.
"""

from __future__ import annotations

import dataclasses
import inspect
import random
import re

import numpy as np
import pytest

from matcher import Matcher, MatcherConfig, candidates, pipeline
from matcher.candidates import CandidateIndex, radians, reach_km
from matcher.config import RankingConfig
from matcher.constraints import RULES, Failed
from matcher.types import Location, Opening
from tests.matcher.reference import Reference
from tests.matcher.worlds import AS_OF, World, random_world

WIDE = MatcherConfig(ranking=RankingConfig(max_per_employer=10_000))
TOO_FAR = int(Failed.COMMUTE_TOO_LONG)


def spread_world(seed: int, n_clients: int = 6, n_openings: int = 60) -> World:
    """A random world with part of its openings moved 20-400 km away in random directions."""
    world = random_world(seed, n_clients, n_openings)
    rng = random.Random(seed)
    moved: list[Opening] = []
    for o in world.openings:
        if o.location is not None and rng.random() < 0.6:
            d = rng.choice([0.2, 0.5, 1.0, 3.0])  # degrees
            loc = Location(o.location.lat + rng.uniform(-d, d), o.location.lon + rng.uniform(-d, d))
            o = dataclasses.replace(o, location=loc)
        moved.append(o)
    return dataclasses.replace(world, openings=moved, label=f"spread_world({seed})")


def _full(matcher: Matcher) -> Matcher:
    """The same fitted engine without its candidate index: scores every opening."""
    other = Matcher(matcher.config, vocab=matcher.vocab, text_model=matcher.text_model)
    other.index_ = matcher.index_
    return other


@pytest.fixture(autouse=True)
def _always_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)  # small worlds: never fall back


@pytest.mark.parametrize("seed", range(8))
def test_candidates_give_the_same_shortlists(seed: int) -> None:
    world = spread_world(seed)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    full = _full(matcher)
    for k in (3, len(world.openings)):
        fast = matcher.recommend(world.clients, k=k, blocked=world.blocked, explain_exclusions=False)
        slow = full.recommend(world.clients, k=k, blocked=world.blocked, explain_exclusions=False)
        scored = full.score(world.clients, blocked=world.blocked)
        cols = matcher._candidate_columns(world.clients, None)  # one chunk: the union of its clients'
        assert cols is not None
        for i, (a, b) in enumerate(zip(fast, slow, strict=True)):
            assert a.suggestions == b.suggestions, world.label  # ids, ranks, scores, contributions, texts
            assert (a.n_considered, a.n_excluded) == (b.n_considered, b.n_excluded)
            left_out = np.setdiff1d(np.arange(len(world.openings)), cols)
            assert np.all(scored.codes[i][left_out] & TOO_FAR), "an opening left out must be out of reach"
            assert a.exclusion_counts == b.exclusion_counts  # every rule counted over every opening


def test_some_openings_are_left_out() -> None:
    """The spread worlds do exercise the query (else the test above would prove nothing)."""
    world = spread_world(1)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    hits = [matcher._candidate_columns([c], None) for c in world.clients]
    assert min(len(h) for h in hits if h is not None) < len(world.openings)
    union = matcher._candidate_columns(world.clients, None)
    assert union is not None and len(union) < len(world.openings)


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_candidates_suggest_exactly_the_reference_feasible_pairs(seed: int) -> None:
    world = spread_world(seed)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=WIDE)
    shortlists = matcher.recommend(
        world.clients, k=len(world.openings), blocked=world.blocked, explain_exclusions=False
    )
    for c, sl in zip(world.clients, shortlists, strict=True):
        expected = {o.id: ref.pair(c, o, blocked=world.blocked.get(c.id, ())) for o in world.openings}
        assert {s.opening_id for s in sl.suggestions} == {o for o, r in expected.items() if r.feasible}
        for s in sl.suggestions:
            assert abs(s.score - expected[s.opening_id].score) <= 0.005 + 1e-9
        assert sl.n_excluded == sum(not r.feasible for r in expected.values())


def test_explanations_of_all_exclusions_score_every_opening() -> None:
    world = spread_world(2)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    fast = matcher.recommend(world.clients, blocked=world.blocked)
    slow = _full(matcher).recommend(world.clients, blocked=world.blocked)
    assert fast == slow


def test_updates_fold_into_the_query() -> None:
    """Moving, appending and removing openings after the fit: queries see the current places."""
    world = spread_world(4)
    matcher = Matcher(WIDE).fit(world.openings, as_of=AS_OF)
    index = matcher.index
    cand = CandidateIndex.build(index, live_only=False)
    home = world.clients[0]
    point, reach = radians([home]), reach_km([home], WIDE.commute)
    before = cand.query(point, reach)[0]
    far = [j for j in range(len(index.ids)) if j not in set(before.tolist())]
    near = [int(j) for j in before if not index.remote[j] and np.linalg.norm(index.xyz[j]) > 0.5]
    assert far and near
    # move a far opening to the client's home and a near one far away (as a patched index would)
    xyz = index.xyz.copy()
    xyz[[far[0], near[0]]] = index.xyz[[near[0], far[0]]]
    patched = dataclasses.replace(index, xyz=xyz)
    cand.update(patched, [far[0], near[0]])
    after = cand.query(point, reach)[0]
    assert far[0] in after and near[0] not in after
    assert np.all(np.diff(after) > 0)
    cand.remove([far[0]])
    assert far[0] not in cand.query(point, reach)[0]
    assert CandidateIndex.build(patched, live_only=False).query(point, reach)[0].tolist() == after.tolist()


def test_each_rule_declares_every_opening_field_its_test_reads() -> None:
    """``Rule.per_opening`` must name all it reads of an opening, or the counts could be wrong."""
    vocabularies = {"shift_patterns", "employers", "skill_terms", "word_vocab", "position", "ids"}
    for rule in RULES:
        if rule.per_opening:
            read = set(re.findall(r"\bp\.index\.(\w+)", inspect.getsource(rule.fails)))
            assert read <= set(rule.per_opening) | vocabularies, rule.name


def test_a_rule_declaring_nothing_sends_counts_to_the_full_scan() -> None:
    assert candidates.countable()  # the table as it is: every rule counted
    wage = next(r for r in RULES if r.code is Failed.WAGE_BELOW_FLOOR)
    assert not candidates.countable([*RULES, dataclasses.replace(wage, per_opening=())])
