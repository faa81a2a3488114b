"""Soft factors in [0, 1] and the weighted 0-100 score, for the feasible pairs only.

Hard constraints are checked first on the whole (clients x openings) block;
factors are then computed on the list of feasible pairs ``(ci, ji)`` (a small
share of all pairs in practice), as flat arrays. Score = 100 * sum_f w[c, f] *
factor_f, so the per-factor contributions ``100 * w * factor`` add up to the
score by construction; excluded pairs get NaN. The formulas are in the README
("The factors and the score").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from matcher import geo, memo
from matcher.commute import Commute, mode_parts, trip_situations
from matcher.config import FACTORS, CommuteConfig, ScoringConfig
from matcher.features import ClientBatch, OpeningIndex
from matcher.interests import occupation_met
from matcher.types import available

PREFERENCE_PARTS = ("phrases", "text", "industry", "riasec")

Part = tuple[np.ndarray, np.ndarray]  # (value, available), each of shape (P,)


class PairFactors:
    """Factor values of the feasible pairs, indexed like a dense (F, C, J) array (NaN elsewhere).

    No (C, J) array is made: a pair is found by its key ``row * J + col`` among the
    feasible pairs' keys, which are sorted (the pairs are listed row by row).
    """

    def __init__(self, values: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_cols: int) -> None:
        self.values = values  # (F, P)
        self.rows, self.cols = rows, cols  # (P,) each, row-major order
        self.n_cols = n_cols
        self._keys = rows.astype(np.int64) * n_cols + cols

    def position(self, rows: Any, cols: Any) -> np.ndarray:
        """Position of pairs in the pair list, -1 where a pair is not feasible."""
        wanted = np.asarray(rows, dtype=np.int64) * self.n_cols + np.asarray(cols, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._keys, wanted), max(len(self._keys) - 1, 0))
        found = self._keys[at] == wanted if len(self._keys) else np.zeros(np.shape(wanted), dtype=bool)
        return np.where(found, at, -1)

    def __getitem__(self, key: tuple[Any, Any, Any]) -> Any:
        k, rows, cols = key
        pos = self.position(rows, cols)
        found = self.values[k, np.maximum(pos, 0)] if self.values.shape[1] else np.full(np.shape(pos), np.nan)
        return np.where(pos >= 0, found, np.nan)


class Scores:
    """Per-client weights (C, F) and the factors and scores of the feasible pairs.

    ``total[p]`` is the score of pair ``(factors.rows[p], factors.cols[p])``; :attr:`score`
    spreads them over a dense (C, J) array (NaN where not feasible), made only when read.
    """

    __slots__ = ("_dense", "factors", "shape", "total", "weights")

    def __init__(self, factors: PairFactors, weights: np.ndarray, total: np.ndarray, shape: tuple[int, int]):
        self.factors = factors
        self.weights = weights
        self.total = total
        self.shape = shape
        self._dense: np.ndarray | None = None

    @property
    def score(self) -> np.ndarray:
        """(C, J) scores, NaN where not feasible."""
        if self._dense is None:
            dense = np.full(self.shape, np.nan)
            dense[self.factors.rows, self.factors.cols] = self.total
            self._dense = dense
        return self._dense

    def pair_factors(self, c: int, j: int) -> np.ndarray:
        """(F,) factor values of one pair (NaN if it is excluded)."""
        pos = int(self.factors.position(c, j))
        return self.factors.values[:, pos] if pos >= 0 else np.full(len(FACTORS), np.nan)

    def contributions(self, c: int, j: int) -> dict[str, float]:
        """Points each factor adds to the score of pair (c, j)."""
        points = 100.0 * self.weights[c] * self.pair_factors(c, j)
        return {f: float(points[k]) for k, f in enumerate(FACTORS)}


# Below this many products to look at (``b``'s entries in the pairs' rows) the row products
# are gathered with numpy: scipy's fancy indexing costs ~0.2 ms a call whatever the size,
# and its compiled loops win above (measured: areas and skills, ~1 entry a row, gain up to
# 60k pairs; text rows, ~46 entries, up to ~1k pairs for one client).
NUMPY_ROWDOT_ENTRIES = 25_000


def _rowdot(a: sp.csr_matrix, b: sp.csr_matrix, ci: np.ndarray, ji: np.ndarray) -> np.ndarray:
    """Row-wise dot products a[ci[p]] . b[ji[p]] of two sparse matrices.

    Both ways give the same bits: the nonzero products of each pair in column order,
    summed by ``np.add.reduceat`` (as scipy's ``sum(axis=1)`` of a CSR matrix does).
    """
    if len(ci) == 0:
        return np.zeros(0)
    entries = int(b.indptr[ji + 1].sum() - b.indptr[ji].sum())
    canonical = a.has_canonical_format and b.has_canonical_format
    by_column = memo.known(BY_COLUMN, (b.indices, b.data))
    source = memo.known(TEXT_ROWS_OF, (b.indices, b.data))  # b's rows: rows of a fitted index's
    if canonical and by_column is None and isinstance(source, tuple):
        parent, rows = source
        parent_by_column = memo.known(BY_COLUMN, (parent.indices, parent.data))
        if isinstance(parent_by_column, sp.csc_matrix) and _dense_fits(a, parent.shape[0], ci):
            terms = _entries(a.indptr, np.unique(ci))
            columns = a.indices[terms]
            postings = int((parent_by_column.indptr[columns + 1] - parent_by_column.indptr[columns]).sum())
            if postings < entries:
                return _rowdot_dense(a, parent_by_column, ci, rows[ji])
    if canonical and isinstance(by_column, sp.csc_matrix):
        terms = _entries(a.indptr, np.unique(ci))
        if int((by_column.indptr[a.indices[terms] + 1] - by_column.indptr[a.indices[terms]]).sum()) < entries:
            if _dense_fits(a, b.shape[0], ci):
                return _rowdot_dense(a, by_column, ci, ji)
            return _rowdot_by_column(a, by_column, ci, ji, terms)
    if entries < NUMPY_ROWDOT_ENTRIES and canonical:
        return _rowdot_small(a, b, ci, ji)
    return np.asarray(a[ci].multiply(b[ji]).sum(axis=1), dtype=np.float64).ravel()


#: The :mod:`matcher.memo` name of a matrix's CSC copy (:func:`index_by_column`).
BY_COLUMN = "by_column"
#: ``matcher.candidates.TEXT_ROWS_OF``: a selection's text rows as rows of the fitted index's.
TEXT_ROWS_OF = "text_rows_of"


def index_by_column(b: sp.csr_matrix) -> None:
    """Keep a CSC copy of ``b`` so row products with it read only the columns the other side has.

    For the fitted index's text rows: one client's few words meet a few thousand openings
    in their posting lists, where the pairs' rows hold ~46 words each.
    """
    memo.derived(BY_COLUMN, (b.indices, b.data), lambda: _sorted_csc(b))


def _sorted_csc(b: sp.csr_matrix) -> sp.csc_matrix:
    out = b.tocsc()
    out.sort_indices()
    return out


def _entries(indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions of the stored entries of ``rows``, row by row, in storage order."""
    starts = indptr[rows].astype(np.intp)
    lens = indptr[rows + 1].astype(np.intp) - starts
    ends = np.cumsum(lens)
    out: np.ndarray = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts - (ends - lens), lens)
    return out


