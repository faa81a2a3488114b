"""The nightly digest's options for a client left with no suggestion include what would open more."""

from __future__ import annotations

import pytest

from api.rematch import finish
from api.rematch.finish import MAX_CHANGES, NEAR_MISSES, _options, options_of
from matcher import Matcher
from matcher.options import change_to_dict, what_would_open
from matcher.serialize import near_miss_to_dict
from tests.api.conftest import Api
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world


def test_a_client_with_no_suggestion_is_told_what_would_open_more(api: Api) -> None:
    # the only opening pays $14 an hour; the client's floor is $15
    matcher = Matcher().fit([worlds.opening(id="O-LOW", hourly_wage=14.0)], as_of=worlds.AS_OF)
    client = worlds.client(id="C-NOWHERE", wage_floor=15.0)
    with api.session() as session:
        options = _options(session, matcher, [client], k=5)["C-NOWHERE"]
    assert options["exclusion_counts"] == {"WAGE_BELOW_FLOOR": 1}
    (change,) = options["changes"]
    assert change["code"] == "WAGE_BELOW_FLOOR" and change["n_opened"] == 1
    assert [b["opening_id"] for b in change["best"]] == ["O-LOW"]
    assert change["text"].startswith("With a wage floor of $14.00 an hour instead of $15.00")


def test_the_digest_gives_each_client_what_it_alone_would_get(monkeypatch: pytest.MonkeyPatch) -> None:
    # options_of takes the clients in map order, a chunk at a time: each still gets its own
    monkeypatch.setattr(finish, "CHUNK_SIZE", 2)
    world = spread_world(4, n_clients=9, n_openings=70)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    blocked = {c.id: list(world.blocked.get(c.id, ())) for c in world.clients}
    found = options_of(matcher, world.clients, blocked=blocked, k=3)
    assert set(found) == {c.id for c in world.clients}
    for client in world.clients:
        (shortlist,) = matcher.recommend(
            [client], k=3, blocked=blocked, explain_exclusions=False, near_misses=NEAR_MISSES
        )
        mine = found[client.id]
        assert mine["exclusion_counts"] == dict(shortlist.exclusion_counts)
        assert mine["near_misses"] == [near_miss_to_dict(m) for m in shortlist.near_misses]
        alone = what_would_open(matcher, client, blocked=blocked)[:MAX_CHANGES]
        assert mine["changes"] == [change_to_dict(ch) for ch in alone]
