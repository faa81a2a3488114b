"""Incremental updates of a built :class:`OpeningIndex`: patch, append and drop openings.

An update builds the index of the changed openings alone (with the already-fitted
text model) and writes it into a copy of the old index, so the result is the index
``build_openings`` would give for the new pool, rows in id order, except for the
pool-wide vocabularies (employers, skill terms, keyword words, shift patterns): they
only grow, new entries at the end, so no code an old row holds ever moves and old
rows are copied as they are (no recoding), and they keep the entries of dropped
openings. No score, constraint or text depends on the order of a vocabulary or
reads an entry that no opening points to, so results are the same.

An edit of indexed openings is a *patch*: the rows are written over copies of the
arrays. Adding or dropping openings is a *splice*: every array is copied once, in
contiguous runs of kept rows with the new rows between them (memory copies, no
per-row work), and :attr:`Update.remap` says where each old row went, so the
structures built beside the index (``matcher.candidates``) renumber their columns
instead of being rebuilt. The text rows of new openings come from the fitted text
model: when that model was fitted on the pool itself (no trained model), a full
refit may shift text scores slightly.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.config import MatcherConfig
from matcher.features.openings import OpeningIndex, SortedIds, build_openings
from matcher.types import Opening
from matcher.vocab import Vocabulary

# Fields that are not one row per opening: vocabularies and lookups, merged separately.
_SHARED = frozenset(
    {
        "position",
        "as_of",
        "shift_patterns",
        "employers",
        "word_vocab",
        "skill_terms",
        "skill_column",
        "unserved_by_mode",
    }
)
_VOCABULARY = ("shift_patterns", "employers", "word_vocab", "skill_terms", "skill_column")
# Sparse row fields and the vocabulary their columns index.
_COLUMNS = {"req_skills": "skill_terms", "pref_skills": "skill_terms", "words": "word_vocab"}


@dataclass(frozen=True, slots=True)
class Update:
    """An updated index and how it came from the old one.

    Attributes
    ----------
    index : OpeningIndex
        The new index.
    rows : ndarray
        (K,) ascending columns of ``index`` holding the rows built afresh.
    new : OpeningIndex
        Those rows alone, in ``index``'s vocabularies (sorted by id, like ``rows``).
    remap : ndarray or None
        (J_old,) column in ``index`` of each old column, -1 where it was dropped (or
        rebuilt: it is then among ``rows``); None for a patch, where no column moved.
    """

    index: OpeningIndex
    rows: np.ndarray
    new: OpeningIndex
    remap: np.ndarray | None


def update_openings(
    index: OpeningIndex,
    upserts: Sequence[Opening],
    removed: Collection[str],
    *,
    vocab: Vocabulary,
    config: MatcherConfig,
    text_model: TfidfVectorizer,
) -> Update:
    """A new index: ``upserts`` added or replacing the opening of the same id, ``removed`` dropped.

    Parameters
    ----------
    index : OpeningIndex
        The current index (left unchanged: readers may still use it).
    upserts : sequence of Opening
        New openings, or new versions of indexed ones (ids must be unique).
    removed : collection of str
        Ids to drop; unknown ids are ignored. An id both upserted and removed is dropped.
    vocab, config, text_model
        What ``index`` was built with.

    Returns
    -------
    Update
        The index (sorted by id, like :func:`build_openings`) and where its rows came from.
    """
    gone = set(removed)
    added = [o for o in upserts if o.id not in gone]
    built = build_openings(added, vocab=vocab, config=config, as_of=index.as_of, text_model=text_model)
    new, shared = _aligned(index, built)
    dropped = sorted(index.position[i] for i in gone if i in index.position)
    if not dropped and all(i in index.position for i in new.ids):  # an edit: no column moves
        rows = np.array([index.position[i] for i in new.ids], dtype=np.int64)
        changes = {
            f.name: patch_rows(_widen(getattr(index, f.name), f.name, shared), rows, getattr(new, f.name))
            for f in dataclasses.fields(index)
            if f.name not in _SHARED
        }
        changes["unserved_by_mode"] = {
            m: patch_rows(mask, rows, new.unserved_by_mode[m]) for m, mask in index.unserved_by_mode.items()
        }
        return Update(
            OpeningIndex(**changes, **shared, position=index.position, as_of=index.as_of), rows, new, None
        )
    return _splice(index, new, shared, dropped)


def _splice(index: OpeningIndex, new: OpeningIndex, shared: dict[str, Any], dropped: list[int]) -> Update:
    """``index`` without rows ``dropped`` and with the rows of ``new`` (replacing those of their ids)."""
    n_old = len(index.ids)
    # each new row goes before the old row its id would precede (the one it replaces, if any)
    before = [bisect.bisect_left(index.ids, i) for i in new.ids]
    skip = sorted(set(dropped) | {p for p, i in zip(before, new.ids, strict=True) if i in index.position})
    runs = _runs(n_old, skip, before)
    changes = {
        f.name: concat_rows(_widen(getattr(index, f.name), f.name, shared), getattr(new, f.name), runs)
        for f in dataclasses.fields(index)
        if f.name not in _SHARED
    }
    changes["unserved_by_mode"] = {
        m: concat_rows(mask, new.unserved_by_mode[m], runs) for m, mask in index.unserved_by_mode.items()
    }
    ids: tuple[str, ...] = changes["ids"]
    n = len(ids)
    # the rows built afresh sit after the kept rows before them and the new rows before them
    rows = np.array([p - bisect.bisect_left(skip, p) + k for k, p in enumerate(before)], dtype=np.int64)
    remap = np.full(n_old, -1, dtype=np.int64)
    remap[np.delete(np.arange(n_old), skip)] = np.delete(np.arange(n), rows)
    out = OpeningIndex(**changes, **shared, position=SortedIds(ids), as_of=index.as_of)
    return Update(out, rows, new, remap)


# A run of rows to copy: (0, start, end) of the old index or (1, start, end) of the new rows.
Run = tuple[int, int, int]


def _runs(n_old: int, skip: Sequence[int], before: Sequence[int]) -> list[Run]:
    """The spliced index as runs: old rows but ``skip``, new row ``k`` before old row ``before[k]``."""
    runs: list[Run] = []
    at = 0  # next old row to copy
    events = sorted([(p, 0, k) for k, p in enumerate(before)] + [(p, 1, -1) for p in skip])
    for p, kind, k in events:  # at one old row: new rows first (sorted by id), then its skip
        if p > at:
            runs.append((0, at, p))
            at = p
        if kind == 0:
            runs.append((1, k, k + 1))
        else:
            at = p + 1
    if at < n_old:
        runs.append((0, at, n_old))
    return runs


def concat_rows(a: Any, b: Any, runs: Sequence[Run]) -> Any:
    """The rows of ``a`` (old) and ``b`` (new) in the order of ``runs``: copies of contiguous runs."""
    src = (a, b)
    if isinstance(a, tuple):
        rows: list[Any] = []
        for s, i, j in runs:
            rows += src[s][i:j]  # C-level copies of slices, no Python loop over the rows
        return tuple(rows)
    if isinstance(a, np.ndarray):
        return np.concatenate([src[s][i:j] for s, i, j in runs]) if runs else a[:0]
    if sp.issparse(a) and a.format == "csr":
        m = (a, sp.csr_matrix(b))
        data = [m[s].data[m[s].indptr[i] : m[s].indptr[j]] for s, i, j in runs]
        indices = [m[s].indices[m[s].indptr[i] : m[s].indptr[j]] for s, i, j in runs]
        lengths = [np.diff(m[s].indptr[i : j + 1]) for s, i, j in runs]
        n = sum(j - i for _, i, j in runs)
        indptr = np.zeros(n + 1, dtype=a.indptr.dtype)
        if n:
            np.cumsum(np.concatenate(lengths), out=indptr[1:])
        return sp.csr_matrix(
            (
                np.concatenate([a.data[:0], *data]).astype(a.dtype, copy=False),
                np.concatenate([a.indices[:0], *indices]).astype(a.indices.dtype, copy=False),
                indptr,
            ),
            shape=(n, a.shape[1]),
            copy=False,
        )
    if sp.issparse(a) and a.format == "csc":
        return _concat_csc(a, sp.csr_matrix(b), runs)
    return a


def _concat_csc(a: sp.csc_matrix, b: sp.csr_matrix, runs: Sequence[Run]) -> sp.csc_matrix:
    """:func:`concat_rows` of a CSC matrix: old entries renumbered, dropped ones out, new ones last."""
    where = np.full(a.shape[0], -1, dtype=a.indices.dtype)  # old row -> its row in the result
    new_rows = np.zeros(b.shape[0], dtype=np.int64)
    out = 0
    for s, i, j in runs:
        (where if s == 0 else new_rows)[i:j] = np.arange(out, out + j - i)
        out += j - i
    indices, data, counts = where[a.indices], a.data, np.diff(a.indptr)
    gone = np.flatnonzero(indices < 0)  # entries of dropped rows (few): found, not masked row by row
    if len(gone):
        counts = counts - np.bincount(np.searchsorted(a.indptr, gone, side="right") - 1, minlength=a.shape[1])
        indices, data = np.delete(indices, gone), np.delete(data, gone)
    coo = b.tocoo()
    order = np.lexsort((new_rows[coo.row], coo.col))
    cols = coo.col[order]
    kept_ptr = np.concatenate([[0], np.cumsum(counts)])
    data = np.insert(data, kept_ptr[cols + 1], coo.data[order].astype(a.dtype))
    indices = np.insert(indices, kept_ptr[cols + 1], new_rows[coo.row][order].astype(indices.dtype))
    counts = counts + np.bincount(cols, minlength=a.shape[1])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(a.indptr.dtype)
    return sp.csc_matrix((data, indices, indptr), shape=(out, a.shape[1]), copy=False)


def _widen(a: Any, name: str, shared: dict[str, Any]) -> Any:
    """Sparse field ``name`` with as many columns as its (grown) vocabulary in ``shared``."""
    vocabulary = _COLUMNS.get(name)
    if vocabulary is None:
        return a
    return widened(a, len(shared[vocabulary]))


def widened(m: Any, n_cols: int) -> Any:
    """Sparse ``m`` with ``n_cols`` columns (new columns empty; the arrays are shared, never written)."""
    if m.shape[1] == n_cols:
        return m
    if m.format == "csc":
        indptr = np.concatenate([m.indptr, np.full(n_cols - m.shape[1], m.indptr[-1], m.indptr.dtype)])
        return sp.csc_matrix((m.data, m.indices, indptr), shape=(m.shape[0], n_cols), copy=False)
    csr = sp.csr_matrix(m)
    return sp.csr_matrix((csr.data, csr.indices, csr.indptr), shape=(csr.shape[0], n_cols), copy=False)


def with_vocabulary(index: OpeningIndex, like: OpeningIndex) -> OpeningIndex:
    """``index``'s rows with ``like``'s vocabularies, grown from ``index``'s (its codes still hold)."""
    if all(getattr(index, v) is getattr(like, v) for v in _VOCABULARY):
        return index
    shared = {v: getattr(like, v) for v in _VOCABULARY}
    return dataclasses.replace(index, **shared, **{f: _widen(getattr(index, f), f, shared) for f in _COLUMNS})