def _rowdot_by_column(
    a: sp.csr_matrix, b: sp.csc_matrix, ci: np.ndarray, ji: np.ndarray, terms: np.ndarray
) -> np.ndarray:
    """:func:`_rowdot` from ``b``'s columns: each of ``a``'s entries ``terms`` meets its posting list.

    Each pair's products come in column order (``a``'s rows are canonical, and a stable sort
    by pair keeps it), so the sums are :func:`_rowdot_small`'s, bit for bit.
    """
    n = b.shape[0]
    keys, inverse = np.unique(ci.astype(np.int64) * n + ji, return_inverse=True)  # each pair once
    p = len(keys)
    term_row = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))[terms]
    columns = a.indices[terms]
    lens = (b.indptr[columns + 1] - b.indptr[columns]).astype(np.intp)
    hits = _entries(b.indptr, columns)
    hit_keys = np.repeat(term_row.astype(np.int64) * n, lens) + b.indices[hits]
    at = np.minimum(np.searchsorted(keys, hit_keys), max(p - 1, 0))
    wanted = np.flatnonzero(keys[at] == hit_keys) if p else np.zeros(0, dtype=np.intp)
    by_pair = wanted[np.argsort(at[wanted], kind="stable")]
    product = np.repeat(a.data[terms], lens)[by_pair] * b.data[hits[by_pair]]
    pair = at[by_pair]
    kept = product != 0  # scipy stores no zero product
    pair, product = pair[kept], product[kept]
    counts = np.bincount(pair, minlength=p)
    nonempty = np.flatnonzero(counts)
    sums = np.zeros(p, dtype=np.result_type(a.dtype, b.dtype))
    if len(nonempty):
        sums[nonempty] = np.add.reduceat(product, (np.cumsum(counts) - counts)[nonempty])
    out: np.ndarray = sums[inverse].astype(np.float64)
    return out


