"""The sparse row products behind the factors: the numpy path for a few pairs gives scipy's bits."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from matcher import scoring


def scipy_rowdot(a: sp.csr_matrix, b: sp.csr_matrix, ci: np.ndarray, ji: np.ndarray) -> np.ndarray:
    """The plain formula: gather both sides' rows, multiply, sum each row."""
    return np.asarray(a[ci].multiply(b[ji]).sum(axis=1), dtype=np.float64).ravel()


@pytest.mark.parametrize("seed", range(40))
def test_a_few_pairs_give_the_same_bits_as_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_a, n_b, width = (int(x) for x in rng.integers(1, [30, 200, 120]))
    # dense rows too (over 8 products a row, where numpy's summation order matters)
    a = sp.random(n_a, width, density=rng.uniform(0, 0.6), format="csr", dtype=np.float32, rng=rng)
    b = sp.random(n_b, width, density=rng.uniform(0, 0.6), format="csr", dtype=np.float32, rng=rng)
    n = int(rng.integers(1, 2_000))
    ci, ji = rng.integers(0, n_a, n), rng.integers(0, n_b, n)
    want = scipy_rowdot(a, b, ci, ji).view(np.int64)
    for got in (scoring._rowdot_small(a, b, ci, ji), scoring._rowdot(a, b, ci, ji)):
        assert got.dtype == np.float64
        assert np.array_equal(got.view(np.int64), want)


def test_rows_without_common_columns_give_zero() -> None:
    a = sp.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=np.float32))
    b = sp.csr_matrix(np.array([[0.0, 2.0, 3.0], [4.0, 0.0, 0.0]], dtype=np.float32))
    got = scoring._rowdot(a, b, np.array([0, 0, 1]), np.array([0, 1, 1]))
    assert got.tolist() == [0.0, 4.0, 0.0]
