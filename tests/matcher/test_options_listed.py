"""The options' shortcuts give what the whole computations give.

The changed commutes estimated over just the listed pairs (``matcher.options_commute``) equal
the whole block's estimate at those pairs, and the options handed the shortlist's reach equal
the options that compute it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings

from matcher import Matcher, commute
from matcher.options import options_reach, what_would_open
from matcher.options_commute import listed_commute
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world
from tests.matcher.worlds import SEEDS, WORLD_SETTINGS


@settings(max_examples=10, **WORLD_SETTINGS)
@given(SEEDS)
def test_the_listed_pairs_commute_is_the_whole_estimate_at_those_pairs(seed: int) -> None:
    world = spread_world(seed, n_clients=5, n_openings=60)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    config = matcher.config.commute
    modes = list(config.modes)
    changed = [  # longer limits and every mode: what the commute changes try
        dataclasses.replace(c, max_commute_minutes=c.max_commute_minutes + extra, modes=tuple(modes))
        for c in world.clients
        for extra in (0, 30)
    ]
    batch = matcher._client_batch(changed, matcher.index)
    whole = commute.estimate(batch, matcher.index, config=config)
    rng = np.random.default_rng(seed)
    ri, ji = np.nonzero(rng.random(whole.minutes.shape) < 0.5)
    minutes, mode, feasible = listed_commute(batch, matcher.index, ri, ji, config=config)
    assert np.array_equal(minutes, whole.minutes[ri, ji])
    assert np.array_equal(mode, whole.mode[ri, ji])
    assert np.array_equal(feasible, whole.feasible[ri, ji])


@settings(max_examples=6, **WORLD_SETTINGS)
@given(SEEDS)
def test_options_handed_the_reach_equal_options_computing_it(seed: int) -> None:
    world = spread_world(seed, n_clients=4, n_openings=60)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    for client in world.clients:
        own = what_would_open(matcher, client, blocked=world.blocked)
        handed = what_would_open(matcher, client, blocked=world.blocked, reach=options_reach(matcher, client))
        assert [(c.kind, c.text, c.client, c.n_opened, c.best, c.opening_ids) for c in handed] == [
            (c.kind, c.text, c.client, c.n_opened, c.best, c.opening_ids) for c in own
        ]
