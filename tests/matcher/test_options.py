"""What would open more options: every change re-checked by the engine on the changed client.

A change claims the openings it opens; the engine, scoring the changed client from its record,
must find exactly those feasible beyond the client's current ones, and at least one.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from matcher import Matcher, demo, pipeline
from matcher.commute import TravelTimes
from matcher.geo import haversine_km
from matcher.options import (
    Change,
    change_to_dict,
    options_reach,
    shortlists_and_options,
    what_would_open,
    what_would_open_many,
)
from matcher.records import load_clients, load_openings
from matcher.types import Client
from tests.matcher import worlds
from tests.matcher.test_candidates import spread_world
from tests.matcher.worlds import SEEDS, WORLD_SETTINGS, World, random_world


def _feasible(matcher: Matcher, client: Client, world: World, times: TravelTimes | None = None) -> set[str]:
    codes = matcher.score([client], blocked=world.blocked, travel_times=times).codes[0]
    return {matcher.index.ids[j] for j in np.flatnonzero(codes == 0).tolist()}


def _check(world: World, times: TravelTimes | None = None) -> int:
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    proposed = 0
    for client in world.clients:
        before = _feasible(matcher, client, world, times)
        for change in what_would_open(matcher, client, blocked=world.blocked, travel_times=times):
            opened = _feasible(matcher, change.client, world, times) - before
            assert change.n_opened >= 1, change.text
            assert set(change.opening_ids) == opened, change.text
            assert change.n_opened == len(change.opening_ids)
            assert {o.opening_id for o in change.best} <= opened
            proposed += 1
    return proposed


@settings(max_examples=12, **WORLD_SETTINGS)
@given(SEEDS)
def test_each_change_opens_what_the_engine_finds_on_the_changed_client(seed: int) -> None:
    _check(random_world(seed, n_clients=5, n_openings=50, strict=0.7))


@settings(max_examples=8, **WORLD_SETTINGS)
@given(SEEDS)
def test_changes_hold_beyond_the_commute_reach(seed: int) -> None:
    # openings 20-400 km away: the geographic candidates must cover every change's reach
    _check(spread_world(seed, n_clients=5, n_openings=60))


@settings(max_examples=6, **WORLD_SETTINGS)
@given(SEEDS)
def test_changes_hold_with_router_travel_times(seed: int) -> None:
    world = spread_world(seed, n_clients=4, n_openings=40)
    _check(world, _table(world, seed))


def _table(world: World, seed: int) -> TravelTimes:
    """Router minutes for about a third of the world's pairs, by the clients' own modes."""
    rng = random.Random(seed)
    rows = [
        (c.id, o.id, mode, float(rng.choice([10, 40, 55, 70, 200])))
        for c in world.clients
        for o in world.openings
        for mode in c.modes
        if rng.random() < 0.3
    ]
    return TravelTimes.from_frame(pd.DataFrame(rows, columns=["client_id", "opening_id", "mode", "minutes"]))


def test_tight_worlds_get_proposals_of_several_kinds() -> None:
    kinds: set[str] = set()
    for seed in range(6):
        world = random_world(seed, n_clients=6, n_openings=60, strict=0.9)
        matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
        for client in world.clients:
            kinds |= {c.kind for c in what_would_open(matcher, client, blocked=world.blocked)}
    assert {"commute_limit", "remove_exclusion"} <= kinds
    assert len(kinds) >= 4


def test_ranked_by_openings_then_best_score() -> None:
    world = random_world(3, n_clients=6, n_openings=60, strict=0.9)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    for client in world.clients:
        changes = what_would_open(matcher, client, blocked=world.blocked)
        keys = [(-c.n_opened, -c.best_score) for c in changes]
        assert keys == sorted(keys)


def test_disclosure_is_stated_as_a_fact_with_its_count() -> None:
    client = worlds.client(accommodations={"quiet_workspace": "required"}, discloses=False)
    on_request = worlds.opening(id="O-1", on_request=["quiet_workspace"])
    offered = worlds.opening(id="O-2", offered_to_all=["quiet_workspace"])
    matcher = Matcher().fit([on_request, offered], as_of=worlds.AS_OF)
    (change,) = [c for c in what_would_open(matcher, client) if c.kind == "disclose"]
    assert change.opening_ids == ("O-1",)
    said = change_to_dict(change)
    assert said["text"] == "If the client chose to disclose to employers, 1 more opening would fit"
    assert "client's own choice" in said["note"]
    assert "should" not in said["text"] + said["note"]


def test_disclosure_counts_the_not_stated_ones_and_says_so() -> None:
    client = worlds.client(accommodations={"quiet_workspace": "required"}, discloses=False)
    unstated = worlds.opening(id="O-1")  # the employer does not mention a quiet workspace
    matcher = Matcher().fit([unstated], as_of=worlds.AS_OF)
    (change,) = [c for c in what_would_open(matcher, client) if c.kind == "disclose"]
    assert change.opening_ids == ("O-1",)
    assert "not stated by the employer and to ask about" in change_to_dict(change)["note"]


def test_a_client_with_every_opening_feasible_gets_no_change() -> None:
    client = worlds.client(wage_floor=0.0, min_hours=0, max_hours=40)
    matcher = Matcher().fit([worlds.opening()], as_of=worlds.AS_OF)
    assert what_would_open(matcher, client) == ()


def _as_data(changes: tuple[Change, ...]) -> list[tuple[object, ...]]:
    return [(c.kind, c.text, c.client, c.n_opened, c.best, c.opening_ids) for c in changes]


@settings(max_examples=6, **WORLD_SETTINGS)
@given(SEEDS)
def test_options_after_a_shortlist_equal_options_on_their_own(seed: int) -> None:
    # what_would_open reuses the scored block of the client's shortlist just computed
    # (Matcher.client_block); another client's, or other rejections, must not leak in
    world = spread_world(seed, n_clients=4, n_openings=60)
    alone = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    after = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    first = world.clients[0]
    for share in (pipeline.CANDIDATE_SHARE, 1.0):  # blocks of every opening, and of the candidates
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pipeline, "CANDIDATE_SHARE", share)
            for client in world.clients:
                expected = _as_data(what_would_open(alone, client, blocked=world.blocked))
                alone.client_block(first, reach=0.0)  # a block of someone else in between
                for shortlisted, blocked in ((client, world.blocked), (first, world.blocked), (client, None)):
                    after.recommend(
                        [shortlisted], k=3, blocked=blocked, explain_exclusions=False, near_misses=2
                    )
                    assert _as_data(what_would_open(after, client, blocked=world.blocked)) == expected


@settings(max_examples=6, **WORLD_SETTINGS)
@given(SEEDS)
def test_a_shortlist_widened_to_the_options_reach_is_the_same_and_its_block_is_reused(seed: int) -> None:
    # the API widens the shortlist's candidate search when options are asked (api.shortlists):
    # the shortlist must not change, and the options start from that very block
    world = spread_world(seed, n_clients=4, n_openings=60)
    plain = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    widened = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    for share in (pipeline.CANDIDATE_SHARE, 1.0):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pipeline, "CANDIDATE_SHARE", share)
            for client in world.clients:
                (expected,) = plain.recommend(
                    [client], k=3, blocked=world.blocked, explain_exclusions=False, near_misses=2
                )
                expected_changes = _as_data(what_would_open(plain, client, blocked=world.blocked))
                reach = options_reach(widened, client)
                [((shortlist,), block)] = widened.recommend_blocks(
                    [client],
                    3,
                    reach=np.array([reach]),
                    blocked=world.blocked,
                    explain_exclusions=False,
                    near_misses=2,
                )
                assert shortlist == expected
                assert widened.client_block(client, reach=reach, blocked=world.blocked) is block
                assert _as_data(what_would_open(widened, client, blocked=world.blocked)) == expected_changes


def test_a_block_holds_every_opening_within_its_reach() -> None:
    world = spread_world(5, n_clients=4, n_openings=80)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)
        for client in world.clients:
            full = matcher.score([client], blocked=world.blocked).codes[0]
            for reach in (5.0, 40.0, 150.0):
                block = matcher.client_block(client, reach=reach, blocked=world.blocked)
                held = {
                    block.index.ids[j]: int(block.scored.codes[0, j]) for j in range(len(block.index.ids))
                }
                for o in world.openings:
                    if o.location is None or o.remote or haversine_km(client.home, o.location) <= reach:
                        assert held[o.id] == int(full[matcher.index.position[o.id]])
                assert block.reach[0] >= reach


@settings(max_examples=6, **WORLD_SETTINGS)
@given(SEEDS)
def test_options_of_many_clients_at_once_equal_options_one_at_a_time(seed: int) -> None:
    # the nightly digest asks them a block of clients at a time: chunks of any size, with and
    # without a router table, must give each client exactly its own changes
    world = spread_world(seed, n_clients=7, n_openings=60)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    for times in (None, _table(world, seed)):
        one = [
            _as_data(what_would_open(matcher, c, blocked=world.blocked, travel_times=times))
            for c in world.clients
        ]
        for chunk in (1, 3, 64):
            many = what_would_open_many(
                matcher, world.clients, blocked=world.blocked, travel_times=times, chunk_size=chunk
            )
            assert [_as_data(changes) for changes in many] == one


def test_options_of_a_generated_caseload_at_once_equal_options_one_at_a_time() -> None:
    raw_clients, raw_openings = demo.generate(11, n_clients=90, n_openings=900, metros=3)
    clients, openings = load_clients(raw_clients)[0], load_openings(raw_openings)[0]
    matcher = Matcher().fit(openings, as_of=demo.DEMO_AS_OF)
    one = [_as_data(what_would_open(matcher, c)) for c in clients]
    many = [_as_data(changes) for changes in what_would_open_many(matcher, clients)]
    assert sum(map(len, one)) > len(clients)  # most clients get changes: the comparison means something
    assert many == one


def _each_alone(
    matcher: Matcher, clients: list[Client], blocked: dict[str, list[str]], times: TravelTimes | None
) -> list[tuple[object, ...]]:
    """Per client, its shortlist (no why-nots, 3 near misses) and its changes, asked alone."""
    out: list[tuple[object, ...]] = []
    for c in clients:
        (shortlist,) = matcher.recommend(
            [c], k=3, blocked=blocked, explain_exclusions=False, near_misses=3, travel_times=times
        )
        out.append((shortlist, _as_data(what_would_open(matcher, c, blocked=blocked, travel_times=times))))
    return out


@settings(max_examples=6, **WORLD_SETTINGS)
@given(SEEDS)
def test_shortlists_and_options_from_one_scoring_equal_each_asked_alone(seed: int) -> None:
    # the nightly digest scores each chunk once for both (Matcher.recommend_blocks, widened to
    # the changes' reach): each client must still get its own shortlist and its own changes,
    # whether a chunk is scored around its clients (share 1.0) or against every opening
    world = spread_world(seed, n_clients=7, n_openings=60)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    for share in (pipeline.CANDIDATE_SHARE, 1.0):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pipeline, "CANDIDATE_SHARE", share)
            for times in (None, _table(world, seed)):
                alone = _each_alone(matcher, world.clients, world.blocked, times)
                for chunk in (1, 3, 64):
                    both = shortlists_and_options(
                        matcher,
                        world.clients,
                        k=3,
                        blocked=world.blocked,
                        near_misses=3,
                        travel_times=times,
                        chunk_size=chunk,
                    )
                    assert [(s, _as_data(changes)) for s, changes in both] == alone


def test_shortlists_and_options_of_a_generated_caseload_equal_each_asked_alone() -> None:
    raw_clients, raw_openings = demo.generate(11, n_clients=90, n_openings=900, metros=3)
    clients, openings = load_clients(raw_clients)[0], load_openings(raw_openings)[0]
    matcher = Matcher().fit(openings, as_of=demo.DEMO_AS_OF)
    alone = _each_alone(matcher, clients, {}, None)
    both = shortlists_and_options(matcher, clients, k=3, near_misses=3, chunk_size=32)
    assert sum(len(changes) for _, changes in both) > len(clients)  # the comparison means something
    assert [(s, _as_data(changes)) for s, changes in both] == alone
