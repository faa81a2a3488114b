"""Gathers by ``take`` and by flat position give what the fancy indexing they replace gives.

The API's call reads rows of (J, D) arrays and cells of (C, J) ones for a few thousand pairs;
``take`` and flat positions are several times faster than ``a[ji]`` and ``a[ci, ji]`` and must
read the same cells, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher import Matcher, scoring
from matcher.commute import estimate, pair_nonzero
from matcher.constraints import failed_codes
from matcher.constraints.pairs import AllPairs
from tests.matcher import worlds


@pytest.mark.parametrize("shape", [(0, 4), (3, 0), (1, 1), (1, 500), (7, 300)])
def test_pair_nonzero_is_numpys_nonzero(shape: tuple[int, int]) -> None:
    mask = np.random.default_rng(shape[0] * 1000 + shape[1]).random(shape) > 0.6
    rows, cols = pair_nonzero(mask)
    want_rows, want_cols = np.nonzero(mask)
    assert rows.dtype == want_rows.dtype and cols.dtype == want_cols.dtype
    assert np.array_equal(rows, want_rows) and np.array_equal(cols, want_cols)


def test_a_lookup_by_take_is_the_fancy_column_gather() -> None:
    world = worlds.random_world(5, n_clients=4, n_openings=120)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    batch = matcher._client_batch(world.clients, matcher.index)
    table = np.random.default_rng(1).random((4, 9)) > 0.5
    key = np.random.default_rng(2).integers(0, 9, len(matcher.index.ids))
    for rows in (None, np.array([1, 3])):
        pairs = AllPairs(batch, matcher.index, rows=rows)
        want = table[:, key] if rows is None else table[rows][:, key]
        assert np.array_equal(pairs.lookup(table, key), want)


def test_gaps_and_riasec_read_the_same_cells_as_fancy_indexing() -> None:
    world = worlds.random_world(11, n_clients=6, n_openings=250, unstated=0.3)
    matcher = Matcher().fit(world.openings, as_of=worlds.AS_OF)
    index, config = matcher.index, matcher.config
    batch = matcher._client_batch(world.clients, index)
    trip = estimate(batch, index, config=config.commute)
    codes = failed_codes(batch, index, trip, blocked=world.blocked)
    ci, ji = np.nonzero(codes == 0)
    gap, left = scoring.cognitive_gaps(batch, index, config.scoring, ci, ji)
    want_gap = np.nan_to_num(np.maximum(index.demands[ji] - batch.capacity[ci], 0.0))
    offset = index.offset[ji, batch.discloses[ci].astype(np.intp)]
    want_left = np.maximum(want_gap - config.scoring.offset_levels * offset, 0.0)
    assert gap.tobytes() == want_gap.tobytes() and left.tobytes() == want_left.tobytes()
    r_c, r_j = batch.riasec_centred[ci], index.riasec_centred[ji]
    parts = scoring.preference_parts(batch, index, config.scoring, ci, ji)
    want_riasec = np.clip(((r_c * r_j).sum(axis=1) + 1.0) / 2.0, 0.0, 1.0)
    assert parts["riasec"][0].tobytes() == want_riasec.tobytes()