def _aligned(index: OpeningIndex, new: OpeningIndex) -> tuple[OpeningIndex, dict[str, Any]]:
    """``new`` with its codes and columns in ``index``'s vocabularies, grown by what it brings.

    Returns the aligned rows and the vocabularies (``index``'s own objects when nothing was added).
    """
    employers = _grown(index.employers, new.employers)
    skill_column = _grown_map(index.skill_column, new.skill_terms)
    word_vocab = _grown_map(index.word_vocab, sorted(new.word_vocab, key=new.word_vocab.__getitem__))
    emp = {e: i for i, e in enumerate(employers)}
    patterns, pattern = index.shift_patterns, []
    for p in new.shift_patterns:
        hit = np.flatnonzero((patterns == p).all(axis=1))
        if not len(hit):
            patterns = np.concatenate([patterns, p[None]])
            hit = np.array([len(patterns) - 1])
        pattern.append(int(hit[0]))
    shared: dict[str, Any] = {
        "employers": employers,
        "shift_patterns": patterns,
        "skill_terms": index.skill_terms if skill_column is index.skill_column else tuple(skill_column),
        "skill_column": skill_column,
        "word_vocab": word_vocab,
    }
    skills = np.array([skill_column[t] for t in new.skill_terms], int)
    words = np.array([word_vocab[w] for w in sorted(new.word_vocab, key=new.word_vocab.__getitem__)], int)
    aligned = dataclasses.replace(
        new,
        **shared,
        employer_code=np.array([emp[e] for e in new.employers], int)[new.employer_code]
        if len(new.employers)
        else new.employer_code,
        shift_inverse=np.array(pattern, int)[new.shift_inverse] if pattern else new.shift_inverse,
        req_skills=_recolumn(new.req_skills, skills, len(skill_column)).tocsr(),
        pref_skills=_recolumn(new.pref_skills, skills, len(skill_column)).tocsr(),
        words=_recolumn(new.words, words, len(word_vocab)).tocsr(),
    )
    return aligned, shared