#: :func:`_rowdot_dense` keeps (rows of ``a`` x rows of ``b``) sums: at most this many.
DENSE_ROWDOT_CELLS = 1 << 22
# np.add.reduceat adds a segment's first value to the sum of the rest, and sums fewer than 8
# values one after the other (numpy's pairwise sum starts there): so up to this many products a
# pair, a running sum from the second product on gives its bits.
_SEQUENTIAL_SUM = 8


def _dense_fits(a: sp.csr_matrix, n_b: int, ci: np.ndarray) -> bool:
    """:func:`_rowdot_dense` applies: few enough rows of ``a`` asked for, each of few entries."""
    rows = np.unique(ci)
    if len(rows) * n_b > DENSE_ROWDOT_CELLS:
        return False
    return int((a.indptr[rows + 1] - a.indptr[rows]).max(initial=0)) <= _SEQUENTIAL_SUM


def _rowdot_dense(a: sp.csr_matrix, b: sp.csc_matrix, ci: np.ndarray, ji: np.ndarray) -> np.ndarray:
    """:func:`_rowdot` for a few rows of ``a`` of at most 8 entries each, from ``b``'s columns.

    Each of ``a``'s entries meets its posting list of ``b`` (a row of ``b``'s transpose) and adds
    into dense per-row sums over all of ``b``'s rows; no pair is looked up. The products of a
    pair come in column order (``a``'s rows are canonical); the first non-zero one is kept apart
    and the later ones summed from 0, then added to it: ``np.add.reduceat``'s order for up to
    8 values, so the bits of :func:`_rowdot_small` (scipy stores no zero product).
    """
    rows, slot = np.unique(ci, return_inverse=True)
    n = b.shape[0]
    dtype = np.result_type(a.dtype, b.dtype)
    first = np.zeros((len(rows), n), dtype=dtype)
    rest = np.zeros((len(rows), n), dtype=dtype)
    seen = np.zeros((len(rows), n), dtype=bool)
    for k, r in enumerate(rows.tolist()):
        for e in range(int(a.indptr[r]), int(a.indptr[r + 1])):
            col = int(a.indices[e])
            lo, hi = int(b.indptr[col]), int(b.indptr[col + 1])
            product = a.data[e] * b.data[lo:hi]
            at = b.indices[lo:hi]
            kept = product != 0
            at, product = at[kept], product[kept]
            again = seen[k, at]
            first[k, at[~again]] = product[~again]
            rest[k, at[again]] += product[again]  # a column's rows are distinct: no repeats
            seen[k, at] = True
    out: np.ndarray = (first[slot, ji] + rest[slot, ji]).astype(np.float64)
    return out


