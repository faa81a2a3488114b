"""A change's client record, now made only when a rule reads it or the change opens something.

Each change's client must still be the client's own record with that one change made (the
specialist's tools re-check it), and the answers of one client those of a block of several.
"""

from __future__ import annotations

import dataclasses

import pytest

from matcher import Matcher
from matcher.options import what_would_open, what_would_open_many
from matcher.types import Client
from tests.matcher import worlds
from tests.matcher.worlds import random_world

# The record field each kind of change changes.
_FIELD = {
    "commute_limit": {"max_commute_minutes"},
    "learn_mode": {"modes"},
    "min_hours": {"min_hours"},
    "max_hours": {"max_hours"},
    "availability": {"availability"},
    "wage_floor": {"wage_floor"},
    "disclose": {"discloses"},
}
_EXCLUSIONS = {"excluded_industries", "excluded_employers", "excluded_keywords", "avoid_background_check"}


def _changed_fields(before: Client, after: Client) -> set[str]:
    return {f.name for f in dataclasses.fields(Client) if getattr(before, f.name) != getattr(after, f.name)}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_each_change_carries_the_client_record_with_that_one_change(seed: int) -> None:
    world = random_world(seed, n_clients=6, n_openings=60, strict=0.7)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    seen = set()
    for client, changes in zip(
        world.clients, what_would_open_many(matcher, world.clients, blocked=world.blocked), strict=True
    ):
        alone = what_would_open(matcher, client, blocked=world.blocked)
        assert alone == changes
        for change in changes:
            fields = _changed_fields(client, change.client)
            assert len(fields) == 1
            assert fields <= _FIELD.get(change.kind, _EXCLUSIONS)
            seen.add(change.kind)
    assert seen  # the comparison means something