def _grown(vocabulary: tuple[str, ...], entries: Sequence[str]) -> tuple[str, ...]:
    """``vocabulary`` with the entries it lacks appended (itself when it lacks none)."""
    have = set(vocabulary)
    extra = [e for e in entries if e not in have]
    return (*vocabulary, *extra) if extra else vocabulary


def _grown_map(columns: dict[str, int], entries: Sequence[str]) -> dict[str, int]:
    """A term -> column map with the terms it lacks appended (itself when it lacks none)."""
    extra = [e for e in entries if e not in columns]
    if not extra:
        return columns
    out = dict(columns)  # never modified in place: shared with the old index
    for e in extra:
        out[e] = len(out)
    return out


def _recolumn(m: sp.spmatrix, cols: np.ndarray, n_cols: int) -> sp.spmatrix:
    """``m`` with column ``k`` moved to ``cols[k]`` in a matrix of ``n_cols`` columns."""
    if m.shape[1] == n_cols and np.array_equal(cols, np.arange(n_cols)):
        return m  # unchanged
    csr = sp.csr_matrix(m)
    out = sp.csr_matrix(
        (csr.data, cols[csr.indices] if len(cols) else csr.indices, csr.indptr), shape=(csr.shape[0], n_cols)
    )
    out.sort_indices()
    return out


