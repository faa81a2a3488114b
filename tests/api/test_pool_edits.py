"""A pool version after edits in place, cut again only around the edited openings, is the one a
full build gives: the same chunks, the same hash."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from api.audit.pools import PoolVersion


def _hashes(seeds: list[int]) -> list[str]:
    # about one in four a boundary (``00``), so edits move boundaries often
    return [("00" if s % 4 == 0 else "a1") + hashlib.sha256(str(s).encode()).hexdigest()[2:] for s in seeds]


@settings(max_examples=200, deadline=None)
@given(
    seeds=st.lists(st.integers(0, 10_000), max_size=60),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=8),
    memo=st.booleans(),
)
def test_an_edited_pool_is_the_pool_built_afresh(
    seeds: list[int], edits: list[tuple[int, int]], memo: bool
) -> None:
    hashes = _hashes(seeds)
    snapshots = [{"id": f"O-{k}"} for k in range(len(hashes))]
    chunks: dict[tuple[str, ...], str] | None = {} if memo else None
    before = PoolVersion.build(hashes, snapshots, chunks)
    after = list(hashes)
    changed = set()
    for where, seed in edits if hashes else []:
        i = where % len(hashes)
        after[i] = _hashes([seed])[0]
        changed.add(i)
    edited = before.edited(after, snapshots, changed, chunks)
    built = PoolVersion.build(after, snapshots)
    assert (edited.chunks, edited.hash) == (list(built.chunks), built.hash)
