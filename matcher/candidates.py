"""Geographic candidates: which openings a client could possibly reach.

The commute model gives every client a *reach* (``matcher.commute.reach_km``,
re-exported here): the farthest straight-line km any of their modes covers
within their limit, by the estimate or by a router that goes farther (a
subway line). No opening beyond it is given minutes within the limit, so
openings within reach (a haversine ``BallTree`` query) and
all remote (or unlocated) openings are the candidates; every other opening
fails ``COMMUTE_TOO_LONG`` whatever else holds, so it can be skipped without
changing any shortlist.

One structure serves both paths: the interactive ``Matcher`` indexes every
opening (closed and expired ones too, so their codes stay exact), the nightly
run only the live ones (``live_only=True``). Openings appended or moved after
the fit are kept in a small brute-force set beside the tree
(:meth:`CandidateIndex.update`), removed ones in a mask of tree rows
(:meth:`CandidateIndex.remove`); when an update moves columns (openings added or
dropped) the structures renumber theirs (:meth:`CandidateIndex.spliced`,
:meth:`SpatialCopy.spliced`, :meth:`RuleTally.updated`) instead of being rebuilt;
a refit rebuilds them.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import weakref
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, cast, overload

import numpy as np
import scipy.sparse as sp
from sklearn.neighbors import BallTree

from matcher import geo, memo
from matcher.commute import Commute
from matcher.commute import reach_km as reach_km  # the one reach (re-exported: the candidate search's)
from matcher.constraints import RULES, Failed, Rule, failed_codes
from matcher.features import ClientBatch, OpeningIndex, take_openings
from matcher.features.clients import _named_exclusions as named_exclusions
from matcher.features.terms import take_rows
from matcher.features.updates import Update, concat_rows, patch_rows, with_vocabulary
from matcher.types import Client

# Straight-line km from the unit-vector formula and from haversine differ by far
# less than a metre; the margin keeps a pair on the boundary a candidate.
MARGIN_KM = 0.01
HILBERT_BITS = 16


def radians(clients: Sequence[Client]) -> np.ndarray:
    """(n, 2) latitude and longitude of the clients' homes, in radians."""
    pts = np.array([(c.home.lat, c.home.lon) for c in clients], dtype=np.float64)
    return np.radians(pts.reshape(len(clients), 2))