def patch_rows(a: Any, rows: np.ndarray, b: Any) -> Any:
    """A copy of ``a`` with its rows ``rows`` (ascending) replaced by the rows of ``b``.

    Arrays are copied and written over; tuples rebuilt; CSR matrices spliced;
    CSC matrices get the old entries of the rows dropped and the new ones put
    at the end of their columns. Anything not one row per opening is kept.
    """
    if _same_rows(a, rows, b):
        return a  # nothing in these rows changed: share it (it is never written into)
    if isinstance(a, tuple):
        out = list(a)
        for k, r in enumerate(rows.tolist()):
            out[r] = b[k]
        return tuple(out)
    if isinstance(a, np.ndarray):
        copied = a.copy()
        copied[rows] = b
        return copied
    if sp.issparse(a) and a.format == "csr":
        return _splice_csr(a, rows, sp.csr_matrix(b))
    if sp.issparse(a) and a.format == "csc":
        return _splice_csc(a, rows, sp.csr_matrix(b))
    return a


def _same_rows(a: Any, rows: np.ndarray, b: Any) -> bool:
    """``b`` holds exactly (bit for bit) what rows ``rows`` of ``a`` hold: an edit left them alone."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        old = np.ascontiguousarray(a[rows])
        return (
            old.dtype == b.dtype
            and old.shape == b.shape
            and old.tobytes() == np.ascontiguousarray(b).tobytes()
        )
    if sp.issparse(a) and a.format == "csr" and sp.issparse(b):
        new = sp.csr_matrix(b)
        old = a[rows]
        return (
            old.shape == new.shape
            and old.dtype == new.dtype
            and np.array_equal(old.indptr, new.indptr)
            and old.indices.tobytes() == new.indices.astype(old.indices.dtype).tobytes()
            and old.data.tobytes() == new.data.tobytes()
        )
    return False


def _splice_csr(a: sp.csr_matrix, rows: np.ndarray, b: sp.csr_matrix) -> sp.csr_matrix:
    """CSR ``a`` with rows ``rows`` replaced by the rows of ``b`` (contiguous copies between them)."""
    data, indices, bounds = [], [], [0]
    for k, r in enumerate(rows.tolist()):
        data += [a.data[a.indptr[bounds[-1]] : a.indptr[r]], b.data[b.indptr[k] : b.indptr[k + 1]]]
        indices += [a.indices[a.indptr[bounds[-1]] : a.indptr[r]], b.indices[b.indptr[k] : b.indptr[k + 1]]]
        bounds.append(r + 1)
    data.append(a.data[a.indptr[bounds[-1]] :])
    indices.append(a.indices[a.indptr[bounds[-1]] :])
    lengths = np.diff(a.indptr)
    lengths[rows] = np.diff(b.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(a.indptr.dtype)
    values = np.concatenate(data).astype(a.dtype, copy=False)
    return sp.csr_matrix(
        (values, np.concatenate(indices).astype(a.indices.dtype, copy=False), indptr),
        shape=a.shape,
        copy=False,
    )


def _splice_csc(a: sp.csc_matrix, rows: np.ndarray, b: sp.csr_matrix) -> sp.csc_matrix:
    """CSC ``a`` with rows ``rows`` replaced by those of ``b``: old entries out, new ones last in columns."""
    gone = np.flatnonzero(np.isin(a.indices, rows))
    col_of_gone = np.searchsorted(a.indptr, gone, side="right") - 1
    coo = b.tocoo()
    was = np.lexsort((col_of_gone, a.indices[gone]))
    now = np.lexsort((coo.col, rows[coo.row]))
    if (
        len(gone) == coo.nnz
        and np.array_equal(a.indices[gone][was], rows[coo.row][now])
        and np.array_equal(col_of_gone[was], coo.col[now])
        and np.array_equal(a.data[gone][was], coo.data[now])
    ):
        return a  # the same entries: nothing to splice
    data, indices = np.delete(a.data, gone), np.delete(a.indices, gone)
    counts = np.diff(a.indptr) - np.bincount(col_of_gone, minlength=a.shape[1])
    order = np.lexsort((rows[coo.row], coo.col))
    new_cols, new_rows, new_data = coo.col[order], rows[coo.row][order], coo.data[order]
    kept_ptr = np.concatenate([[0], np.cumsum(counts)])
    data = np.insert(data, kept_ptr[new_cols + 1], new_data.astype(a.dtype))
    indices = np.insert(indices, kept_ptr[new_cols + 1], new_rows.astype(a.indices.dtype))
    counts += np.bincount(new_cols, minlength=a.shape[1])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(a.indptr.dtype)
    return sp.csc_matrix((data, indices, indptr), shape=a.shape, copy=False)