def _rowdot_small(a: sp.csr_matrix, b: sp.csr_matrix, ci: np.ndarray, ji: np.ndarray) -> np.ndarray:
    """:func:`_rowdot` for a few pairs: ``b``'s rows expanded, ``a``'s looked up in a dense copy."""
    p = len(ci)
    out = np.zeros(p, dtype=np.result_type(a.dtype, b.dtype))  # scipy's dtype for products and sums
    starts = b.indptr[ji].astype(np.intp)
    lens = b.indptr[ji + 1].astype(np.intp) - starts
    n = int(lens.sum())
    if n == 0 or a.nnz == 0:
        return out.astype(np.float64)
    columns = np.unique(a.indices)  # a's few columns, numbered 0..U-1
    column_of = np.full(a.shape[1], -1, dtype=np.intp)
    column_of[columns] = np.arange(len(columns))
    dense = np.zeros((a.shape[0], len(columns)), dtype=a.dtype)
    dense[np.repeat(np.arange(a.shape[0]), np.diff(a.indptr)), column_of[a.indices]] = a.data
    ends = np.cumsum(lens)
    pos = np.arange(n) + np.repeat(starts - (ends - lens), lens)  # b's entries, pair by pair
    u = column_of[b.indices[pos]]
    hit = np.flatnonzero(u >= 0)
    pair = np.repeat(np.arange(p), lens)[hit]
    product = dense.reshape(-1).take(ci[pair] * len(columns) + u[hit]) * b.data[pos[hit]]  # dense[ci, u]
    kept = product != 0  # scipy stores no zero product
    pair, product = pair[kept], product[kept]
    counts = np.bincount(pair, minlength=p)
    nonempty = np.flatnonzero(counts)
    if len(nonempty):
        out[nonempty] = np.add.reduceat(product, (np.cumsum(counts) - counts)[nonempty])
    return out.astype(np.float64)


def preference_parts(
    clients: ClientBatch,
    index: OpeningIndex,
    config: ScoringConfig,
    ci: np.ndarray,
    ji: np.ndarray,
    *,
    text: bool = True,
) -> dict[str, Part]:
    """Each preference part for the pairs: value and whether both sides gave something.

    ``text=False`` takes the text similarity at its maximum, 1, without computing it.
    """
    has_areas = (
        (np.asarray(clients.areas.getnnz(axis=1)) > 0) | (clients.interest_occupations >= 0).any(axis=1)
    )[ci]
    has_query = np.asarray(clients.query.getnnz(axis=1) > 0)[ci]
    industry = index.industry_code[ji]
    has_industry = np.asarray(clients.industries.any(axis=1))[ci]
    liked = np.zeros(len(ci))
    known = industry >= 0
    liked[known] = clients.industries[ci[known], industry[known]]
    # an interest meets a job of its kind of work, or any job of an employer in its field ("retail")
    met = _rowdot(clients.areas, index.areas, ci, ji) > 0
    met |= occupation_met(clients.interest_occupations, index.occupation, ci, ji)  # named through the store
    met[known] |= clients.interest_industries[ci[known], industry[known]]
    r_c, r_j = clients.riasec_centred.take(ci, axis=0), index.riasec_centred.take(ji, axis=0)
    return {
        "phrases": (met.astype(np.float64), has_areas),
        "text": (
            np.minimum(_rowdot(clients.query, index.text, ci, ji) / config.text_full_match, 1.0)
            if text
            else np.ones(len(ci)),
            has_query,
        ),
        "industry": (liked, has_industry),
        "riasec": (
            np.clip(((r_c * r_j).sum(axis=1) + 1.0) / 2.0, 0.0, 1.0),
            clients.has_riasec[ci] & index.has_riasec[ji],
        ),
    }


def preference(parts: dict[str, Part], config: ScoringConfig) -> np.ndarray:
    """Blend of the parts the client gave; with none at all, neutral."""
    blend = config.preference_blend
    num = np.zeros(len(parts["phrases"][0]))
    den = np.zeros_like(num)
    for name in PREFERENCE_PARTS:
        value, given = parts[name]
        num += blend[name] * np.where(given, value, 0.0)
        den += blend[name] * given
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), config.neutral)


