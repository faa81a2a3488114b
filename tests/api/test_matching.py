"""The cache of fitted matchers: least recently used pools are evicted, concurrent requests fit once."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref

import pytest

from api.matching import MatcherCache
from api.schemas import ShortlistFilters
from tests.api.conftest import Api, World

AS_OF = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def employers(api: Api, world: World) -> list[str]:
    """Three employers with one opening each: three filtered pools, three cache keys."""
    h = world.headers["liaison1"]
    ids = [api.create_employer(h, name=f"Cache Co {i}")["id"] for i in range(3)]
    for employer in ids:
        api.create_opening(h, employer)
    return ids


def test_the_least_recently_used_pool_is_evicted(api: Api, employers: list[str]) -> None:
    cache = MatcherCache(max_entries=2)
    a, b, c = (ShortlistFilters(employer_ids=[e]) for e in employers)

    def get(filters: ShortlistFilters) -> int:
        with api.session() as session:
            cache.get(session, as_of=AS_OF, filters=filters)
        return cache.n_fits

    assert [get(a), get(b), get(a)] == [1, 2, 2]  # a hit: a is now the most recently used
    assert get(c) == 3  # evicts b, the least recently used
    assert get(a) == 3
    assert get(b) == 4  # b was evicted: fitted again


def test_concurrent_requests_for_one_pool_fit_it_once(api: Api, employers: list[str]) -> None:
    cache = MatcherCache()
    filters = ShortlistFilters(employer_ids=employers[:1])
    fitted, errors = [], []

    def work() -> None:
        try:
            with api.session() as session:
                fitted.append(cache.get(session, as_of=AS_OF, filters=filters))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and cache.n_fits == 1
    assert all(f is fitted[0] for f in fitted)


class _Cycle:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_an_evicted_pool_is_freed_by_a_later_fit_even_with_reference_cycles(
    api: Api, employers: list[str]
) -> None:
    # Each full fit freezes the heap (api.matching); a pool evicted while frozen must not stay
    # frozen for the life of the process, or a service fitting a pool a day would only grow.
    cache = MatcherCache(max_entries=1)
    a, b, c = (ShortlistFilters(employer_ids=[e]) for e in employers)
    with api.session() as session:
        first = cache.get(session, as_of=AS_OF, filters=a)
    cycle = _Cycle()
    first.matcher.held_cycle = cycle  # type: ignore[attr-defined]  # hangs a cycle on the pool
    gone = weakref.ref(cycle)
    del first, cycle
    try:
        with api.session() as session:
            cache.get(session, as_of=AS_OF, filters=b)  # evicts a's pool (frozen by its fit)
            cache.get(session, as_of=AS_OF, filters=c)  # the next full fit thaws and collects
        assert gone() is None
    finally:
        gc.unfreeze()  # leave the test process's collector as other tests expect it
