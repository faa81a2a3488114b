"""Opening changes patch the fitted matcher: the next shortlist reflects them, without a refit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import api.matching
from api.deps import get_matcher
from api.matching import MatcherCache
from matcher.assembly import build_matcher, trained_text_model
from tests.api.conftest import Api, World, opening_details


@pytest.fixture
def cache(api: Api) -> Iterator[MatcherCache]:
    """A cache of our own (trained text model, refit after 2 changes), injected where routes get theirs."""
    own = MatcherCache(text_model=trained_text_model()[0], refit_after=2)
    api.app.dependency_overrides[get_matcher] = lambda: own
    yield own
    api.app.dependency_overrides.pop(get_matcher)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the full builds of the engine by the service (one entry per build)."""
    calls: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(args[0]))
        return build_matcher(*args, **kwargs)

    monkeypatch.setattr(api.matching, "build_matcher", counting)
    return calls


def _shortlist(api: Api, world: World, client_id: str, employer: str) -> dict[str, Any]:
    response = api.get(
        f"/clients/{client_id}/shortlist", world.headers["spec1"], params={"k": 10, "employer_id": employer}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _titles(body: dict[str, Any]) -> dict[str, str]:
    return {s["opening_id"]: s["title"] for s in body["suggestions"]}


def test_an_edit_shows_in_the_next_shortlist_without_a_refit(
    api: Api, world: World, cache: MatcherCache, builds: list[int]
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    openings = [api.create_opening(h, employer) for _ in range(3)]
    client = api.create_client(world.headers["spec1"])["id"]
    before = _shortlist(api, world, client, employer)
    edited = openings[0]
    assert edited["id"] in _titles(before)
    details = opening_details(title="Prep cook", hourly_wage=21)
    body = {"version": edited["version"], "details": details}
    response = api.put(f"/openings/{edited['id']}", h, json=body)
    assert response.status_code == 200, response.text
    after = _shortlist(api, world, client, employer)
    assert _titles(after)[edited["id"]] == "Prep cook"
    assert builds == [3] and (cache.n_fits, cache.n_updates) == (1, 1)  # patched, not refitted


def test_a_closed_opening_leaves_the_next_shortlist_without_a_refit(
    api: Api, world: World, cache: MatcherCache, builds: list[int]
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    openings = [api.create_opening(h, employer) for _ in range(3)]
    client = api.create_client(world.headers["spec1"])["id"]
    before = _shortlist(api, world, client, employer)
    closed = before["suggestions"][0]["opening_id"]
    assert before["n_considered"] == 3
    assert api.post(f"/openings/{closed}/close", h).status_code == 200
    after = _shortlist(api, world, client, employer)
    assert closed not in _titles(after) and after["suggestions"]
    assert set(_titles(after)) <= {o["id"] for o in openings} and after["n_considered"] == 2
    assert builds == [3] and cache.n_updates == 1  # the first fit only: the close was patched in


def test_after_enough_changes_a_background_refit_swaps_in_the_same_answers(
    api: Api, world: World, cache: MatcherCache, builds: list[int]
) -> None:
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    first = api.create_opening(h, employer)
    client = api.create_client(world.headers["spec1"])["id"]
    _shortlist(api, world, client, employer)
    added = [api.create_opening(h, employer) for _ in range(3)]
    patched = _shortlist(api, world, client, employer)  # 3 changes > 2: a refit starts
    cache.wait_for_refits(timeout=60)
    assert builds == [1, 4] and cache.n_fits == 2
    refitted = _shortlist(api, world, client, employer)
    assert cache.n_updates == 1  # nothing changed since the refit read the pool
    assert set(_titles(patched)) <= {first["id"], *(o["id"] for o in added)}
    assert patched["n_considered"] == 4
    strip = ("recommendation_id", "created_at", "at")
    same = [{k: v for k, v in b.items() if k not in strip} for b in (patched, refitted)]
    assert same[0]["suggestions"] == same[1]["suggestions"]
    # the patched pool and the refitted one are the same pool version, stored once
    assert patched["pool_hash"] == refitted["pool_hash"]


def _refitted(api: Api, world: World, client: str, employer: str, cache: MatcherCache) -> dict[str, Any]:
    """The shortlist from a cache of its own (a full fit of the current openings)."""
    fresh = MatcherCache(text_model=cache.text_model)
    api.app.dependency_overrides[get_matcher] = lambda: fresh
    try:
        return _shortlist(api, world, client, employer)
    finally:
        api.app.dependency_overrides[get_matcher] = lambda: cache


def test_each_patched_pool_is_the_pool_a_full_fit_gives(api: Api, world: World, cache: MatcherCache) -> None:
    """Edits, a close and a reopen (back to its stored place) patched in: the same shortlist and
    pool version as a fresh fit of the same openings."""
    cache.refit_after = 100  # no background refit meanwhile
    h = world.headers["liaison1"]
    employer = api.create_employer(h)["id"]
    openings = [api.create_opening(h, employer) for _ in range(4)]
    client = api.create_client(world.headers["spec1"])["id"]
    _shortlist(api, world, client, employer)
    edited = api.get(f"/openings/{openings[1]['id']}", h).json()
    details = opening_details(title="Prep cook", hourly_wage=19)
    body = {"version": edited["version"], "details": details}
    assert api.put(f"/openings/{edited['id']}", h, json=body).status_code == 200
    steps = [
        lambda: None,  # the edit above
        lambda: api.post(f"/openings/{openings[0]['id']}/close", h),
        lambda: api.post(f"/openings/{openings[0]['id']}/reopen", h),
    ]
    strip = ("recommendation_id", "created_at", "at")
    for step in steps:
        response = step()
        assert response is None or response.status_code == 200, response.text
        patched = _shortlist(api, world, client, employer)
        refitted = _refitted(api, world, client, employer, cache)
        assert {k: v for k, v in patched.items() if k not in strip} == {
            k: v for k, v in refitted.items() if k not in strip
        }
    assert cache.n_fits == 1 and cache.n_updates == 3  # every change was patched in