def strengths(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig, ci: np.ndarray, ji: np.ndarray
) -> np.ndarray:
    """Coverage of required and preferred skills, plus a bonus for related past jobs."""
    n_req, n_pref = index.n_req[ji], index.n_pref[ji]
    req_cov = np.divide(
        _rowdot(clients.skills, index.req_skills, ci, ji), n_req, out=np.zeros(len(ci)), where=n_req > 0
    )
    pref_cov = np.divide(
        _rowdot(clients.skills, index.pref_skills, ci, ji), n_pref, out=np.zeros(len(ci)), where=n_pref > 0
    )
    share = np.where(n_pref > 0, np.where(n_req > 0, config.required_skill_share, 0.0), 1.0)
    coverage = np.where(n_req + n_pref > 0, share * req_cov + (1 - share) * pref_cov, config.neutral)
    past = _rowdot(clients.past_areas, index.areas, ci, ji) > 0
    result: np.ndarray = np.minimum(coverage + config.past_title_bonus * past, 1.0)
    return result


def _flat_rows(offset: np.ndarray) -> np.ndarray:
    """A (J, 2, D) array as (2 J, D): row ``2 * j + d`` is ``offset[j, d]`` (a view when contiguous)."""
    return offset.reshape(offset.shape[0] * offset.shape[1], *offset.shape[2:])