def hilbert_key(points: np.ndarray, bits: int = HILBERT_BITS) -> np.ndarray:
    """Position of each (lat, lon) point along a Hilbert curve over the globe.

    Points close on the curve are close on the map, so consecutive clients in
    this order form compact chunks whose candidate sets overlap.
    """
    n = 1 << bits
    y = ((points[:, 0] + np.pi / 2) / np.pi * (n - 1)).round().astype(np.int64).clip(0, n - 1)
    x = ((points[:, 1] + np.pi) / (2 * np.pi) * (n - 1)).round().astype(np.int64).clip(0, n - 1)
    d = np.zeros(len(points), dtype=np.int64)
    s = n >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx) ^ ry)
        # rotate the quadrant so the curve stays continuous
        flip = ~ry & rx
        x = np.where(flip, n - 1 - x, x)
        y = np.where(flip, n - 1 - y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        s >>= 1
    return d


def _located(index: OpeningIndex, cols: np.ndarray) -> np.ndarray:
    """(len(cols),) bool: opening has a place and is not remote (else a candidate for everyone)."""
    out: np.ndarray = ~index.remote[cols] & (np.linalg.norm(index.xyz[cols], axis=1) > 0.5)
    return out


def renumbered(cols: np.ndarray, remap: np.ndarray) -> np.ndarray:
    """Columns ``cols`` (-1: none) after an update that moved them (``Update.remap``; -1: dropped)."""
    out = np.full(len(cols), -1, dtype=np.int64)
    live = cols >= 0
    out[live] = remap[cols[live]]
    return out


class CandidateIndex:
    """Openings of an index split into located ones (a BallTree) and remote ones.

    Build with :meth:`build`. Column numbers are positions in the full
    :class:`OpeningIndex`, so candidates stay in opening-id order.

    Attributes
    ----------
    tree : BallTree or None
        Haversine tree over the located openings of the fit.
    located : ndarray
        (L,) index column of each tree row.
    always : ndarray
        (R,) remote (or unlocated) columns: candidates for everyone.
    n_openings : int
        Columns of the index this structure covers.
    """

    def __init__(
        self,
        tree: BallTree | None,
        located: np.ndarray,
        always: np.ndarray,
        n_openings: int,
        *,
        live_only: bool = True,
    ) -> None:
        self.tree = tree
        self.located = located
        self.always = always
        self.n_openings = n_openings
        self.live_only = live_only
        self._dead = np.zeros(len(located), dtype=bool)  # tree rows no longer valid (moved or removed)
        self._extra_cols = np.zeros(0, dtype=np.int64)  # located since the fit: brute force
        self._extra_xyz = np.zeros((0, 3), dtype=np.float64)

    @classmethod
    def build(cls, index: OpeningIndex, *, live_only: bool = True) -> CandidateIndex:
        """Index the openings; ``live_only`` leaves out filled, closed and expired ones."""
        cols = np.arange(len(index.ids))
        if live_only:
            cols = cols[index.is_open & ~index.expired]
        here = _located(index, cols)
        located, always = cols[here], cols[~here]
        tree = None
        if len(located):
            tree = BallTree(geo.lat_lon(index.xyz[located]), metric="haversine")
        return cls(tree, located, always, len(index.ids), live_only=live_only)

    def update(self, index: OpeningIndex, positions: Sequence[int] | np.ndarray) -> None:
        """Fold in openings appended or edited since the fit (columns of the updated ``index``).

        Each position is taken out of wherever it was and put back from its
        current place, remote flag and (with ``live_only``) status.
        """
        pos = np.unique(np.asarray(positions, dtype=np.int64))
        if not len(pos):
            return
        self.remove(pos)
        if len(pos) and self.live_only:
            pos = pos[index.is_open[pos] & ~index.expired[pos]]
        here = _located(index, pos)
        self.always = np.union1d(self.always, pos[~here])
        self._extra_cols = np.concatenate([self._extra_cols, pos[here]])
        self._extra_xyz = np.concatenate([self._extra_xyz, index.xyz[pos[here]]])
        order = np.argsort(self._extra_cols, kind="stable")
        self._extra_cols, self._extra_xyz = self._extra_cols[order], self._extra_xyz[order]

    def patched(self, index: OpeningIndex, positions: np.ndarray) -> CandidateIndex:
        """A copy with ``positions`` folded in (:meth:`update`); this one is left as it was."""
        out = copy.copy(self)
        out._dead = self._dead.copy()  # the one array :meth:`remove` writes into
        out.update(index, positions)
        return out

    def spliced(self, update: Update) -> CandidateIndex:
        """A copy for ``update.index`` after openings were added or dropped (``update.remap``).

        Columns are renumbered (one pass over the column arrays, no tree rebuilt); dropped
        tree rows are masked and the rows built afresh folded in (:meth:`update`). This one
        is left as it was.
        """
        assert update.remap is not None
        remap = update.remap
        out = copy.copy(self)
        out.located = renumbered(self.located, remap)  # the tree's rows keep their order
        out._dead = self._dead | (out.located < 0)
        always = renumbered(self.always, remap)
        out.always = always[always >= 0]
        extra = renumbered(self._extra_cols, remap)
        out._extra_cols, out._extra_xyz = extra[extra >= 0], self._extra_xyz[extra >= 0]
        out.n_openings = len(update.index.ids)
        out.update(update.index, update.rows)
        return out

    def remove(self, positions: Sequence[int] | np.ndarray) -> None:
        """Drop openings (columns) from every future query until :meth:`update` puts them back."""
        pos = np.unique(np.asarray(positions, dtype=np.int64))
        if not len(pos):
            return
        self.n_openings = max(self.n_openings, int(pos[-1]) + 1)
        self._dead |= np.isin(self.located, pos)
        self.always = np.setdiff1d(self.always, pos)
        keep = ~np.isin(self._extra_cols, pos)
        self._extra_cols, self._extra_xyz = self._extra_cols[keep], self._extra_xyz[keep]

    @overload
    def query(self, points: np.ndarray, reach: np.ndarray) -> list[np.ndarray]: ...
    @overload
    def query(self, points: np.ndarray, reach: np.ndarray, at_most: int) -> list[np.ndarray] | None: ...
    def query(
        self, points: np.ndarray, reach: np.ndarray, at_most: int | None = None
    ) -> list[np.ndarray] | None:
        """Per client, the sorted index columns of their candidates.

        Parameters
        ----------
        points : ndarray of shape (n, 2)
            Client homes in radians (see :func:`radians`).
        reach : ndarray of shape (n,)
            Client reach in km (see :func:`reach_km`).
        at_most : int, optional
            None instead when some client has more candidates than this (so all of them together
            do too), found before they are listed and sorted.
        """
        if len(points) == 0:
            return []
        km = reach * (1.0 + 1e-9) + MARGIN_KM
        if self.tree is None:
            hits = [np.zeros(0, dtype=np.int64) for _ in range(len(points))]
        else:
            found = self.tree.query_radius(points, r=geo.angle_of_km(km))
            if self._dead.any():
                found = [rows[~self._dead[rows]] for rows in found]
            if at_most is not None and max(len(rows) for rows in found) + len(self.always) > at_most:
                return None
            hits = [self.located[rows] for rows in found]
        if len(self._extra_cols):
            lat, lon = points[:, 0], points[:, 1]
            homes = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
            near = geo.dot(homes, self._extra_xyz) >= geo.cos_of_km(km)[:, None]
            hits = [
                np.concatenate([cols, self._extra_cols[row]]) for cols, row in zip(hits, near, strict=True)
            ]
        out = []
        for cols in hits:
            cols = np.concatenate([cols, self.always]) if len(self.always) else cols
            cols.sort()
            out.append(cols)
        return out


class _Picked(Sequence[Any]):
    """Items ``cols`` of a tuple, read on access: a gather of Python objects touches each one."""

    def __init__(self, items: Sequence[Any], cols: np.ndarray) -> None:
        self._items: Sequence[Any] = items
        self._cols: np.ndarray = cols
        if isinstance(items, _Picked):  # a selection of a selection reads the tuple itself
            self._items, self._cols = items._items, items._cols[cols]

    def __len__(self) -> int:
        return len(self._cols)

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return tuple(self._items[j] for j in self._cols[i].tolist())
        return self._items[int(self._cols[i])]


class _Renumbered(Mapping[str, int]):
    """An id -> column mapping of the full index, seen through a column selection."""

    def __init__(self, position: Mapping[str, int], lookup: np.ndarray, ids: Sequence[str]) -> None:
        self._position, self._lookup, self._ids = position, lookup, ids

    def __getitem__(self, key: str) -> int:
        k = int(self._lookup[self._position[key]])
        if k < 0:
            raise KeyError(key)
        return k

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


_LAZY = {"openings", "ids", "area_phrase", "position", "unserved_by_mode"}
_SHARED = ("employers", "skill_terms", "shift_patterns")


def gather(index: OpeningIndex, cols: np.ndarray) -> OpeningIndex:
    """The index restricted to sorted columns ``cols``, as ``features.take_openings`` gives it.

    Arrays are gathered; the per-opening tuples (records, ids, matched
    phrases) and the id -> column mapping are views read on access, since
    scoring reads them only for the few suggestions shown. ``index.words``
    should be row-sliceable (CSR) for speed.
    """
    n = len(index.ids)
    changes: dict[str, Any] = {
        f.name: take_rows(getattr(index, f.name), cols, n)
        for f in dataclasses.fields(index)
        if f.name not in _LAZY and f.name not in _SHARED
    }
    changes.update(gather_lazy(index, cols))
    changes["unserved_by_mode"] = {m: mask[cols] for m, mask in index.unserved_by_mode.items()}
    for name in _SHARED:  # vocabularies that column codes point into: never sliced
        changes[name] = getattr(index, name)
    return OpeningIndex(**changes)


def gather_lazy(index: OpeningIndex, cols: np.ndarray, lookup: np.ndarray | None = None) -> dict[str, Any]:
    """The per-opening tuples and the id -> column mapping of :func:`gather`, read on access.

    ``lookup`` (column of ``index`` -> row of the selection) is derived from ``cols`` when absent.
    """
    n = len(index.ids)
    ids = _Picked(index.ids, cols)
    if lookup is None:
        lookup = np.full(n, -1, dtype=np.int64)
        lookup[cols] = np.arange(len(cols))
    return {
        "ids": ids,
        "openings": _Picked(index.openings, cols) if len(index.openings) == n else index.openings,
        "area_phrase": _Picked(index.area_phrase, cols) if len(index.area_phrase) == n else (),
        "position": _Renumbered(index.position, lookup, ids),
    }


class SpatialCopy:
    """The index in Hilbert-curve order, so the openings near a client sit together in memory.

    Gathering a few thousand openings scattered over a large index is
    dominated by cache misses; in curve order the same openings come from a
    few contiguous stretches (measured 3.5x faster at 100k). Built once per
    fit, then patched (:meth:`patched`) or spliced (:meth:`spliced`) with each update:
    openings added since go at the end of the curve, dropped ones stay as dead rows that
    no column points to (``order`` -1) until the next refit.
    """

    def __init__(self, index: OpeningIndex) -> None:
        self.source = index
        lean = dataclasses.replace(index, words=index.words.tocsr())  # rows gathered, not columns
        # located openings along the curve, then the candidates of everyone (remote, unlocated)
        # together at the end: a client's candidates are then a few stretches of rows
        key = hilbert_key(geo.lat_lon(index.xyz))
        self.order = np.lexsort((key, ~_located(index, np.arange(len(index.ids)))))  # curve pos -> column
        self.place = np.empty_like(self.order)
        self.place[self.order] = np.arange(len(self.order))  # column -> curve position
        self.index = gather(lean, self.order)
        self.dead_before: np.ndarray | None = None  # (rows + 1,) dead rows before each (``take_around``)

    def patched(self, index: OpeningIndex, rows: np.ndarray, new: OpeningIndex) -> SpatialCopy:
        """The copy of ``index``: this one with rows ``rows`` replaced by the rows of ``new``.

        The curve order is kept (a moved opening stays where it was on the curve: only
        memory locality suffers, never a result); this copy is left as it was.
        """
        at = self.place[rows]
        perm = np.argsort(at, kind="stable")
        picked = take_openings(new, perm.tolist())
        picked = dataclasses.replace(picked, words=picked.words.tocsr())
        old = with_vocabulary(self.index, index)  # the update may have grown a vocabulary
        changes = {
            f.name: patch_rows(getattr(old, f.name), at[perm], getattr(picked, f.name))
            for f in dataclasses.fields(old)
            if f.name not in _LAZY and f.name not in _SHARED
        }
        changes["unserved_by_mode"] = {
            m: patch_rows(mask, at[perm], picked.unserved_by_mode[m])
            for m, mask in old.unserved_by_mode.items()
        }
        lazy = gather_lazy(index, self.order, self.place)
        out = object.__new__(SpatialCopy)
        out.source, out.order, out.place = index, self.order, self.place
        out.dead_before = getattr(self, "dead_before", None)  # the same rows are dead
        out.index = dataclasses.replace(old, **changes, **lazy)
        return out

    def spliced(self, update: Update) -> SpatialCopy:
        """The copy of ``update.index`` after openings were added or dropped (``update.remap``).

        The rows built afresh are appended at the end of the curve, into the spare rows of
        the arrays (:func:`grown`: O(rows appended)); dropped rows stay where they were,
        dead. This copy is left as it was (its arrays end where they ended).
        """
        assert update.remap is not None
        index, old = update.index, with_vocabulary(self.index, update.index)
        order = np.concatenate([renumbered(self.order, update.remap), update.rows])
        place = np.empty(len(index.ids), dtype=np.int64)
        live = np.flatnonzero(order >= 0)
        place[order[live]] = live
        new = dataclasses.replace(update.new, words=update.new.words.tocsr())
        changes = {
            f.name: _appended(getattr(old, f.name), getattr(new, f.name), len(self.order))
            for f in dataclasses.fields(old)
            if f.name not in _LAZY and f.name not in _SHARED
        }
        changes["unserved_by_mode"] = {
            m: _appended(mask, new.unserved_by_mode[m], len(self.order))
            for m, mask in old.unserved_by_mode.items()
        }
        out = object.__new__(SpatialCopy)
        out.source, out.order, out.place = index, order, place
        out.dead_before = None  # counted when first needed
        # dead rows are never gathered (no column's place points to them), nor their -1 read
        out.index = dataclasses.replace(old, **changes, **gather_lazy(index, order, place))
        return out

    def take(self, cols: np.ndarray) -> tuple[OpeningIndex, np.ndarray]:
        """The openings ``cols`` in curve order, and the argsort that puts them back in id order."""
        at = np.sort(self.place[cols])
        return self._linked(gather(self.index, at), self.order[at])

    def _linked(self, sub: OpeningIndex, columns: np.ndarray) -> tuple[OpeningIndex, np.ndarray]:
        """``sub`` (rows of the copy, each the source's column ``columns[r]``) with its text rows'
        link to the source's (:data:`TEXT_ROWS_OF`), and the argsort that puts it in id order."""
        memo.derived(TEXT_ROWS_OF, (sub.text.indices, sub.text.data), lambda: (self.source.text, columns))
        return sub, np.argsort(columns, kind="stable")

    def take_around(self, cols: np.ndarray) -> tuple[OpeningIndex, np.ndarray]:
        """:meth:`take` of at least the openings ``cols``: the stretches of curve rows holding them.

        Rows between two of them less than ``STRETCH_GAP`` apart come too (never a dead row), so
        the selection is a few contiguous stretches, copied as such instead of gathered row by
        row; the openings added lie between the candidates on the curve. When the stretches
        would hold more than ``STRETCH_SHARE`` times the openings asked for, :meth:`take`.
        """
        at = np.sort(self.place[cols])
        if not len(at):
            return self.take(cols)
        dead = getattr(self, "dead_before", None)  # absent in copies pickled before it
        if dead is None:
            dead = self.dead_before = np.concatenate([[0], np.cumsum(self.order < 0)])
        step = np.diff(at)
        joined = (step <= STRETCH_GAP) & (dead[at[1:]] == dead[at[:-1]])  # no dead row between
        breaks = np.flatnonzero(~joined)
        starts = np.concatenate([at[:1], at[breaks + 1]])
        ends = np.concatenate([at[breaks], at[-1:]]) + 1
        size = int((ends - starts).sum())
        if size > STRETCH_SHARE * len(at):
            return self.take(cols)
        stretches = list(zip(starts.tolist(), ends.tolist(), strict=True))
        rows = np.concatenate([np.arange(a, b) for a, b in stretches])
        return self._linked(stretched(self.index, stretches, rows), self.order[rows])


#: The :mod:`matcher.memo` name of a selection's text rows' source: (the fitted index's text, the
#: column of it each row is). The rows are the same values, so a row product with them may read
#: the fitted index's column copy (``scoring.index_by_column``) instead.
TEXT_ROWS_OF = "text_rows_of"

#: :meth:`SpatialCopy.take_around`: curve rows between two candidates at most this far apart come
#: along (scored and failing ``COMMUTE_TOO_LONG``), and at most this many times the candidates.
STRETCH_GAP = 64
STRETCH_SHARE = 1.5


def _stretch_rows(value: Any, stretches: Sequence[tuple[int, int]], n: int) -> Any:
    """Rows ``a:b`` of each stretch of ``value`` (one per opening), one after the other."""
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == n:
        if len(stretches) == 1:
            return value[stretches[0][0] : stretches[0][1]]
        return np.concatenate([value[a:b] for a, b in stretches])
    if sp.issparse(value) and value.shape[0] == n and value.format == "csr":
        ptr = value.indptr
        spans = [(int(ptr[a]), int(ptr[b])) for a, b in stretches]
        data = np.concatenate([value.data[s:e] for s, e in spans])
        indices = np.concatenate([value.indices[s:e] for s, e in spans])
        lens = np.concatenate([np.diff(ptr[a : b + 1]) for a, b in stretches])
        indptr = np.concatenate([[0], np.cumsum(lens)]).astype(ptr.dtype)
        out = sp.csr_matrix((data, indices, indptr), shape=(len(lens), value.shape[1]), copy=False)
        out.has_canonical_format = value.has_canonical_format  # rows as they were: no need to check
        return out
    if sp.issparse(value) and value.shape[0] == n:
        return value[np.concatenate([np.arange(a, b) for a, b in stretches])]
    return value


def stretched(index: OpeningIndex, stretches: Sequence[tuple[int, int]], rows: np.ndarray) -> OpeningIndex:
    """:func:`gather` of ``rows``, the rows of the sorted, disjoint ``stretches`` ``(a, b)`` one after
    the other: each array is copied stretch by stretch (a view when there is one)."""
    n = len(index.ids)
    changes: dict[str, Any] = {
        f.name: _stretch_rows(getattr(index, f.name), stretches, n)
        for f in dataclasses.fields(index)
        if f.name not in _LAZY and f.name not in _SHARED
    }
    changes.update(gather_lazy(index, rows))
    changes["unserved_by_mode"] = {
        m: _stretch_rows(mask, stretches, n) for m, mask in index.unserved_by_mode.items()
    }
    for name in _SHARED:
        changes[name] = getattr(index, name)
    return OpeningIndex(**changes)


def _appended(a: Any, b: Any, n: int) -> Any:
    """Rows of ``b`` after the ``n`` rows of ``a``; anything not one row per opening is kept."""
    rows = (isinstance(a, np.ndarray) and a.ndim or sp.issparse(a)) and a.shape[0] == n
    if not rows or not b.shape[0]:
        return a
    if isinstance(a, np.ndarray):
        return grown(a, b)
    if sp.issparse(a) and a.format == "csr":
        b = sp.csr_matrix(b)
        indptr = grown(a.indptr, b.indptr[1:].astype(a.indptr.dtype) + a.indptr[-1])
        data, indices = (
            grown(a.data, b.data.astype(a.dtype)),
            grown(a.indices, b.indices.astype(a.indices.dtype)),
        )
        return sp.csr_matrix((data, indices, indptr), shape=(n + b.shape[0], a.shape[1]), copy=False)
    return concat_rows(a, b, [(0, 0, n), (1, 0, b.shape[0])])


# Buffers with spare rows at the end, and how many rows of each were handed out (``grown``).
# By ``id`` (arrays are not hashable); an entry leaves with its buffer.
_HANDED_OUT: dict[int, int] = {}
_HANDED_OUT_LOCK = threading.Lock()


def grown(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a`` with the rows of ``b`` after it, in O(len(b)) when ``a`` is the latest view of a buffer.

    The result is a view of the first rows of a buffer with spare rows (an eighth more,
    so appends cost O(rows appended), amortised). Rows are written past the end of ``a``
    only when no view handed out reaches there: a reader holding ``a`` never sees them,
    and two updates of the same version never write over each other (the second copies).
    """
    n, k = len(a), len(b)
    buffer = a.base
    with _HANDED_OUT_LOCK:
        if (
            isinstance(buffer, np.ndarray)
            and _HANDED_OUT.get(id(buffer)) == n
            and len(buffer) >= n + k
            and a.ctypes.data == buffer.ctypes.data
            and a.strides == buffer.strides
        ):
            buffer[n : n + k] = b
            _HANDED_OUT[id(buffer)] = n + k
            return buffer[: n + k]
        buffer = np.empty((n + k + max((n + k) // 8, 64), *a.shape[1:]), dtype=a.dtype)
        buffer[:n], buffer[n : n + k] = a, b
        _HANDED_OUT[id(buffer)] = n + k
        weakref.finalize(buffer, _HANDED_OUT.pop, id(buffer), None)
        return buffer[: n + k]


# What each rule reads of an opening, as index fields (``Rule.per_opening``): openings alike in
# these fail it alike for every client, so the rule is checked once per distinct value and counted
# by how many share it.
# ``COMMUTE_TOO_LONG`` (every opening beyond reach fails it), ``EXCLUDED_KEYWORD`` (words: counted
# over the whole index) and ``REJECTED_BY_SPECIALIST`` (the blocked ids) are counted apart. A rule
# declaring neither makes :attr:`RuleTally.exact` false and the caller scores every opening instead.
_READS: dict[Failed, tuple[str, ...]] = {r.code: r.per_opening for r in RULES if r.per_opening}
_APART = (Failed.COMMUTE_TOO_LONG, Failed.EXCLUDED_KEYWORD, Failed.REJECTED_BY_SPECIALIST)
# Vocabularies a rule may read beside its row fields: shared by every row, never counted apart.
_VOCABULARIES = frozenset({"shift_patterns", "employers", "skill_terms", "word_vocab", "position", "ids"})


def countable(rules: Sequence[Rule] = RULES) -> bool:
    """Every rule is counted apart or by :class:`RuleTally` from the fields it declares it reads."""
    return all(rule.code in _APART or rule.per_opening for rule in rules)


FLAGS = tuple(f for f in Failed if f.name is not None)


def _distinct(index: OpeningIndex, fields: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One column per distinct (bitwise) value of ``fields``, how many share it, and each row's value."""
    n = len(index.ids)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    parts = [np.ascontiguousarray(getattr(index, f)).reshape(n, -1).view(np.uint8) for f in fields]
    raw = np.ascontiguousarray(np.hstack(parts).reshape(n, -1))
    keys = raw.view(np.dtype((np.void, raw.shape[1]))).ravel()
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    return first, counts.astype(np.int64), inverse.reshape(-1)


_COUNTABLE = countable()

#: Patches folded into a :class:`RuleTally` before it is rebuilt from its index.
MAX_LAYERS = 32


class RuleTally:
    """How many openings of the whole index fail each rule, for a client, without checking each one.

    Built once per index; :meth:`updated` folds in new, rewritten and dropped openings.
    With it a shortlist scored against its candidates alone still gives the exclusion
    counts a scan of every opening gives. Never modified once built: an engine copy
    keeps its own.
    """

    def __init__(self, index: OpeningIndex) -> None:
        self.index = index
        self.exact = _COUNTABLE
        # per rule: one opening per distinct value, how many share it, each row's value
        self._base: dict[Failed, tuple[OpeningIndex, np.ndarray, np.ndarray]] = {}
        for code, fields in _READS.items():
            first, counts, inverse = _distinct(index, fields)
            self._base[code] = (take_openings(index, first.tolist()), counts, inverse)
        self._base_position = index.position  # row of each opening in the index built from
        self._layers: list[tuple[OpeningIndex, np.ndarray]] = []  # new versions: (their index, 1 if current)
        # opening id -> (layer, row in it) of its current version; (-1, -1): dropped
        self._where: dict[str, tuple[int, int]] = {}

    def updated(self, index: OpeningIndex, new: OpeningIndex, dropped: Collection[str] = ()) -> RuleTally:
        """The tally of ``index``: this one's with the openings of ``new`` added or replacing their
        old versions, and the ids ``dropped`` gone (rows are told by id, so columns may move)."""
        if len(self._layers) >= MAX_LAYERS:
            return RuleTally(index)
        out = copy.copy(self)
        out.index, out._where = index, dict(self._where)
        out._layers = list(self._layers)
        changed = [*new.ids, *dropped]
        in_base = [
            self._base_position[i] for i in changed if i not in self._where and i in self._base_position
        ]
        out._base = {}
        for code, (reps, counts, inverse) in self._base.items():
            counts = counts.copy()
            np.subtract.at(counts, inverse[in_base], 1)
            out._base[code] = (reps, counts, inverse)
        for i in changed:
            k, r = self._where.get(i, (-1, -1))
            if k >= 0:
                alive = out._layers[k][1].copy()
                alive[r] = 0
                out._layers[k] = (out._layers[k][0], alive)
        out._layers.append((new, np.ones(len(new.ids), dtype=np.int64)))
        for r, i in enumerate(new.ids):
            out._where[i] = (len(out._layers) - 1, r)
        for i in dropped:
            out._where[i] = (-1, -1)
        return out

    def totals(self, batch: ClientBatch, blocked: Mapping[str, Collection[str]] | None) -> np.ndarray:
        """(C, len(FLAGS)) openings of the index failing each rule; the commute column left 0.

        ``batch`` holds the clients' features built against any index sharing this one's
        vocabularies (e.g. their candidates): only what a client alone says is read from it.
        """
        clients = batch.clients
        out = np.zeros((len(clients), len(FLAGS)), dtype=np.int64)
        for code, (reps, counts, _) in self._base.items():
            at = FLAGS.index(code)
            for layer, weights in [(reps, counts), *self._layers]:
                out[:, at] += self._failing(code, batch, layer) @ weights
        at = FLAGS.index(Failed.EXCLUDED_KEYWORD)
        for i, c in enumerate(clients):
            if c.excluded_keywords:
                out[i, at] = int(named_exclusions([c], self.index)[1].sum())
        at = FLAGS.index(Failed.REJECTED_BY_SPECIALIST)
        for i, c in enumerate(clients):
            if blocked and c.id in blocked:
                out[i, at] = len({o for o in blocked[c.id] if o in self.index.position})
        return out

    @staticmethod
    def _failing(code: Failed, batch: ClientBatch, openings: OpeningIndex) -> np.ndarray:
        """(C, J) int64: 1 where a client fails rule ``code`` at an opening of ``openings``."""
        clients = batch.clients
        if code is Failed.EXCLUDED_EMPLOYER:
            out = np.zeros((len(clients), len(openings.ids)), dtype=np.int64)
            rows = [i for i, c in enumerate(clients) if c.excluded_employers]
            if rows:
                out[rows] = named_exclusions([clients[i] for i in rows], openings)[0]
            return out
        rule = next(r for r in RULES if r.code is code)
        # no rule counted here reads the commute (``_READS`` leaves it out)
        codes = failed_codes(batch, openings, cast(Commute, None), rules=(rule,))
        failing: np.ndarray = (codes != 0).astype(np.int64)
        return failing


#: A near miss lies within this many times the client's reach (or is remote, or has no place):
#: an opening the client could realistically take if one limit moved. Farther ones never are.
NEAR_MISS_REACH = 2.0


def near_enough(
    batch: ClientBatch, index: OpeningIndex, ci: np.ndarray, ji: np.ndarray, reach: np.ndarray
) -> np.ndarray:
    """(P,) bool: opening ``ji[p]`` may be a near miss of client ``ci[p]`` (see ``NEAR_MISS_REACH``).

    ``reach`` is the clients' commute reach in km (``commute.reach_km``). Pair by pair, so the
    same pair gives the same answer in any selection of openings.
    """
    xyz = index.xyz.take(ji, axis=0)  # the rows of ``[ji]``, faster for a 2-D array
    cosine = np.einsum("ij,ij->i", batch.xyz.take(ci, axis=0), xyz)
    located = ~index.remote[ji] & (np.einsum("ij,ij->i", xyz, xyz) > 0.25)
    out: np.ndarray = ~located | (cosine >= geo.cos_of_km(NEAR_MISS_REACH * reach)[ci])
    return out
