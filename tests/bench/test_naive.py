"""The naive benchmark baseline computes what the engine computes: pair by pair against the oracle.

``bench.naive`` is timed as the first-attempt baseline of the nightly
benchmark; it is only a fair baseline if it does the same work, so each of its
pair scores (NaN when a hard constraint fails) must equal the plain-loop
reference's (``tests/matcher/reference.py``).
"""

from __future__ import annotations

import math

import pytest

from bench import naive
from matcher import Matcher
from matcher.vocab import load_vocabulary
from tests.matcher import worlds
from tests.matcher.reference import Reference
from tests.matcher.worlds import AS_OF, random_world


@pytest.mark.parametrize("seed", range(6))
def test_naive_pairs_equal_the_reference(seed: int) -> None:
    world = random_world(seed, n_clients=6, n_openings=30, strict=0.5)
    matcher = Matcher().fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    ref = Reference(as_of=AS_OF, text_model=matcher.text_model, config=matcher.config)
    vocab, n_feasible = load_vocabulary(), 0
    for c in world.clients:
        for o in world.openings:
            want = ref.pair(c, o)
            got = naive.score_pair(c, o, AS_OF, matcher.text_model, vocab, matcher.config)
            where = f"{world.label}: {c.id} x {o.id} ({sorted(want.failed)})"
            if want.feasible:
                n_feasible += 1
                assert got == pytest.approx(want.score, abs=1e-6), where
            else:
                assert math.isnan(got), where
    assert 0 < n_feasible < len(world.clients) * len(world.openings)


def test_a_remote_job_meets_a_required_remote_work_need_in_the_naive_matcher_too() -> None:
    """The drift this test was written for: remote jobs always offer remote work."""
    client = worlds.client(accommodations={"remote_work": "required"})
    remote = worlds.opening(location=None, remote=True, offered_to_all=[])
    matcher = Matcher().fit([remote], as_of=AS_OF)
    assert matcher.text_model is not None
    score = naive.score_pair(client, remote, AS_OF, matcher.text_model, load_vocabulary(), matcher.config)
    assert not math.isnan(score)