def cognitive_gaps(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig, ci: np.ndarray, ji: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(P, D) demand-above-capacity gaps, before and after accommodation offsets.

    An unknown demand or an unrated capacity measures no gap.
    """
    # rows gathered with ``take``: the same values as ``[ji]``, several times faster for 2-D arrays
    gap = np.maximum(index.demands.take(ji, axis=0) - clients.capacity.take(ci, axis=0), 0.0)
    gap = np.nan_to_num(gap, copy=False)
    # offset[ji, discloses[ci]]: row 2 * j + d of the (2 J, D) view, by the client's disclosure
    offset = _flat_rows(index.offset).take(ji * 2 + clients.discloses[ci].astype(np.intp), axis=0)
    return gap, np.maximum(gap - config.offset_levels * offset, 0.0)


def cognitive(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig, ci: np.ndarray, ji: np.ndarray
) -> np.ndarray:
    """1 - (gaps left after accommodations + a small cost per unknown demand) / tolerance."""
    left = cognitive_gaps(clients, index, config, ci, ji)[1].sum(axis=1)
    unknown = index.n_unknown_demands[ji]
    result: np.ndarray = np.clip(
        1.0 - (left + config.unknown_gap * unknown) / config.cognitive_tolerance, 0.0, 1.0
    )
    return result


def accommodation(clients: ClientBatch, index: OpeningIndex, ci: np.ndarray, ji: np.ndarray) -> np.ndarray:
    """Share of the client's *preferred* accommodations the job gives them (1 if none)."""
    if len(clients.clients) == 1:  # only the client's preferred accommodations are read
        wanted = np.flatnonzero(clients.preferred[0])
        if not len(wanted):
            return np.ones(len(ci))
        given = available(index.offer[ji[:, None], wanted], bool(clients.discloses[0]))
        n = np.full(len(ci), len(wanted))
        out: np.ndarray = np.divide(given.sum(axis=1), n, out=np.ones(len(ci)), where=n > 0)
        return out
    pref = clients.preferred.take(ci, axis=0)
    given = available(index.offer.take(ji, axis=0), clients.discloses[ci, None])
    n = pref.sum(axis=1)
    result: np.ndarray = np.divide((pref & given).sum(axis=1), n, out=np.ones(len(ci)), where=n > 0)
    return result


def commute_fit(
    clients: ClientBatch,
    commute: Commute,
    config: CommuteConfig,
    ci: np.ndarray,
    ji: np.ndarray,
    *,
    index: OpeningIndex | None = None,
    scoring: ScoringConfig | None = None,
) -> np.ndarray:
    """1 for no commute, falling linearly to ``fit_at_limit`` at the client's limit.

    With ``index`` and ``scoring``: an unknown location takes ``unknown_fit`` (at most
    ``fit_at_limit``, the least a reachable place gives); a location known to a place's centre
    only loses ``uncertain_commute_cost_per_km`` per km of its radius (capped, never below the
    fit at the limit).
    """
    minutes = commute.minutes[ci, ji]
    if index is not None:
        minutes = _minutes_at_unknown_shifts(clients, index, commute, config, ci, ji, minutes)
    share = np.minimum(minutes / clients.limit[ci], 1.0)
    fit = np.where(np.isfinite(share), 1.0 - (1.0 - config.fit_at_limit) * share, 0.0)
    if index is None or scoring is None:
        return fit
    cost = np.minimum(
        scoring.uncertain_commute_cost_per_km * index.location_radius[ji], scoring.uncertain_commute_cost_max
    )
    fit = np.maximum(fit - cost, np.minimum(fit, config.fit_at_limit))
    unknown = min(scoring.unknown_fit, config.fit_at_limit)
    result: np.ndarray = np.where(index.located[ji], fit, unknown)
    return result


def _minutes_at_unknown_shifts(
    clients: ClientBatch,
    index: OpeningIndex,
    commute: Commute,
    config: CommuteConfig,
    ci: np.ndarray,
    ji: np.ndarray,
    minutes: np.ndarray,
) -> np.ndarray:
    """The commute a pair with unstated shift times is scored on: the worst a passing shift gives.

    Feasibility takes every mode to run at its fastest hour (an unknown never excludes); the
    score does not take that best case. A shift could start at any hour and end after a mode's
    service hours: of every such situation (``commute.trip_situations``) whose quickest running
    mode still reaches within the limit, the slowest counts, so stating any passing shift never
    lowers the opening. A router's or table's time (it knows the timetable) counts at every hour.
    """
    unknown = np.flatnonzero(~index.shifts_known[ji] & index.located[ji] & ~index.remote[ji])
    if not len(unknown):
        return minutes
    c, j = ci[unknown], ji[unknown]
    a, b = clients.xyz.take(c, axis=0), index.xyz.take(j, axis=0)
    km = geo.arc_km(a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2])
    modes = list(config.modes.items())
    parts: dict[int, tuple[np.ndarray, float, np.ndarray, np.ndarray]] = {}
    for m, (name, mode) in enumerate(modes):
        has = clients.modes[c, m]
        if not has.any():
            continue
        fixed, moving = mode_parts(mode, km)
        parts[m] = (
            has,
            fixed,
            moving,
            _routed_minutes(commute.overrides.get(name, {}), len(index.ids), c, j),
        )
    limit = clients.limit[c]
    worst = np.full(len(unknown), -np.inf)
    present = list(parts)  # the situations of these clients' own modes: fewer, the same answer
    situations = {tuple(s[m] for m in present) for s in trip_situations(tuple(mode for _, mode in modes))}
    for situation in situations:  # the slowest counts: any order gives the same
        quickest = np.full(len(unknown), np.inf)
        for factor, (has, fixed, moving, routed) in zip(situation, parts.values(), strict=True):
            times = np.full(len(unknown), np.inf) if factor is None else fixed + factor * moving
            times = np.where(np.isnan(routed), times, routed)
            quickest = np.where(has, np.minimum(quickest, times), quickest)
        worst = np.where(quickest <= limit, np.maximum(worst, quickest), worst)
    out = minutes.copy()
    out[unknown] = np.maximum(minutes[unknown], worst)
    return out


