"""The options' faster paths give the answers of the plain ones.

A chunk widened to the options' reach is scored around its clients whatever share of the
openings that is (``Matcher.recommend_blocks``); one client's changes start from its whole
block (no columns gathered). Both must leave shortlists and changes as scoring every opening.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher import Matcher, pipeline
from matcher.options import Change, options_reach, shortlists_and_options, what_would_open
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world


def _as_data(changes: tuple[Change, ...]) -> list[tuple[object, ...]]:
    return [(c.kind, c.rule, c.text, c.client, c.n_opened, c.best, c.opening_ids) for c in changes]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_widened_chunk_over_the_share_is_scored_around_its_clients_with_the_same_answers(seed: int) -> None:
    world = spread_world(seed, n_clients=6, n_openings=60)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "CANDIDATE_SHARE", 0.0)  # every plain call scores every opening
        alone = []
        for c in world.clients:
            (shortlist,) = matcher.recommend(
                [c], k=3, blocked=world.blocked, explain_exclusions=False, near_misses=3
            )
            alone.append((shortlist, _as_data(what_would_open(matcher, c, blocked=world.blocked))))
        reach = np.array([options_reach(matcher, c) for c in world.clients])
        [(_, block)] = matcher.recommend_blocks(
            world.clients, 3, reach=reach, blocked=world.blocked, explain_exclusions=False, chunk_size=64
        )
        both = shortlists_and_options(matcher, world.clients, k=3, blocked=world.blocked, near_misses=3)
    assert block.index is not matcher.index  # a selection around the clients, at any share
    assert [(s, _as_data(changes)) for s, changes in both] == alone
    assert any(changes for _, changes in alone)  # the comparison means something