def _routed_minutes(
    routed: Mapping[tuple[int, int], float], n: int, c: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """A router's or table's minutes of the pairs ``(c[p], j[p])``, NaN where it has none."""
    out = np.full(len(c), np.nan)
    if not routed:
        return out
    keys = np.array([a * n + b for a, b in routed], dtype=np.int64)
    order = np.argsort(keys)
    keys, values = keys[order], np.array(list(routed.values()))[order]
    wanted = c.astype(np.int64) * n + j
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    hit = keys[at] == wanted
    out[hit] = values[at[hit]]
    return out


def schedule_fit(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig, ci: np.ndarray, ji: np.ndarray
) -> np.ndarray:
    """Closeness of the job's weekly hours to the middle of the client's range.

    Hours not stated: ``unknown_fit``, at most the fit at the edge of the range (the least
    passing hours give). Shift times not stated: at most ``unknown_fit``.
    """
    mid = (clients.min_hours[ci] + clients.max_hours[ci]) / 2.0
    half = (clients.max_hours[ci] - clients.min_hours[ci]) / 2.0
    hours = index.hours[ji]
    fit = np.clip(1.0 - np.abs(hours - mid) / (half + config.hours_tolerance), 0.0, 1.0)
    edge = 1.0 - half / (half + config.hours_tolerance)
    fit = np.where(np.isnan(hours), np.minimum(config.unknown_fit, edge), fit)
    result: np.ndarray = np.where(index.shifts_known[ji], fit, np.minimum(fit, config.unknown_fit))
    return result


def wage_fit(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig, ci: np.ndarray, ji: np.ndarray
) -> np.ndarray:
    """Wage above the client's reference (floor, or minimum wage), full at +headroom.

    Pay not stated: ``unknown_fit``, at most ``wage_base`` (pay at the reference wage).
    """
    ref = np.maximum(clients.wage_floor[ci], config.minimum_wage)
    wage = index.wage[ji]
    gain = (wage - ref) / (ref * config.wage_headroom)
    fit = np.clip(config.wage_base + (1.0 - config.wage_base) * gain, 0.0, 1.0)
    result: np.ndarray = np.where(np.isnan(wage), min(config.unknown_fit, config.wage_base), fit)
    return result


def score(
    clients: ClientBatch,
    index: OpeningIndex,
    commute: Commute,
    feasible: np.ndarray,
    *,
    scoring: ScoringConfig,
    commute_config: CommuteConfig,
) -> Scores:
    """All factors and scores of the feasible pairs (``Scores.score``: the (C, J) view, NaN elsewhere)."""
    ci, ji = np.nonzero(feasible)
    values, total = pair_scores(
        clients, index, commute, ci, ji, scoring=scoring, commute_config=commute_config
    )
    shape = (int(feasible.shape[0]), int(feasible.shape[1]))
    return Scores(PairFactors(values, ci, ji, shape[1]), clients.weights, total, shape)


def pair_scores(
    clients: ClientBatch,
    index: OpeningIndex,
    commute: Commute,
    ci: np.ndarray,
    ji: np.ndarray,
    *,
    scoring: ScoringConfig,
    commute_config: CommuteConfig,
    upper: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(F, P) factors and (P,) scores of listed pairs ``(ci[p], ji[p])``; each pair on its own.

    ``upper=True``: the text similarity taken at 1 (its costliest part skipped), so each score
    is an upper bound of the true one (every step is non-decreasing in it, rounding included).
    """
    values = np.empty((len(FACTORS), len(ci)))
    values[0] = preference(preference_parts(clients, index, scoring, ci, ji, text=not upper), scoring)
    values[1] = strengths(clients, index, scoring, ci, ji)
    values[2] = cognitive(clients, index, scoring, ci, ji)
    values[3] = accommodation(clients, index, ci, ji)
    values[4] = commute_fit(clients, commute, commute_config, ci, ji, index=index, scoring=scoring)
    values[5] = schedule_fit(clients, index, scoring, ci, ji)
    values[6] = wage_fit(clients, index, scoring, ci, ji)
    total = np.zeros(len(ci))
    for k in range(len(FACTORS)):  # fixed order: the same sum every time
        total += 100.0 * clients.weights[ci, k] * values[k]
    return values, total
